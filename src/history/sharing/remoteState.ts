// A remote as nbv sees it: which one (by name), and what it holds once fetched and checked.
// Fetching downloads objects first and moves no ref until every new commit has been read and
// its names checked (safePaths.ts); only then do the tracking refs move. A transfer cut halfway
// therefore leaves the project as it was.
import { NbvError } from '../../errors.js';
import {
  CONFIG_REF, fetchObjects, findRemoteEntry, listRemoteEntries, listRemoteRefs, parseRemoteUrl, scrubUrl,
  type RemoteUrl, type TransferProgress,
} from '../../store/index.js';
import { baseName, readEntry, versionTagName, workflowOfBranchRef } from '../history.js';
import type { Project } from '../project.js';
import { ancestors } from './ancestry.js';
import { assertSafeRecordedPath, assertSafeWorkflowName } from './safePaths.js';
import { readConfigCommit } from './sharedConfig.js';
import { readTracking, writeTracking } from './trackingRefs.js';

export interface RemoteHandle {
  name: string;
  remote: RemoteUrl;
  /** The address without credentials, for messages. */
  shown: string;
}

export async function resolveRemote(project: Project, name: string | undefined): Promise<RemoteHandle> {
  const entries = await listRemoteEntries(project.gitdir);
  const entry =
    name !== undefined
      ? entries.find((e) => e.name === name)
      : (entries.find((e) => e.name === 'origin') ?? (entries.length === 1 ? entries[0] : undefined));
  if (entry === undefined) {
    if (name !== undefined) throw new NbvError('UNKNOWN_REF', `no remote named ${JSON.stringify(name)} ('nbv remote list' shows them)`);
    throw new NbvError('BAD_USAGE', entries.length === 0 ? `this project has no remote; 'nbv remote add origin URL' adds one` : `this project has ${entries.length} remotes and none is called origin; name one`);
  }
  return { name: entry.name, remote: parseRemoteUrl(entry.url, project.root), shown: scrubUrl(entry.url) };
}

export async function remoteExists(project: Project, name: string): Promise<boolean> {
  return (await findRemoteEntry(project.gitdir, name)) !== null;
}

export interface RemoteState {
  handle: RemoteHandle;
  /** True for a repository with no refs at all: a push starts it. */
  empty: boolean;
  /** Workflow name -> head commit on the remote. */
  workflows: Map<string, string>;
  /** Tag name (`XYZG3/V0-4`) -> commit. */
  tags: Map<string, string>;
  config: string | null;
  /** What was left out, and why (a tag naming no workflow, ...). */
  notes: string[];
}

function stateOf(handle: RemoteHandle, refs: Map<string, string>, notes: string[]): RemoteState {
  const workflows = new Map<string, string>();
  const tags = new Map<string, string>();
  for (const [ref, oid] of refs) {
    if (ref.startsWith('refs/heads/')) workflows.set(workflowOfBranchRef(ref), oid);
    else if (ref.startsWith('refs/tags/')) tags.set(ref.slice('refs/tags/'.length), oid);
  }
  return { handle, empty: refs.size === 0, workflows, tags, config: refs.get(CONFIG_REF) ?? null, notes };
}

/** The remote as last fetched, without asking it (status). */
export async function lastKnownState(project: Project, handle: RemoteHandle): Promise<RemoteState> {
  return stateOf(handle, await readTracking(project, handle.name), []);
}

async function knownCommits(project: Project): Promise<Set<string>> {
  const known = new Set<string>();
  for (const r of [...(await project.store.listRefs('refs/heads/')), ...(await project.store.listRefs('refs/remotes/'))]) {
    for (const oid of await ancestors(project, r.oid, known)) known.add(oid);
  }
  return known;
}

/** Reads every commit of `head` the project does not have yet and checks what it names. */
async function checkIncoming(project: Project, workflow: string, head: string, known: Set<string>): Promise<void> {
  const queue = [head];
  while (queue.length > 0) {
    const oid = queue.pop()!;
    if (known.has(oid)) continue;
    const where = `remote commit ${oid.slice(0, 12)} of ${workflow}`;
    const entry = await readEntry(project, oid);
    const { op, stored } = entry;
    if (op.workflow !== workflow) throw new NbvError('CORRUPT_STORE', `${where}: its record names workflow ${JSON.stringify(op.workflow)}; refused`);
    assertSafeRecordedPath(op.file, where);
    if (baseName(op.file) !== entry.treeFileName) throw new NbvError('CORRUPT_STORE', `${where}: the record names ${op.file} but the tree holds ${entry.treeFileName}; refused`);
    for (const v of op.view) assertSafeRecordedPath(v.path, where);
    const mergeOk = stored.parents.length === 2 && op.op === 'merge' && op.merge?.theirs === stored.parents[1];
    if (stored.parents.length > 1 && !mergeOk) throw new NbvError('CORRUPT_STORE', `${where}: ${stored.parents.length} parents without a merge record; refused`);
    known.add(oid);
    queue.push(...stored.parents);
  }
}

export interface FetchOptions {
  onProgress?: (progress: TransferProgress) => void;
}

/** Fetches, checks, and moves the tracking refs. Hold the project lock. */
export async function fetchRemoteState(project: Project, handle: RemoteHandle, options: FetchOptions = {}): Promise<RemoteState> {
  const env = project.context.env ?? process.env;
  const transport = { env, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  const advertised = await listRemoteRefs(handle.remote, transport);
  if (advertised.size === 0) {
    await writeTracking(project, handle.name, new Map());
    return stateOf(handle, new Map(), []);
  }
  if (!advertised.has(CONFIG_REF)) {
    throw new NbvError('NOT_AN_NBV_REMOTE', `${handle.shown} is a git repository but holds no nbv project (no ${CONFIG_REF}); nothing was changed`);
  }
  const fetched = await fetchObjects(project.gitdir, handle.remote, advertised, transport);
  const notes: string[] = [];
  const checked = new Map<string, string>();
  const configOid = fetched.get(CONFIG_REF);
  if (configOid === undefined) throw new NbvError('NOT_AN_NBV_REMOTE', `${handle.shown} stopped holding an nbv project during the fetch; nothing was changed`);
  await readConfigCommit(project, configOid);
  checked.set(CONFIG_REF, configOid);
  const known = await knownCommits(project);
  const workflows = new Map<string, string>();
  for (const [ref, oid] of fetched) {
    if (!ref.startsWith('refs/heads/')) continue;
    const workflow = workflowOfBranchRef(ref);
    assertSafeWorkflowName(workflow, `${handle.shown} ${ref}`);
    await checkIncoming(project, workflow, oid, known);
    workflows.set(workflow, oid);
    checked.set(ref, oid);
  }
  for (const [ref, oid] of fetched) {
    if (!ref.startsWith('refs/tags/')) continue;
    const name = ref.slice('refs/tags/'.length);
    const owner = [...workflows.keys()].find((wf) => name.startsWith(versionTagName(wf, '')));
    const entry = owner !== undefined && known.has(oid) ? await readEntry(project, oid) : null;
    if (owner === undefined || entry === null || versionTagName(owner, entry.op.version) !== name) {
      notes.push(`tag ${name} on ${handle.shown} names no version of a workflow there; left out`);
      continue;
    }
    checked.set(ref, oid);
  }
  await writeTracking(project, handle.name, checked);
  return stateOf(handle, checked, notes);
}
