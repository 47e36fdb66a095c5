// `nbv redo`: takes back the last undo, as long as nothing but undos and redos was recorded since
// (new work ends what can be redone). It records the state the undo replaced, as a new commit
// naming the undo it takes back, so a redo is undone like any operation (docs/undo.md).
import { NbvError } from '../errors.js';
import type { DocumentDiff } from '../nbflow/index.js';
import { readEntry, type HistoryEntry } from '../history/history.js';
import { underLock } from '../history/mutation.js';
import { lastRedoable } from '../history/opLog.js';
import type { Project } from '../history/project.js';
import { recordReturnTo } from '../history/returnTo.js';
import { loadWorkflowState } from '../history/workflowState.js';

export interface RedoOptions {
  workflow?: string;
  message?: string;
}

export interface RedoResult {
  workflow: string;
  /** The undo taken back, and the operation it had undone. */
  undo: HistoryEntry;
  redone: HistoryEntry;
  entry: HistoryEntry;
  backup: string | null;
  diff: DocumentDiff;
  /** Whether another `redo` would take back an earlier undo. */
  more: boolean;
}

export async function redo(project: Project, options: RedoOptions): Promise<RedoResult> {
  return underLock(project, async () => {
    const wf = await loadWorkflowState(project, options.workflow);
    if (wf.working.kind === 'modified') {
      // A redo would replace them; recording them first would be new work, which ends redo.
      throw new NbvError('UNCOMMITTED_CHANGES', `${wf.head.op.file} has unrecorded changes: 'nbv commit' them (then there is nothing to redo) or 'nbv restore HEAD' drops them`);
    }
    const undoEntry = await lastRedoable(project, wf);
    if (!undoEntry || undoEntry.parent === null || !undoEntry.op.intent.undoes) {
      throw new NbvError('NOTHING_TO_DO', `nothing to redo in ${wf.name}: redo takes back an undo, and the last operation is ${wf.head.op.op} ${wf.head.commit.slice(0, 7)}`);
    }
    const redone = await readEntry(project, undoEntry.op.intent.undoes);
    const target = await readEntry(project, undoEntry.parent);
    const result = await recordReturnTo(project, wf, target, {
      op: 'redo',
      message: options.message ?? `redo ${redone.op.op} ${redone.commit.slice(0, 7)}: ${redone.op.message.split('\n')[0]}`,
      intent: { undoes: undoEntry.commit },
    });
    const more = (await lastRedoable(project, { ...wf, head: result.entry })) !== null;
    return { workflow: wf.name, undo: undoEntry, redone, entry: result.entry, backup: result.view[0]?.path ?? null, diff: result.diff, more };
  });
}
