// The bytes of a history index file (historyIndex.ts says what it is for and why it can be
// trusted). Two lines:
//   1. header, JSON: {"format":"nbv-history/2","workflow":NAME,"head":OID,"rows":N,"sha1":HEX}
//   2. body, JSON: [strings, kinds, changes, rows], `sha1` being the sha1 of this line (newline
//      included).
// Node ids, titles, versions, file names, authors and messages repeat from commit to commit, and
// so do whole lists of changes (a runner pass over the same scenes, a model change over every
// node): each distinct text is written once in `strings`, each distinct list of change kinds once
// in `kinds` (as string indexes), each distinct list of changes once in `changes` (flat: node,
// title or -1, kinds index), and rows refer to them by index. Against rows written out in full
// the file is 3 to 4 times smaller, and it is parsed once, with one object made per distinct
// list rather than per row (rows share them). A row, newest first, is an array of 17 items:
//   [commit, fileBlob, opBlob, patchBlob, op, workflow, version, file, message, authorName,
//    authorEmail, time (text), treeFileName, nodes, changes, view, intentUndoes (oid) | null]
// `nodes` is 0 when it lists the nodes of `changes` in their order (always, for records nbv
// writes), else an array of string indexes; `view` is flat: path, state (0 parent, 1 self). A
// row's parent is the next row's commit; the last row has none. Everything is checked while it is
// decoded: any surprise makes the whole file worthless (null), never a wrong row.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { OP_KINDS, type OpRecord } from './opRecord.js';

/** What log and REF lookups read from an op record. */
export type IndexedOp = Pick<OpRecord, 'op' | 'workflow' | 'version' | 'file' | 'message' | 'author' | 'time' | 'nodes' | 'changes' | 'view'> & {
  intent: { undoes?: string };
  /** op `merge`: the other side, the commit's second parent. */
  merge?: { theirs: string };
};

/** One state of a branch, as the index keeps it: a HistoryEntry without the bulky parts. */
export interface IndexRow {
  commit: string;
  parent: string | null;
  treeFileName: string;
  fileBlob: string;
  opBlob: string;
  patchBlob: string;
  op: IndexedOp;
}

// /2: rows carry a merge's second parent (an 18th element); /1 files are rebuilt.
export const HISTORY_INDEX_FORMAT = 'nbv-history/2';

const OID = /^[0-9a-f]{40}$/;
const OP_KIND_SET: ReadonlySet<string> = new Set(OP_KINDS);
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

const headerSchema = z
  .object({
    format: z.literal(HISTORY_INDEX_FORMAT),
    workflow: z.string(),
    head: z.string().regex(OID),
    rows: z.number().int().min(1),
    sha1: z.string().regex(OID),
  })
  .strict();

class Interner<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();
  id(key: string, value: T): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.values.push(value) - 1));
    return id;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The index file of `rows` (newest first, each one's parent the next one's commit). */
export function encodeHistoryIndex(workflow: string, rows: readonly IndexRow[]): Uint8Array {
  const strings = new Interner<string>();
  const kinds = new Interner<number[]>();
  const changeLists = new Interner<number[]>();
  const s = (text: string) => strings.id(text, text);
  const encoded = rows.map((row) => {
    const { op } = row;
    const flat: number[] = [];
    for (const c of op.changes) {
      const k = c.kinds.map(s);
      flat.push(s(c.node), c.title === undefined ? -1 : s(c.title), kinds.id(k.join(), k));
    }
    const view: number[] = [];
    for (const v of op.view) view.push(s(v.path), v.state === 'self' ? 1 : 0);
    const nodes = sameList(op.nodes, op.changes.map((c) => c.node)) ? 0 : op.nodes.map(s);
    return [
      row.commit, row.fileBlob, row.opBlob, row.patchBlob, s(op.op), s(op.workflow), s(op.version), s(op.file), s(op.message),
      s(op.author.name), s(op.author.email), op.time, s(row.treeFileName), nodes, changeLists.id(flat.join(), flat), view, op.intent.undoes ?? null,
      op.merge?.theirs ?? null,
    ];
  });
  const body = Buffer.from(JSON.stringify([strings.values, kinds.values, changeLists.values, encoded]) + '\n', 'utf8');
  const header = { format: HISTORY_INDEX_FORMAT, workflow, head: rows[0]!.commit, rows: rows.length, sha1: sha1(body) };
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n', 'utf8'), body]);
}

class BadIndex extends Error {}
function check(ok: boolean): asserts ok {
  if (!ok) throw new BadIndex();
}
const isOid = (v: unknown): v is string => typeof v === 'string' && v.length === 40 && OID.test(v);
// Blob ids are only compared and read through the store, which checks them; the sha1 of the body
// already vouches for every byte, so their shape is all that is checked here (a regex per blob
// was a tenth of the decoding time).
const isOidShaped = (v: unknown): v is string => typeof v === 'string' && v.length === 40;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The rows of an index file, or null when it is not a sound index of `workflow`. */
export function decodeHistoryIndex(bytes: Uint8Array, workflow: string): IndexRow[] | null {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const nl = buf.indexOf(0x0a);
    check(nl > 0);
    const header = headerSchema.parse(JSON.parse(buf.toString('utf8', 0, nl)));
    const body = buf.subarray(nl + 1);
    check(header.workflow === workflow && sha1(body) === header.sha1);
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    check(Array.isArray(parsed) && parsed.length === 4);
    const [strings, kinds, changes, tuples] = parsed as unknown[];
    check(isStrings(strings) && Array.isArray(kinds) && Array.isArray(changes) && Array.isArray(tuples) && tuples.length === header.rows);
    const rows = decodeRows(tuples, new Tables(strings, kinds, changes));
    check(rows[0]!.commit === header.head);
    return rows;
  } catch {
    return null; // derived data: anything unexpected means rebuild, never trust
  }
}

type Change = IndexedOp['changes'][number];

/** The shared tables, each list decoded (and checked) once however many rows use it. */
class Tables {
  private readonly kindLists: string[][];
  private readonly changeLists: Array<{ changes: Change[]; nodes: string[] }>;

  constructor(private readonly strings: string[], kinds: unknown[], changes: unknown[]) {
    this.kindLists = kinds.map((k) => {
      check(Array.isArray(k));
      return k.map((i) => this.str(i));
    });
    this.changeLists = changes.map((flat) => {
      check(Array.isArray(flat) && flat.length % 3 === 0);
      const list: Change[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        const kindList = this.kindLists[flat[i + 2] as number];
        check(kindList !== undefined);
        const node = this.str(flat[i]);
        list.push(flat[i + 1] === -1 ? { node, kinds: kindList } : { node, title: this.str(flat[i + 1]), kinds: kindList });
      }
      return { changes: list, nodes: list.map((c) => c.node) };
    });
  }

  str(i: unknown): string {
    const text = this.strings[i as number];
    check(typeof text === 'string');
    return text;
  }

  private readonly authors = new Map<string, { name: string; email: string }>();

  /** One object per distinct author, shared by their rows. */
  author(name: unknown, email: unknown): { name: string; email: string } {
    const key = `${name as number},${email as number}`;
    let author = this.authors.get(key);
    if (author === undefined) this.authors.set(key, (author = { name: this.str(name), email: this.str(email) }));
    return author;
  }

  changes(i: unknown): { changes: Change[]; nodes: string[] } {
    const list = this.changeLists[i as number];
    check(list !== undefined);
    return list;
  }
}

function decodeRows(tuples: unknown[], tables: Tables): IndexRow[] {
  const str = (i: unknown) => tables.str(i);
  const rows: IndexRow[] = new Array(tuples.length);
  // Oldest first, so that each row's parent (the next row's commit) is known when it is made.
  for (let r = tuples.length - 1; r >= 0; r--) {
    const t = tuples[r];
    check(Array.isArray(t) && t.length === 18);
    const [commit, fileBlob, opBlob, patchBlob, op, wf, version, file, message, name, email, time, tree, nodes, changes, view, undoes, theirs] = t as unknown[];
    check(theirs === null || isOid(theirs));
    check(isOid(commit) && isOidShaped(fileBlob) && isOidShaped(opBlob) && isOidShaped(patchBlob) && typeof time === 'string');
    check(Array.isArray(view) && view.length % 2 === 0 && (undoes === null || isOid(undoes)) && (nodes === 0 || Array.isArray(nodes)));
    const kind = str(op);
    check(OP_KIND_SET.has(kind));
    const changeList = tables.changes(changes);
    const viewList: IndexedOp['view'] = [];
    for (let i = 0; i < view.length; i += 2) {
      check(view[i + 1] === 0 || view[i + 1] === 1);
      viewList.push({ path: str(view[i]), state: view[i + 1] === 1 ? 'self' : 'parent' });
    }
    rows[r] = {
      commit,
      parent: rows[r + 1]?.commit ?? null,
      treeFileName: str(tree),
      fileBlob,
      opBlob,
      patchBlob,
      op: {
        op: kind as IndexedOp['op'],
        workflow: str(wf),
        version: str(version),
        file: str(file),
        message: str(message),
        author: tables.author(name, email),
        time,
        nodes: nodes === 0 ? changeList.nodes : (nodes as unknown[]).map(str),
        changes: changeList.changes,
        view: viewList,
        intent: undoes === null ? {} : { undoes },
        ...(theirs === null ? {} : { merge: { theirs: theirs as string } }),
      },
    };
  }
  return rows;
}

/** Equal when every field the index keeps is equal: how an indexed row is checked against the store. */
export function sameRow(a: IndexRow, b: IndexRow): boolean {
  const flat = (row: IndexRow) => {
    const { op } = row;
    return JSON.stringify([
      row.commit, row.parent, row.treeFileName, row.fileBlob, row.opBlob, row.patchBlob, op.op, op.workflow, op.version, op.file,
      op.message, op.author.name, op.author.email, op.time, op.nodes, op.changes.map((c) => [c.node, c.title ?? null, c.kinds]),
      op.view.map((v) => [v.path, v.state]), op.intent.undoes ?? null, op.merge?.theirs ?? null,
    ]);
  };
  return flat(a) === flat(b);
}
