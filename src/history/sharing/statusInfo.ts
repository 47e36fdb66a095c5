// What `status` says about sharing, without asking any remote: each remote's copy of the
// workflow as last fetched or pushed (ahead / behind), and a merge waiting on conflicts.
import { listRemoteEntries } from '../../store/index.js';
import { branchRef } from '../history.js';
import type { Project } from '../project.js';
import { relate } from './ancestry.js';
import { readMergeState, type StoredConflict } from './mergeState.js';
import { readTracking } from './trackingRefs.js';

export interface RemoteSync {
  remote: string;
  /** same | ahead | behind | diverged | local-only (the remote has no copy, as last seen). */
  state: 'same' | 'ahead' | 'behind' | 'diverged' | 'local-only';
  ahead: number;
  behind: number;
}

export interface WaitingMerge {
  remote: string;
  file: string;
  ours: string;
  theirs: string;
  conflicts: StoredConflict[];
}

export async function remoteSyncOf(project: Project, workflow: string): Promise<RemoteSync[]> {
  const local = await project.store.resolveRef(branchRef(workflow));
  const out: RemoteSync[] = [];
  for (const entry of await listRemoteEntries(project.gitdir)) {
    const remote = (await readTracking(project, entry.name)).get(branchRef(workflow));
    if (local === null) continue;
    if (remote === undefined) {
      out.push({ remote: entry.name, state: 'local-only', ahead: 0, behind: 0 });
      continue;
    }
    const r = await relate(project, local, remote);
    out.push({ remote: entry.name, state: r.kind, ahead: r.ahead, behind: r.behind });
  }
  return out;
}

export async function waitingMergeOf(project: Project, workflow: string): Promise<WaitingMerge | null> {
  const state = await readMergeState(project);
  const pending = state?.pending.find((p) => p.workflow === workflow);
  return pending ? { remote: state!.remote, file: pending.file, ours: pending.ours, theirs: pending.theirs, conflicts: pending.conflicts } : null;
}
