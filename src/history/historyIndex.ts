// An index of op records, so that `log` and REF resolution do not read a commit, a tree and an
// op.json for every state in history. It is derived data, rebuilt from history whenever it is in
// doubt; verify and audit never use it.
//
// File: `.nbv/nbv-history-<first 16 hex of sha1(workflow name)>.idx`, one per workflow (workflow
// names may hold characters a metadata file name may not); its format is in historyIndexFormat.ts.
// A row keeps the commit and blob ids and what log and REF lookups read of the op record (op,
// workflow, version, file, message, author, time, nodes, changes, view, intent.undoes); not
// provenance, the rest of intent, tool, sha256 or chain: whoever needs them reads the one op.json.
//
// Why it can be trusted without a lock: a row is a pure function of its commit id (the commit,
// its tree and op.json are content-addressed), and a commit id hashes its whole first-parent
// ancestry, so an index that holds a commit also holds that commit's complete history, valid
// forever, whatever happens to refs later. A reader therefore walks from the branch head until it
// meets a commit the index holds and takes the rest from there: a head already indexed costs no
// walk (a branch moved back to an older commit included), new commits on top cost one entry each,
// a rewritten branch (a forged commit on an older one) costs its new commits, anything else
// (no file, a damaged, truncated or foreign file, another format) costs the full walk, and the
// result is written back. It is written only once the command that read it has succeeded (a
// refused REF leaves the store as it was), with `Store#writeMeta` (storeLayout.ts: temp file in
// .nbv, fsync, rename, fsync of the folder), so readers see a whole old file or a whole new one;
// two processes writing at once write equally valid indexes and the last rename wins; a crash
// leaves the old file (at worst a stray temp file). No lock is needed, and none is taken: `log`
// stays a pure reader that any number of processes run at once. A failed write is ignored.
// The real git ignores the file: it is no ref, object or config (`git fsck --strict` is clean).
//
// Damage is caught before any row is used: the header's zod schema (format tag, workflow name,
// row count), the sha1 of the body (truncation, any changed byte), and a cheap check of every
// row while it is decoded (types, shapes, indexes in range). Then the first indexed row used (the
// head's, or where the walk meets the index) and every row a lookup answers with are compared
// with the entry read from the store; a mismatch discards the index and walks again. What this
// does not catch is a file forged on purpose with a matching sha1: `log` would print its rows
// below the head (a REF lookup still checks the state it answers with against the store).
// Whoever can write .nbv can forge its refs and objects just as well; `verify` and `audit` read
// the store itself, never this index.
//
// HEAD~N for a large N, versions, commit prefixes and file contents (resolveRef.ts) and undo's
// search for the last undoable step (undo.ts) use it too.
import { createHash } from 'node:crypto';
import { readEntry, type HistoryEntry } from './history.js';
import { decodeHistoryIndex, encodeHistoryIndex, sameRow, type IndexedOp, type IndexRow } from './historyIndexFormat.js';
import type { Project } from './project.js';
import type { WorkflowHead } from './workflows.js';

export type { IndexedOp, IndexRow };

export interface ScanOptions {
  /** Use and refresh the index (default). `false` reads every commit and writes nothing. */
  cached?: boolean;
  /** Ignore the index on disk and in memory: walk from the head, and save what the walk learns. */
  rebuild?: boolean;
}

/** Return true to stop the scan. */
export type RowVisitor = (row: IndexRow) => boolean | void;

interface Known {
  rows: IndexRow[];
  at: Map<string, number>;
  /** The index file holds these rows (read from it, or written). */
  onDisk: boolean;
}

/** The metadata file of a workflow's index. */
export function historyIndexMeta(workflow: string): string {
  return `nbv-history-${createHash('sha1').update(workflow, 'utf8').digest('hex').slice(0, 16)}.idx`;
}

const memo = new WeakMap<Project, Map<string, Known>>();

/** A lookup that had to read this many commits completes and saves the index (see scanHistory). */
export const COMPLETE_AFTER = 64;
/** An index on disk is rewritten once this many newer commits had to be read past it... */
export const REWRITE_AFTER = 16;
/** ...or fewer that name this many nodes between them: an op.json naming every node of a 1 MB
 * workflow (a restore, a runner pass) is 100 KB, and every command read the ones not yet written
 * (25 of them, 115 ms of a 1,000-state bump). */
export const REWRITE_AFTER_NODES = 400;

export function rowOf(entry: HistoryEntry): IndexRow {
  const { op } = entry;
  return {
    commit: entry.commit,
    parent: entry.parent,
    treeFileName: entry.treeFileName,
    fileBlob: entry.fileBlob,
    opBlob: entry.opBlob,
    patchBlob: entry.patchBlob,
    op: {
      op: op.op,
      workflow: op.workflow,
      version: op.version,
      file: op.file,
      message: op.message,
      author: op.author,
      time: op.time,
      nodes: op.nodes,
      changes: op.changes,
      view: op.view,
      intent: op.intent.undoes === undefined ? {} : { undoes: op.intent.undoes },
      ...(op.merge ? { merge: { theirs: op.merge.theirs } } : {}),
    },
  };
}

function known(rows: IndexRow[], onDisk: boolean): Known {
  const at = new Map<string, number>();
  rows.forEach((row, i) => at.set(row.commit, i));
  return { rows, at, onDisk };
}

async function loadKnown(project: Project, workflow: string): Promise<Known | null> {
  const hit = memo.get(project)?.get(workflow);
  if (hit) return hit;
  const raw = await project.store.readMeta(historyIndexMeta(workflow)).catch(() => null);
  const rows = raw === null ? null : decodeHistoryIndex(raw, workflow);
  return rows === null ? null : remember(project, workflow, known(rows, true));
}

function remember(project: Project, workflow: string, k: Known): Known {
  let perWorkflow = memo.get(project);
  if (!perWorkflow) memo.set(project, (perWorkflow = new Map()));
  perWorkflow.set(workflow, k);
  return k;
}

/** What a scan learnt. */
export interface Scan {
  /** Writes the index file when the scan read new rows and knows the whole chain; best effort.
   * Callers save once their command has succeeded: a refused command changes nothing on disk. */
  save(): Promise<void>;
}

const NOTHING_TO_SAVE: Scan = { save: async () => undefined };

/**
 * Visits the states of `wf`'s branch newest first, from the index where it holds them, until
 * `visit` returns true. Rows are shared: callers must not change them.
 */
export async function scanHistory(project: Project, wf: WorkflowHead, visit: RowVisitor, options: ScanOptions = {}): Promise<Scan> {
  const useIndex = options.cached !== false;
  let index = useIndex && !options.rebuild ? await loadKnown(project, wf.name) : null;
  const fresh: IndexRow[] = [];
  let commit: string | null = wf.head.commit;
  let from: number | undefined;
  let visiting = true;
  while (commit !== null) {
    const entry: HistoryEntry = commit === wf.head.commit ? wf.head : await readEntry(project, commit);
    const row = rowOf(entry);
    from = index?.at.get(commit);
    if (from !== undefined && sameRow(index!.rows[from]!, row)) break;
    if (from !== undefined) index = null; // the index says otherwise than the store: drop it
    from = undefined;
    fresh.push(row);
    if (visiting && visit(row)) {
      // Stopped before meeting the index or the first commit: only part of the chain is known.
      // A short walk is left at that; one that went far (an old version, with no index yet) reads
      // on to complete the index, once, so that the next lookup does not walk again.
      if (useIndex && fresh.length >= COMPLETE_AFTER) visiting = false;
      else return NOTHING_TO_SAVE;
    }
    commit = entry.parent;
  }
  if (visiting && from !== undefined) {
    const rows = index!.rows;
    for (let i = from; i < rows.length; i++) if (visit(rows[i]!)) break;
  }
  if (!useIndex || (fresh.length === 0 && index!.onDisk)) return NOTHING_TO_SAVE;
  // A few commits on top of an index on disk are cheaper to read again than the whole file is to
  // rewrite (2.5 MB at 10,000 states) after every command.
  const named = fresh.reduce((n, row) => n + row.op.nodes.length, 0);
  if (from !== undefined && index!.onDisk && fresh.length < REWRITE_AFTER && named < REWRITE_AFTER_NODES) return NOTHING_TO_SAVE;
  let learnt: Known;
  if (fresh.length === 0) learnt = index!; // read earlier in this process, not yet written
  else learnt = remember(project, wf.name, known(index && from !== undefined ? fresh.concat(index.rows.slice(from)) : fresh, false));
  return {
    save: async () => {
      if (learnt.onDisk) return;
      // A reader that cannot write the index still has the right answer.
      await project.store.writeMeta(historyIndexMeta(wf.name), encodeHistoryIndex(wf.name, learnt.rows)).then(
        () => void (learnt.onDisk = true),
        () => undefined,
      );
    },
  };
}

/**
 * The row `n` states below the head, when the index (in memory or on disk) already holds the
 * head: `{ row: null, states }` when the branch has only `states` states. Null when it does not
 * hold the head, so the caller walks instead (this never builds an index).
 */
export async function indexedAncestor(project: Project, wf: WorkflowHead, n: number): Promise<{ row: IndexRow | null; states: number } | null> {
  const index = await loadKnown(project, wf.name);
  const from = index?.at.get(wf.head.commit);
  if (index === null || from === undefined || !sameRow(index.rows[from]!, rowOf(wf.head))) return null;
  return { row: index.rows[from + n] ?? null, states: index.rows.length - from };
}

/**
 * The entry of the newest state that `makeTest()` accepts, read from the store; the index is saved
 * when one is found. Should the row not match the entry (an index wrong in a way its checks
 * missed), the index is rebuilt from the store and the search made again on it: an answer never
 * rests on derived data alone.
 */
export async function newestEntry(project: Project, wf: WorkflowHead, makeTest: () => RowVisitor, options: ScanOptions = {}): Promise<HistoryEntry | null> {
  const hit: { row: IndexRow | null } = { row: null };
  const test = makeTest();
  const scan = await scanHistory(project, wf, (row) => (test(row) ? ((hit.row = row), true) : false), options);
  if (hit.row === null) return null;
  const entry: HistoryEntry = await readEntry(project, hit.row.commit);
  if (sameRow(hit.row, rowOf(entry))) {
    await scan.save();
    return entry;
  }
  // Only an index read from disk can disagree with the store; the rebuilt one is the store's.
  const rebuilt = await scanHistory(project, wf, () => false, { rebuild: true });
  const found = await newestEntry(project, wf, makeTest, { cached: false });
  if (found !== null) await rebuilt.save();
  return found;
}
