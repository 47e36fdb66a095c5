// Recording a return to an earlier recorded state, for `undo` and `redo`: the state's bytes become
// a new commit on top of the head (history only grows), with the state replaced kept as a
// pre-undo backup when the file changes, and the working file renamed back if its version did.
// Callers hold the lock and have recorded any unsaved edits first.
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { readState, type HistoryEntry } from './history.js';
import type { OpRecord } from './opRecord.js';
import { operationTime, type Project } from './project.js';
import { recordState, type RecordResult } from './record.js';
import type { WorkflowState } from './workflowState.js';

export async function recordReturnTo(
  project: Project,
  wf: WorkflowState,
  target: HistoryEntry,
  step: { op: 'undo' | 'redo'; message: string; intent: OpRecord['intent'] },
): Promise<RecordResult> {
  const moment = operationTime(project);
  return recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: step.op,
    version: target.op.version,
    file: target.op.file,
    parsed: await readState(project, target),
    parentDoc: (await wf.headDocument()).doc,
    message: step.message,
    intent: step.intent,
    view: target.fileBlob === wf.head.fileBlob ? [] : [{ path: preChangePath(wf.head.op.file, moment.date, PRE_CHANGE_LABEL.undo), state: 'parent' }],
    writeWorkingFile: true,
    retireFile: wf.head.op.file,
    moment,
  });
}
