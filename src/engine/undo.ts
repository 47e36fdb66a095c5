// `nbv undo`: brings back the state before the last operation, as a new commit; the history only
// grows, so the undone step stays in the audit trail. Repeated undos walk further back: an undo
// and the step it undid are both skipped when looking for the next one.
import { NbvError } from '../errors.js';
import type { DocumentDiff } from '../nbflow/index.js';
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { readEntry, readState, type HistoryEntry } from '../history/history.js';
import { newestEntry, type RowVisitor } from '../history/historyIndex.js';
import { saveUncommitted, underLock } from '../history/mutation.js';
import { operationTime, type Project } from '../history/project.js';
import { recordState } from '../history/record.js';
import { resolveWorkflow, type WorkflowHead } from '../history/workflows.js';

export interface UndoOptions {
  workflow?: string;
  message?: string;
}

export interface UndoResult {
  workflow: string;
  undone: HistoryEntry;
  savedCommit: string | null;
  entry: HistoryEntry;
  backup: string | null;
  diff: DocumentDiff;
}

/** The newest operation that is neither an undo nor already undone (from the index of op records). */
async function lastUndoable(project: Project, wf: WorkflowHead): Promise<HistoryEntry | null> {
  const undoable = (): RowVisitor => {
    const undone = new Set<string>();
    return (row) => {
      if (row.op.op !== 'undo') return !undone.has(row.commit);
      if (row.op.intent.undoes) undone.add(row.op.intent.undoes);
      return false;
    };
  };
  return newestEntry(project, wf, undoable);
}

export async function undo(project: Project, options: UndoOptions): Promise<UndoResult> {
  return underLock(project, async () => {
    const named = await resolveWorkflow(project, options.workflow);
    const saved = await saveUncommitted(project, named.name, 'undo');
    const wf = saved.workflow;
    const target = await lastUndoable(project, wf);
    if (!target || target.parent === null) {
      throw new NbvError('NOTHING_TO_DO', `nothing to undo in ${wf.name}: only its first recorded state is left`);
    }
    const before = await readEntry(project, target.parent);
    const moment = operationTime(project);
    const result = await recordState(project, {
      workflow: wf.name,
      parent: wf.head,
      op: 'undo',
      version: before.op.version,
      file: before.op.file,
      parsed: await readState(project, before),
      message: options.message ?? `undo ${target.op.op} ${target.commit.slice(0, 7)}: ${target.op.message.split('\n')[0]}`,
      intent: { undoes: target.commit },
      view:
        before.fileBlob === wf.head.fileBlob
          ? []
          : [{ path: preChangePath(wf.head.op.file, moment.date, PRE_CHANGE_LABEL.undo), state: 'parent' }],
      writeWorkingFile: true,
      retireFile: wf.head.op.file,
      moment,
    });
    return {
      workflow: wf.name,
      undone: target,
      savedCommit: saved.savedCommit,
      entry: result.entry,
      backup: result.view[0]?.path ?? null,
      diff: result.diff,
    };
  });
}
