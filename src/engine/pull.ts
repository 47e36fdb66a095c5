// `nbv pull [REMOTE]`: fetch, then take the remote's work into each workflow: a fast-forward
// when ours has nothing new, a three-way merge commit when both sides moved. Unrecorded edits are
// recorded first, so every step can be undone. Our unpushed versions that collide with the
// remote's are renumbered after them (renumber.ts). Conflicts stop the merge of that workflow:
// the working file holds our values there, `status` lists them, `resolve` and `merge` finish.
import type { MergeConflict } from '../merging/index.js';
import type { TransferProgress } from '../store/index.js';
import { branchRef, readEntry } from '../history/history.js';
import { saveUncommitted, underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { relate } from '../history/sharing/ancestry.js';
import { adoptRemoteTags, fastForward, mergeWorkflow } from '../history/sharing/integrate.js';
import { syncMissingView, writeWorkingFile, type Materialized } from '../history/sharing/materialize.js';
import { assertNoMerge, writeMergeState, type PendingMerge } from '../history/sharing/mergeState.js';
import { fetchRemoteState, resolveRemote, type RemoteState } from '../history/sharing/remoteState.js';
import { renumberUnpushed, type Renumbering } from '../history/sharing/renumber.js';
import { adoptConfig, recordConfig } from '../history/sharing/sharedConfig.js';
import { isAncestor } from '../history/sharing/ancestry.js';

export interface PullOptions {
  remote?: string;
  onProgress?: (progress: TransferProgress) => void;
}

export interface PulledWorkflow {
  workflow: string;
  /** new: a workflow we did not have; fast-forward; merged; conflicts; up-to-date; ahead (ours only). */
  result: 'new' | 'fast-forward' | 'merged' | 'conflicts' | 'up-to-date' | 'ahead';
  head: string;
  /** The commit that recorded unrecorded edits before the pull, when there were any. */
  saved: string | null;
  renumbered: Renumbering['versions'];
  renamedFiles: Renumbering['files'];
  conflicts: MergeConflict[];
}

export interface PullResult {
  remote: string;
  url: string;
  empty: boolean;
  settings: 'same' | 'taken' | 'kept-ours' | 'none';
  workflows: PulledWorkflow[];
  notes: string[];
}

async function pullSettings(project: Project, state: RemoteState): Promise<PullResult['settings']> {
  if (state.config === null) return 'none';
  const ours = await recordConfig(project, 'the project settings before a pull');
  if (ours === state.config || (await isAncestor(project, state.config, ours))) return 'same';
  if (await isAncestor(project, ours, state.config)) {
    await adoptConfig(project, state.config);
    return 'taken';
  }
  // Both sides changed the settings: ours stay, in a commit that has theirs as a parent, so the
  // next push is not refused for it. Which fields differ is for the people to settle.
  await recordConfig(project, 'kept ours on a pull (both sides changed them)', state.config);
  return 'kept-ours';
}

export async function pull(project: Project, options: PullOptions = {}): Promise<PullResult> {
  return underLock(project, async () => {
    await assertNoMerge(project, 'pulling again');
    const handle = await resolveRemote(project, options.remote);
    const state = await fetchRemoteState(project, handle, options.onProgress ? { onProgress: options.onProgress } : {});
    const notes = [...state.notes];
    const out: PullResult = { remote: handle.name, url: handle.shown, empty: state.empty, settings: 'none', workflows: [], notes };
    if (state.empty) {
      notes.push(`${handle.shown} is empty; 'nbv push' starts it`);
      return out;
    }
    out.settings = await pullSettings(project, state);
    const files: Materialized = { written: [], kept: [] };
    const pending: PendingMerge[] = [];
    for (const [workflow, theirs] of state.workflows) {
      const item: PulledWorkflow = { workflow, result: 'up-to-date', head: theirs, saved: null, renumbered: [], renamedFiles: [], conflicts: [] };
      out.workflows.push(item);
      const local = await project.store.resolveRef(branchRef(workflow));
      if (local === null) {
        await project.store.updateRef(branchRef(workflow), theirs, null);
        await adoptRemoteTags(project, workflow, state.tags, notes);
        await writeWorkingFile(project, workflow, [], files);
        item.result = 'new';
        continue;
      }
      const saved = await saveUncommitted(project, workflow, 'pull');
      item.saved = saved.savedCommit;
      let ours = saved.workflow.head;
      const relation = await relate(project, ours.commit, theirs);
      if (relation.kind === 'same' || relation.kind === 'ahead') {
        item.result = relation.kind === 'same' ? 'up-to-date' : 'ahead';
        item.head = ours.commit;
        await adoptRemoteTags(project, workflow, state.tags, notes);
        continue;
      }
      if (relation.kind === 'behind') {
        await adoptRemoteTags(project, workflow, state.tags, notes);
        item.head = (await fastForward(project, ours, theirs)).commit;
        item.result = 'fast-forward';
        continue;
      }
      const renumbered = await renumberUnpushed(project, workflow, ours, theirs, state.tags);
      if (renumbered !== null) {
        ours = renumbered.head;
        item.renumbered = renumbered.versions;
        item.renamedFiles = renumbered.files;
      }
      await adoptRemoteTags(project, workflow, state.tags, notes);
      const merged = await mergeWorkflow(project, await readEntry(project, ours.commit), theirs, relation.base, handle.name);
      if (merged.clean) {
        item.result = 'merged';
        item.head = merged.entry.commit;
      } else {
        item.result = 'conflicts';
        item.head = ours.commit;
        item.conflicts = merged.conflicts;
        pending.push(merged.pending);
      }
    }
    await syncMissingView(project, files);
    for (const kept of files.kept) notes.push(`${kept} holds bytes history does not know; left as it is`);
    if (pending.length > 0) await writeMergeState(project, { format: 'nbv-merge/1', remote: handle.name, pending });
    return out;
  });
}
