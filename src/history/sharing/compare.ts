// Each workflow against a remote's copy of it: how many states each side has that the other
// lacks. What fetch reports and status shows.
import { listWorkflowNames } from '../workflows.js';
import { branchRef } from '../history.js';
import type { Project } from '../project.js';
import { relate } from './ancestry.js';
import type { RemoteState } from './remoteState.js';

export interface WorkflowSync {
  workflow: string;
  local: string | null;
  remote: string | null;
  /** same | ahead | behind | diverged, or local-only / remote-only. */
  state: 'same' | 'ahead' | 'behind' | 'diverged' | 'local-only' | 'remote-only';
  ahead: number;
  behind: number;
}

export async function compareWithRemote(project: Project, state: RemoteState): Promise<WorkflowSync[]> {
  const names = new Set([...(await listWorkflowNames(project)), ...state.workflows.keys()]);
  const out: WorkflowSync[] = [];
  for (const workflow of [...names].sort()) {
    const local = await project.store.resolveRef(branchRef(workflow));
    const remote = state.workflows.get(workflow) ?? null;
    if (local === null) out.push({ workflow, local, remote, state: 'remote-only', ahead: 0, behind: 0 });
    else if (remote === null) out.push({ workflow, local, remote, state: 'local-only', ahead: 0, behind: 0 });
    else {
      const r = await relate(project, local, remote);
      out.push({ workflow, local, remote, state: r.kind, ahead: r.ahead, behind: r.behind });
    }
  }
  return out;
}
