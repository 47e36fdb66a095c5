// `nbv bump`: V0-N -> V0-N+1. The last recorded state of V0-N becomes backups/NAME-V0-N.nbflow;
// edits not yet recorded go into the new version, since "edited a prompt" is what a bump is for.
import { recordBump, type BumpResult } from '../history/bumpState.js';
import { underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { loadWorkflowState } from '../history/workflowState.js';

export type { BumpResult };

export interface BumpOptions {
  workflow?: string;
  message?: string;
}

export async function bump(project: Project, options: BumpOptions): Promise<BumpResult> {
  return underLock(project, async () => {
    const state = await loadWorkflowState(project, options.workflow);
    return recordBump(project, state.name, options.message, { state });
  });
}
