// Every command that changes anything runs through here: under the project lock, after finishing
// or dropping whatever a crash interrupted, and with the user's unsaved work recorded first.
import { NbvError } from '../errors.js';
import { parseNbflow, type DocumentDiff, type ParsedNbflow } from '../nbflow/index.js';
import { autoGc } from './packing.js';
import { recoverJournal } from './journal.js';
import { removeStoreTemps } from '../store/index.js';
import { recordState, type RecordResult } from './record.js';
import type { OpRecord } from './opRecord.js';
import type { Project } from './project.js';
import type { WorkflowHead } from './workflows.js';
import { afterRecord, loadNamedWorkflowState, type WorkflowState } from './workflowState.js';

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
  const saved = await saveUncommittedState(project, await loadNamedWorkflowState(project, workflowName), before);
  return { workflow: saved.state, savedCommit: saved.savedCommit };
}

/** saveUncommitted on a state the command loaded already: the working file is not read again, and
 * the recorded document is the one the command planned on. */
export async function saveUncommittedState(project: Project, state: WorkflowState, before: string): Promise<{ state: WorkflowState; savedCommit: string | null }> {
  if (state.working.kind !== 'modified') return { state, savedCommit: null };
  const parsed = await state.currentDocument();
  const result = await commitOnHead(project, state, { parsed, message: `unsaved changes, recorded before ${before}`, intent: { auto: before } });
  return { state: afterRecord(project, state, result.entry, parsed), savedCommit: result.entry.commit };
}

/** A `commit` of `parsed` on top of the state's head, under its version and working file name:
 * what `nbv commit` records, and what a destructive step records first of unsaved edits. */
export async function commitOnHead(
  project: Project,
  state: WorkflowState,
  step: { parsed: ParsedNbflow; message: string; intent: OpRecord['intent']; diff?: DocumentDiff; writeWorkingFile?: boolean; retireFile?: string },
): Promise<RecordResult> {
  return recordState(project, {
    workflow: state.name,
    parent: state.head,
    op: 'commit',
    version: state.head.op.version,
    file: state.head.op.file,
    parsed: step.parsed,
    parentDoc: (await state.headDocument()).doc,
    ...(step.diff ? { diff: step.diff } : {}),
    message: step.message,
    intent: step.intent,
    view: [],
    writeWorkingFile: step.writeWorkingFile ?? false,
    ...(step.retireFile ? { retireFile: step.retireFile } : {}),
  });
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
