// Every command that changes anything runs through here: under the project lock, after finishing
// or dropping whatever a crash interrupted, and with the user's unsaved work recorded first.
import { NbvError } from '../errors.js';
import { parseNbflow } from '../nbflow/index.js';
import { autoGc } from './gc.js';
import { recoverJournal } from './journal.js';
import { recordState } from './record.js';
import type { Project } from './project.js';
import { loadWorkflow, readWorkingFile, type WorkflowHead } from './workflows.js';

export async function underLock<T>(project: Project, fn: () => Promise<T>): Promise<T> {
  const waitMs = project.context.lockWaitMs;
  return project.store.withLock(async () => {
    await recoverJournal(project);
    const result = await fn();
    // Housekeeping once the operation has succeeded; a failed packing leaves every object in place.
    await autoGc(project).catch(() => undefined);
    return result;
  }, waitMs === undefined ? undefined : { waitMs });
}

export interface Saved {
  workflow: WorkflowHead;
  /** The commit that recorded the user's unsaved edits, when there were any. */
  savedCommit: string | null;
}

/** Records the working file as it is, if it differs from the head, so that the destructive step
 * that follows can always be undone. A missing working file has nothing to lose. */
export async function saveUncommitted(project: Project, workflowName: string, before: string): Promise<Saved> {
  const wf = await loadWorkflow(project, workflowName);
  const working = await readWorkingFile(project, wf);
  if (working.kind !== 'modified') return { workflow: wf, savedCommit: null };
  const parsed = parseNbflow(working.bytes, wf.head.op.file);
  const result = await recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'commit',
    version: wf.head.op.version,
    file: wf.head.op.file,
    parsed,
    message: `unsaved changes, recorded before ${before}`,
    intent: { auto: before },
    view: [],
    writeWorkingFile: false,
  });
  return { workflow: { ...wf, head: result.entry }, savedCommit: result.entry.commit };
}

export function requireWorkingFile(wf: WorkflowHead, state: { kind: string }): void {
  if (state.kind === 'missing') {
    throw new NbvError('FILE_NOT_FOUND', `the working file is missing; 'nbv restore HEAD' brings it back`, {
      file: wf.head.op.file,
    });
  }
}
