// REF forms (SPEC.md): a version (V0-2: its newest state), a commit id prefix (7+ hex), HEAD,
// HEAD~N, or a path to any file, found by the hash of its bytes so that backups/ files work (or, for
// a backups/ file no longer on disk, by its path in the view).
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { readEntry, versionTagName, type HistoryEntry } from './history.js';
import { ancestors } from './sharing/ancestry.js';
import { indexedAncestor, newestEntry, rowOf, scanHistory } from './historyIndex.js';
import { sameRow } from './historyIndexFormat.js';
import type { Project } from './project.js';
import { expectedView } from './backupsView.js';
import type { WorkflowHead } from './workflows.js';

const HEAD_N = /^HEAD(?:~(\d+))?$/;
const VERSION = /^V\d+-\d+$/;
const HEX = /^[0-9a-f]{7,40}$/i;

// Versions, id prefixes and contents are looked up in the index of op records (historyIndex.ts),
// which holds every state's version, commit and blob ids; the entry found is then read from the
// store. HEAD~N reads N commit objects, which for a small N costs less than loading the index.
const WALK_AT_MOST = 64;

async function headAncestor(project: Project, wf: WorkflowHead, n: number, ref: string): Promise<HistoryEntry> {
  const indexed = n < WALK_AT_MOST ? null : await indexedAncestor(project, wf, n);
  if (indexed?.row === null) {
    throw new NbvError('UNKNOWN_REF', `${ref}: ${wf.name} has only ${indexed.states} recorded state${indexed.states === 1 ? '' : 's'}`);
  }
  if (indexed) {
    const entry = await readEntry(project, indexed.row.commit);
    if (sameRow(indexed.row, rowOf(entry))) return entry;
  }
  let seen = 0;
  for await (const commit of project.store.walkFirstParent(wf.head.commit, { limit: n + 1 })) {
    if (seen++ === n) return readEntry(project, commit.oid);
  }
  throw new NbvError('UNKNOWN_REF', `${ref}: ${wf.name} has only ${seen} recorded state${seen === 1 ? '' : 's'}`);
}

async function readIfFile(userPath: string): Promise<Uint8Array | null> {
  try {
    const stat = await fs.stat(userPath);
    if (!stat.isFile()) return null;
    return new Uint8Array(await fs.readFile(userPath));
  } catch {
    return null;
  }
}

async function byCommitPrefix(project: Project, wf: WorkflowHead, ref: string): Promise<HistoryEntry | null> {
  const prefix = ref.toLowerCase();
  const matches: string[] = [];
  const scan = await scanHistory(project, wf, (row) => void (row.commit.startsWith(prefix) && matches.push(row.commit)));
  if (matches.length > 1) {
    throw new NbvError('AMBIGUOUS_REF', `${ref} matches ${matches.length} commits of ${wf.name}; give more digits`);
  }
  if (matches[0] === undefined) return null;
  const entry = await readEntry(project, matches[0]);
  await scan.save();
  return entry;
}

/** A state the index of first parents does not list: one a merge took in from the other side, or
 * one a pull renumbered away (kept under refs/nbv/renumbered/). Read only when the index misses. */
async function byCommitBeyondFirstParents(project: Project, wf: WorkflowHead, ref: string): Promise<HistoryEntry | null> {
  const prefix = ref.toLowerCase();
  const heads = [wf.head.commit, ...(await project.store.listRefs(`refs/nbv/renumbered/${versionTagName(wf.name, '')}`)).map((r) => r.oid)];
  const reachable = new Set<string>();
  for (const head of heads) for (const oid of await ancestors(project, head, reachable)) reachable.add(oid);
  const matches = [...reachable].filter((oid) => oid.startsWith(prefix));
  if (matches.length > 1) throw new NbvError('AMBIGUOUS_REF', `${ref} matches ${matches.length} commits of ${wf.name}; give more digits`);
  if (matches[0] === undefined) return null;
  const entry = await readEntry(project, matches[0]);
  return entry.op.workflow === wf.name ? entry : null;
}

/** The newest state whose .nbflow bytes have this blob id. */
async function byContent(project: Project, wf: WorkflowHead, blob: string): Promise<HistoryEntry | null> {
  return newestEntry(project, wf, () => (row) => row.fileBlob === blob && row.treeFileName.endsWith('.nbflow'));
}

/** The recorded state of `wf` that `ref` names. `cwd` anchors relative paths. */
export async function resolveStateRef(project: Project, wf: WorkflowHead, ref: string, cwd = process.cwd()): Promise<HistoryEntry> {
  const head = HEAD_N.exec(ref);
  if (head) return headAncestor(project, wf, Number(head[1] ?? 0), ref);

  if (VERSION.test(ref)) {
    const found = await newestEntry(project, wf, () => (row) => row.op.version === ref);
    if (found) return found;
    throw new NbvError('UNKNOWN_REF', `${wf.name} has no version ${ref}`);
  }

  const bytes = ref.includes('\0') ? null : await readIfFile(path.resolve(cwd, ref));
  if (bytes !== null) {
    const found = await byContent(project, wf, hashBlob(bytes));
    if (found) return found;
    throw new NbvError('UNKNOWN_REF', `its bytes match no recorded state of ${wf.name}; 'nbv track' or 'nbv commit' records a file first`, {
      file: ref,
    });
  }

  // A backups/ file the retention rule left off the disk (docs/backups-view.md) is still named by
  // its path: the view says which state it holds.
  if (bytes === null && !ref.includes('\0')) {
    const relative = path.relative(project.root, path.resolve(cwd, ref)).split(path.sep).join('/');
    // Only a name in a backups/ folder can be such a file; any other missing file is refused
    // without reading (or caching) the view.
    if (/(^|\/)backups\//.test(relative) && !relative.startsWith('../')) {
      const listed = (await expectedView(project)).find((f) => f.workflow === wf.name && f.path === relative);
      if (listed) return readEntry(project, listed.stateCommit);
    }
  }

  if (HEX.test(ref)) {
    const found = (await byCommitPrefix(project, wf, ref)) ?? (await byCommitBeyondFirstParents(project, wf, ref));
    if (found) return found;
  }
  throw new NbvError('UNKNOWN_REF', `'${ref}' is no version, commit, HEAD~N or file of ${wf.name}`);
}
