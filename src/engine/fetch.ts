// `nbv fetch [REMOTE]`: what the remote holds, downloaded and checked; nothing of ours changes
// but the refs that remember the remote (refs/remotes/<remote>/..., refs/nbv-remote/<remote>/...).
import { underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { compareWithRemote, type WorkflowSync } from '../history/sharing/compare.js';
import { fetchRemoteState, resolveRemote, type FetchOptions } from '../history/sharing/remoteState.js';

export interface FetchCommandOptions extends FetchOptions {
  remote?: string;
}

export interface FetchResult {
  remote: string;
  url: string;
  empty: boolean;
  workflows: WorkflowSync[];
  notes: string[];
}

export async function fetch(project: Project, options: FetchCommandOptions = {}): Promise<FetchResult> {
  return underLock(project, async () => {
    const handle = await resolveRemote(project, options.remote);
    const state = await fetchRemoteState(project, handle, options);
    return { remote: handle.name, url: handle.shown, empty: state.empty, workflows: await compareWithRemote(project, state), notes: state.notes };
  });
}
