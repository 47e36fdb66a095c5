// Every command that changes anything runs through here: under the project lock, after finishing
// or dropping whatever a crash interrupted, and with the user's unsaved work recorded first.
import { NbvError } from '../errors.js';
import { parseNbflow } from '../nbflow/index.js';
import { autoGc } from './packing.js';
import { recoverJournal } from './journal.js';
import { removeStoreTemps } from '../store/index.js';
import { recordState, type RecordResult } from './record.js';
import type { OpRecord } from './opRecord.js';
import type { Project } from './project.js';
import { loadWorkflow, readWorkingFile, type WorkflowHead } from './workflows.js';

export async function underLock<T>(project: Project, fn: () => Promise<T>): Promise<T> {
  const waitMs = project.context.lockWaitMs;
  return project.store.withLock(async () => {
    await recoverJournal(project);
    // Temp files a killed nbv left in the store (docs/reliability.md): best effort, never fatal.
    await removeStoreTemps(project.gitdir).catch(() => undefined);
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
  const result = await recordWorkingFile(project, wf, working.bytes, `unsaved changes, recorded before ${before}`, { auto: before });
  return { workflow: { ...wf, head: result.entry }, savedCommit: result.entry.commit };
}

/** Records the working file's bytes as a `commit` on top of the head: what `nbv commit` does,
 * and what every destructive step does first with edits the user has not recorded. */
export async function recordWorkingFile(
  project: Project,
  wf: WorkflowHead,
  bytes: Uint8Array,
  message: string,
  intent: OpRecord['intent'] = {},
): Promise<RecordResult> {
  return recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'commit',
    version: wf.head.op.version,
    file: wf.head.op.file,
    parsed: parseNbflow(bytes, wf.head.op.file),
    message,
    intent,
    view: [],
    writeWorkingFile: false,
  });
}

export function requireWorkingFile(wf: WorkflowHead, state: { kind: string }): void {
  if (state.kind === 'missing') {
    throw new NbvError('FILE_NOT_FOUND', `the working file is missing; 'nbv restore HEAD' brings it back`, {
      file: wf.head.op.file,
    });
  }
}
