// `nbv blame --node ID`: for each field of a node (prompt, model, references, each cache entry),
// the commit that last changed it, like git blame for JSON paths.
//
// Walks history newest first and stops as soon as every field is accounted for. A node is matched
// by id, so it is followed across bumps, restores, tab moves and reorderings. Only commits whose
// op record lists the node among those it changed (`op.nodes`, derived by the same diff that
// classified the change) with a kind of change that can concern a field still open (a prompt
// edit cannot have changed the model) are looked at closely; for those, the parent state is
// parsed once (cached by blob id: restores bring back states already seen). Cache entries are matched by
// content, so an entry that merely moved is not a change; the entry is attributed to the commit
// that brought that content into the array.
import { NbvError } from '../errors.js';
import { canonicalJson, contentHash, encodePointerToken, parsePointer } from '../json/index.js';
import type { NbflowConfig } from '../nbflow/index.js';
import { readEntry, type HistoryEntry } from '../history/history.js';
import type { Project } from '../history/project.js';
import { resolveWorkflow } from '../history/workflows.js';

export interface BlameOptions {
  workflow?: string;
  node: string;
  /** A JSON pointer inside the node (`/data/prompt`), or a `data` field's name (`prompt`). */
  field?: string;
}

export interface BlameLine {
  /** JSON pointer inside the node: `/data/prompt`, `/data/_savedImages/2`, `/position`. */
  path: string;
  /** What the field holds now, shortened for reading. */
  value: string;
  commit: string;
  op: string;
  version: string;
  author: string;
  date: string;
  message: string;
  /** For a restore or undo: the state it brought the value back from. */
  restoredFrom?: string;
}

export interface BlameResult {
  workflow: string;
  node: string;
  title?: string;
  /** Commits read while walking back (the early stop makes this smaller than the history). */
  commitsRead: number;
  fields: BlameLine[];
}

type Json = unknown;
type Node = Record<string, Json>;

interface Field {
  path: string;
  tokens: string[];
  /** Cache entries are compared by content: the array they belong to, and the entry's hash. */
  cacheOf?: string[];
  hash?: string;
  now: string;
  value: Json;
  /** Change kinds in op.json that can mean this field changed; null: any kind might. */
  signals?: string[] | null;
}

const CACHE_KINDS = ['cache-filled', 'cache-wiped', 'cache-changed'];

/** Mirrors how nbflow/diff.ts classifies a change of this field, so that a commit whose recorded
 * kinds for the node cannot concern any open field is passed over without reading its states.
 * Anything unsure answers null (read the states); the oracle test in blame.test.ts guards this. */
function signalsOf(tokens: string[], config: NbflowConfig): string[] | null {
  const [top, key] = tokens;
  if (top === undefined) return null;
  if (top !== 'data') return [config.presentationFields.includes(top) ? 'presentation-changed' : 'other-changed'];
  if (key === undefined) return null;
  if (config.cacheFields.includes(key)) return CACHE_KINDS;
  if (tokens.length > 2) return null;
  if (config.presentationFields.includes(key)) return ['presentation-changed'];
  if (config.inputFields !== null && !config.inputFields.includes(key)) return ['other-changed'];
  if (config.promptFields.includes(key)) return ['prompt-edited'];
  if (config.modelFields.includes(key)) return ['model-changed'];
  return ['reference-changed', 'input-changed'];
}

/** True when the kinds `entry` recorded for `node` may concern one of `open`. */
function mayConcern(entry: HistoryEntry, node: string, open: Field[]): boolean {
  const kinds = entry.op.changes.find((c) => c.node === node)?.kinds;
  if (!kinds || kinds.length === 0 || kinds.includes('added') || kinds.includes('removed')) return true;
  return open.some((f) => !f.signals || f.signals.some((k) => kinds.includes(k)));
}

const SKIP = Symbol('absent');

function at(node: Node, tokens: string[]): Json | typeof SKIP {
  let cur: Json = node;
  for (const t of tokens) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, t)) return SKIP;
    cur = (cur as Record<string, Json>)[t];
  }
  return cur;
}

function preview(value: Json): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function findNodeIn(doc: Json, id: string): Node | undefined {
  const tabs = (doc as { tabs?: Array<{ nodes?: Node[] }> }).tabs;
  if (!Array.isArray(tabs)) return undefined;
  for (const tab of tabs) {
    if (!Array.isArray(tab?.nodes)) continue;
    for (const node of tab.nodes) if (node && node['id'] === id) return node;
  }
  return undefined;
}

const pointer = (tokens: string[]) => tokens.map((t) => '/' + encodePointerToken(t)).join('');

function field(tokens: string[], value: Json, cacheOf?: string[]): Field {
  const f: Field = { path: pointer(tokens), tokens, now: canonicalJson(value), value };
  if (cacheOf) {
    f.cacheOf = cacheOf;
    f.hash = contentHash(value);
  }
  return f;
}

/** The fields blame reports for `node`: its own members, each `data` member, each cache entry. */
function fieldsOf(node: Node, config: NbflowConfig, only: string[] | undefined): Field[] {
  const out: Field[] = [];
  const add = (tokens: string[], value: Json) => {
    const cacheArray = tokens.length === 2 && tokens[0] === 'data' && config.cacheFields.includes(tokens[1]!) && Array.isArray(value);
    out.push(field(tokens, value));
    if (cacheArray) (value as Json[]).forEach((entry, i) => out.push(field([...tokens, String(i)], entry, tokens)));
  };
  if (only) {
    const value = at(node, only);
    if (value === SKIP) return [];
    const isCacheEntry = only.length === 3 && only[0] === 'data' && config.cacheFields.includes(only[1]!);
    if (isCacheEntry) out.push(field(only, value, only.slice(0, 2)));
    else add(only, value);
    return withSignals(out, config);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id') continue;
    if (key === 'data' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) add(['data', k], v);
    } else add([key], value);
  }
  return withSignals(out, config);
}

function withSignals(fields: Field[], config: NbflowConfig): Field[] {
  for (const f of fields) f.signals = signalsOf(f.tokens, config);
  return fields;
}

/** True when `f` holds, in `before` (the parent's node), what it holds now. */
function unchanged(f: Field, before: Node): boolean {
  if (f.cacheOf) {
    const array = at(before, f.cacheOf);
    return Array.isArray(array) && array.some((entry) => contentHash(entry) === f.hash);
  }
  const value = at(before, f.tokens);
  return value !== SKIP && canonicalJson(value) === f.now;
}

function fieldTokens(node: Node, spec: string): string[] {
  if (spec.startsWith('/')) {
    try {
      return parsePointer(spec);
    } catch (err) {
      throw new NbvError('BAD_USAGE', `--field ${spec}: ${(err as Error).message}`);
    }
  }
  const data = node['data'];
  return data !== null && typeof data === 'object' && Object.hasOwn(data, spec) ? ['data', spec] : [spec];
}

function lineFor(f: Field, entry: HistoryEntry): BlameLine {
  const { op } = entry;
  const from = op.op === 'restore' ? op.intent.ref : op.op === 'undo' ? op.intent.undoes : undefined;
  return {
    path: f.path,
    value: preview(f.value),
    commit: entry.commit,
    op: op.op,
    version: op.version,
    author: op.author.email ? `${op.author.name} <${op.author.email}>` : op.author.name,
    date: op.time,
    message: op.message,
    ...(from === undefined ? {} : { restoredFrom: from }),
  };
}

/** Parsed states by blob id, for one blame: each state is parsed at most once. */
class States {
  private readonly docs = new Map<string, Json>();
  constructor(private readonly project: Project) {}
  async node(entry: HistoryEntry, id: string): Promise<Node | undefined> {
    let doc = this.docs.get(entry.fileBlob);
    if (doc === undefined) {
      doc = JSON.parse(new TextDecoder().decode(await this.project.store.readBlob(entry.fileBlob))) as Json;
      this.docs.set(entry.fileBlob, doc);
    }
    return findNodeIn(doc, id);
  }
}

export async function blame(project: Project, options: BlameOptions): Promise<BlameResult> {
  const wf = await resolveWorkflow(project, options.workflow);
  const states = new States(project);
  const headNode = await states.node(wf.head, options.node);
  if (!headNode) throw new NbvError('NO_MATCH', `${wf.name} has no node '${options.node}' now`, { file: wf.head.op.file });
  const only = options.field === undefined ? undefined : fieldTokens(headNode, options.field);
  const fields = fieldsOf(headNode, project.config, only);
  if (fields.length === 0) throw new NbvError('NO_MATCH', `node ${options.node} has no field ${options.field}`, { file: wf.head.op.file });

  const found = new Map<string, BlameLine>();
  let open = fields;
  let commitsRead = 0;
  // readEntry along parents rather than walkEntries, which would read each commit object twice.
  for (let oid: string | null = wf.head.commit; oid !== null; ) {
    const entry = await readEntry(project, oid);
    oid = entry.parent;
    commitsRead++;
    if (entry.parent === null) {
      for (const f of open) found.set(f.path, lineFor(f, entry));
      break;
    }
    if (!entry.op.nodes.includes(options.node) || !mayConcern(entry, options.node, open)) continue;
    const before = await states.node(await readEntry(project, entry.parent), options.node);
    const still: Field[] = [];
    for (const f of open) {
      if (before !== undefined && unchanged(f, before)) still.push(f);
      else found.set(f.path, lineFor(f, entry));
    }
    open = still;
    if (open.length === 0) break;
  }
  const title = headNode['data'] !== null && typeof headNode['data'] === 'object' ? (headNode['data'] as Node)['title'] : undefined;
  return {
    workflow: wf.name,
    node: options.node,
    ...(typeof title === 'string' ? { title } : {}),
    commitsRead,
    fields: fields.map((f) => found.get(f.path)!),
  };
}
