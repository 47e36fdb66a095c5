// `nbv undo`: an operation-log undo, as jj has it. It undoes the last recorded operation and says
// which; `undo` again goes one further back, and says beforehand what that will be. The undo is a
// new commit that brings back the state before the operation: history only grows, so `nbv redo`
// can take the undo back. A command that changed nothing is itself the last operation: the
// `undo` right after it says so and undoes nothing (docs/undo.md).
import { NbvError } from '../errors.js';
import type { DocumentDiff } from '../nbflow/index.js';
import { readEntry, type HistoryEntry } from '../history/history.js';
import { saveUncommittedState, underLock } from '../history/mutation.js';
import { lastUndoable, takeNoop, UNDO_FLOOR, type NoopNote } from '../history/opLog.js';
import type { Project } from '../history/project.js';
import { recordReturnTo } from '../history/returnTo.js';
import type { WorkflowHead } from '../history/workflows.js';
import { loadWorkflowState } from '../history/workflowState.js';

export interface UndoOptions {
  workflow?: string;
  message?: string;
}

export interface UndoResult {
  workflow: string;
  recorded: boolean;
  /** Set when the last command changed nothing: that is what this undo "undid". */
  noop: NoopNote | null;
  undone: HistoryEntry | null;
  savedCommit: string | null;
  entry: HistoryEntry | null;
  backup: string | null;
  diff: DocumentDiff | null;
  /** What `undo` would undo next (null: nothing, or only the start of tracking is left). */
  next: HistoryEntry | null;
}

async function undoableNext(project: Project, wf: WorkflowHead): Promise<HistoryEntry | null> {
  const next = await lastUndoable(project, wf);
  return next && next.parent !== null && !UNDO_FLOOR.has(next.op.op) ? next : null;
}

export async function undo(project: Project, options: UndoOptions): Promise<UndoResult> {
  return underLock(project, async () => {
    const named = await loadWorkflowState(project, options.workflow);
    const none = { workflow: named.name, savedCommit: null, entry: null, backup: null, diff: null, undone: null };
    if (named.working.kind !== 'modified') {
      const noop = await takeNoop(project, named);
      if (noop) return { ...none, recorded: false, noop, next: await undoableNext(project, named) };
    }
    const saved = await saveUncommittedState(project, named, 'undo');
    const wf = saved.state;
    const target = await lastUndoable(project, wf);
    if (!target || target.parent === null || UNDO_FLOOR.has(target.op.op)) {
      const start = target ? ` (${target.op.op} ${target.commit.slice(0, 7)})` : '';
      throw new NbvError('NOTHING_TO_DO', `nothing to undo in ${wf.name}: what is left is the start of its history${start}; 'nbv restore REF' brings back any recorded state`);
    }
    const before = await readEntry(project, target.parent);
    const result = await recordReturnTo(project, wf, before, {
      op: 'undo',
      message: options.message ?? `undo ${target.op.op} ${target.commit.slice(0, 7)}: ${target.op.message.split('\n')[0]}`,
      intent: { undoes: target.commit },
    });
    return {
      workflow: wf.name,
      recorded: true,
      noop: null,
      undone: target,
      savedCommit: saved.savedCommit,
      entry: result.entry,
      backup: result.view[0]?.path ?? null,
      diff: result.diff,
      next: await undoableNext(project, { ...wf, head: result.entry }),
    };
  });
}
