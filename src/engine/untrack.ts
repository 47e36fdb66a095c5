// `nbv untrack WORKFLOW`: stops versioning a workflow without losing its history. The branch and
// its version tags move under refs/nbv/untracked/<name>/<time>/, where git and `nbv` keep them
// (every commit stays readable: `git --git-dir=.nbv log refs/nbv/untracked/...`); the working file
// and backups/ stay as they are. Tracking the name again starts a fresh history.
import { NbvError } from '../errors.js';
import { branchRef, versionTagPrefix } from '../history/history.js';
import { historyIndexMeta } from '../history/historyIndex.js';
import { underLock } from '../history/mutation.js';
import { operationTime, type Project } from '../history/project.js';
import { listWorkflowNames, loadWorkflow } from '../history/workflows.js';

export interface UntrackOptions {
  workflow: string;
}

export interface UntrackResult {
  workflow: string;
  head: string;
  /** Where the branch now is, and where each version tag went. */
  archivedAs: string;
  tags: Array<{ from: string; to: string }>;
  file: string;
}

export const UNTRACKED_PREFIX = 'refs/nbv/untracked/';

export async function untrack(project: Project, options: UntrackOptions): Promise<UntrackResult> {
  return underLock(project, async () => {
    const names = await listWorkflowNames(project);
    if (!names.includes(options.workflow)) {
      throw new NbvError('UNKNOWN_WORKFLOW', `'${options.workflow}' names no tracked workflow${names.length ? ` (tracked: ${names.join(', ')})` : ''}`);
    }
    const wf = await loadWorkflow(project, options.workflow);
    const stamp = operationTime(project).iso.replace(/[-:]/g, '').replace(/\.\d+/, '').replace('+', 'p');
    const component = branchRef(wf.name).slice('refs/heads/'.length);
    const base = `${UNTRACKED_PREFIX}${component}/${stamp}`;
    const { store } = project;
    // Copies first, removals last: a crash in between leaves the history in both places, never in none.
    const tagPrefix = versionTagPrefix(wf.name);
    const tags = await store.listRefs(tagPrefix);
    const moved = tags.map((t) => ({ from: t.ref, to: `${base}/tags/${t.ref.slice(tagPrefix.length)}`, oid: t.oid }));
    await store.updateRef(`${base}/head`, wf.head.commit, null);
    for (const t of moved) await store.updateRef(t.to, t.oid, null);
    for (const t of moved) await store.deleteRef(t.from, t.oid);
    await store.deleteRef(wf.ref, wf.head.commit);
    await store.deleteMeta(historyIndexMeta(wf.name)).catch(() => undefined);
    return { workflow: wf.name, head: wf.head.commit, archivedAs: `${base}/head`, tags: moved.map(({ from, to }) => ({ from, to })), file: wf.head.op.file };
  });
}
