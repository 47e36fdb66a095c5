// Reading history: a commit of a workflow branch is a tree of exactly three files (the .nbflow
// bytes, op.json, patch.json). These helpers turn commits into typed entries and states.
import { NbvError } from '../errors.js';
import type { StoredCommit } from '../store/index.js';
import { parseRecordedNbflow, type ParsedNbflow } from '../nbflow/index.js';
import { decodeOpRecord, type OpRecord } from './opRecord.js';
import type { Project } from './project.js';

export const OP_FILE = 'op.json';
export const PATCH_FILE = 'patch.json';

export interface HistoryEntry {
  commit: string;
  parent: string | null;
  op: OpRecord;
  /** Name of the .nbflow in the commit's tree (the working file's base name). */
  treeFileName: string;
  /** Git blob id of the .nbflow bytes: equal ids mean equal bytes. */
  fileBlob: string;
  opBlob: string;
  patchBlob: string;
  stored: StoredCommit;
}

// Workflow names may hold spaces ("My Show-V0-1.nbflow"), which git refuses in ref names: refs
// carry the name with ' ' and '%' percent-encoded. Every ref of a workflow is made here.
const encodeRefComponent = (workflow: string) => workflow.replace(/%/g, '%25').replace(/ /g, '%20');
const decodeRefComponent = (component: string) => component.replace(/%20/g, ' ').replace(/%25/g, '%');

export const branchRef = (workflow: string) => `refs/heads/${encodeRefComponent(workflow)}`;
/** The workflow whose branch `ref` is (`refs/heads/...`). */
export const workflowOfBranchRef = (ref: string) => decodeRefComponent(ref.slice('refs/heads/'.length));
/** `refs/tags/<workflow>/`: every version tag of a workflow starts with it. */
export const versionTagPrefix = (workflow: string) => `refs/tags/${encodeRefComponent(workflow)}/`;
export const versionTagName = (workflow: string, version: string) => `${encodeRefComponent(workflow)}/${version}`;
export const versionTagRef = (workflow: string, version: string) => `refs/tags/${versionTagName(workflow, version)}`;

export function baseName(relativeFile: string): string {
  const i = relativeFile.lastIndexOf('/');
  return i < 0 ? relativeFile : relativeFile.slice(i + 1);
}

const entryCache = new WeakMap<Project, Map<string, HistoryEntry>>();

export async function readEntry(project: Project, commit: string): Promise<HistoryEntry> {
  let cache = entryCache.get(project);
  if (!cache) entryCache.set(project, (cache = new Map()));
  const hit = cache.get(commit);
  if (hit) return hit;

  const stored = await project.store.readCommit(commit);
  const tree = await project.store.readTree(stored.tree);
  const where = `commit ${commit.slice(0, 12)}`;
  const names = Object.keys(tree);
  const opBlob = tree[OP_FILE];
  const patchBlob = tree[PATCH_FILE];
  const fileNames = names.filter((n) => n !== OP_FILE && n !== PATCH_FILE);
  if (!opBlob || !patchBlob || fileNames.length !== 1) {
    throw new NbvError('CORRUPT_STORE', `${where}: tree holds [${names.join(', ')}], expected one .nbflow, ${OP_FILE} and ${PATCH_FILE}`, {
      exitStatus: 1,
    });
  }
  const op = decodeOpRecord(await project.store.readBlob(opBlob), where);
  const treeFileName = fileNames[0]!;
  const entry: HistoryEntry = {
    commit,
    parent: stored.parents[0] ?? null,
    op,
    treeFileName,
    fileBlob: tree[treeFileName]!,
    opBlob,
    patchBlob,
    stored,
  };
  cache.set(commit, entry);
  return entry;
}

export async function readStateBytes(project: Project, entry: HistoryEntry): Promise<Uint8Array> {
  return project.store.readBlob(entry.fileBlob);
}

/** A recorded state, parsed (see parseRecordedNbflow: it was checked strictly when recorded). */
export async function readState(project: Project, entry: HistoryEntry): Promise<ParsedNbflow> {
  const bytes = await readStateBytes(project, entry);
  try {
    return parseRecordedNbflow(bytes, entry.op.file);
  } catch (err) {
    if (!(err instanceof NbvError)) throw err;
    throw new NbvError('CORRUPT_STORE', `commit ${entry.commit.slice(0, 12)}: ${err.message}`, { file: entry.op.file, exitStatus: 1 });
  }
}

export async function readPatch(project: Project, entry: HistoryEntry): Promise<unknown> {
  const bytes = await project.store.readBlob(entry.patchBlob);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new NbvError('CORRUPT_STORE', `commit ${entry.commit.slice(0, 12)}: ${PATCH_FILE} is not JSON (${(err as Error).message})`, {
      exitStatus: 1,
    });
  }
}

/** The entries of a branch, newest first, along first parents. */
export async function* walkEntries(project: Project, head: string, limit = Infinity): AsyncGenerator<HistoryEntry> {
  let count = 0;
  for await (const stored of project.store.walkFirstParent(head)) {
    if (count++ >= limit) return;
    yield await readEntry(project, stored.oid);
  }
}

export async function listEntries(project: Project, head: string, limit = Infinity): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for await (const entry of walkEntries(project, head, limit)) out.push(entry);
  return out;
}
