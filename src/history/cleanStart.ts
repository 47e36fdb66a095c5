// Recording a wipe, for the commands that make one: `nbv wipe` (with or without --bump) and the
// seed's clean mode before a run (`nbv run --clean`: wipe every cache and bump). With a bump the
// two steps are one operation: the bump's commit is written but its ref move is left to the
// wipe's, so one journal covers both and a kill never leaves a bumped, unwiped version.
// The state is the one the command loaded under the lock; the wipe's edit is computed once, on
// the document the user has, which is exactly what the bump or the save before the wipe records.
import { selectNodes, wipeCache, type NodeSelector, type ParsedNbflow } from '../nbflow/index.js';
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { recordBump, type BumpResult } from './bumpState.js';
import type { HistoryEntry } from './history.js';
import { saveUncommittedState } from './mutation.js';
import { operationTime, type Project } from './project.js';
import { recordState } from './record.js';
import { afterRecord, type WorkflowState } from './workflowState.js';

export interface WipeRecord {
  /** The recorded bump (without the deferred ref move, which the wipe made). */
  bump: BumpResult | null;
  savedCommit: string | null;
  entry: HistoryEntry;
  backup: string | null;
  state: WorkflowState;
}

/** Records `edit` (a wipe computed on `state.currentDocument()`) with its pre-wipe backup. */
export async function recordWipe(
  project: Project,
  state: WorkflowState,
  edit: { parsed: ParsedNbflow },
  options: { bump: boolean; selector: NodeSelector; message: string; bumpMessage?: string },
): Promise<WipeRecord> {
  // With a bump, unrecorded edits go into the new version (as 'nbv bump' does), so the old
  // version stays as it was recorded: consistent inputs and cache, e.g. the old avatar URL.
  const saved = options.bump ? { state, savedCommit: null } : await saveUncommittedState(project, state, 'wipe');
  const bumped = options.bump
    ? await recordBump(project, state.name, options.bumpMessage ?? 'clean run: new version before wiping', { deferRef: true, state })
    : null;
  const before = bumped ? afterRecord(project, state, bumped.entry, await state.currentDocument()) : saved.state;
  const file = before.head.op.file;
  const moment = operationTime(project);
  const result = await recordState(project, {
    workflow: before.name,
    parent: before.head,
    op: 'wipe',
    version: before.head.op.version,
    file,
    parsed: edit.parsed,
    parentDoc: (await before.headDocument()).doc,
    message: options.message,
    intent: { selector: options.selector },
    view: [{ path: preChangePath(file, moment.date, PRE_CHANGE_LABEL.wipe), state: 'parent' }],
    writeWorkingFile: true,
    moment,
    ...(bumped?.pending ? { carry: bumped.pending } : {}),
  });
  return {
    bump: bumped === null ? null : (({ pending: _pending, ...rest }) => rest)(bumped),
    savedCommit: saved.savedCommit,
    entry: result.entry,
    backup: result.view[0]?.path ?? null,
    state: afterRecord(project, before, result.entry, edit.parsed),
  };
}

export interface CleanStart {
  bump: BumpResult;
  /** Null when no node held a cache (the bump alone is recorded). */
  wipe: HistoryEntry | null;
  wiped: string[];
  backup: string | null;
  /** The workflow as this step left it. */
  state: WorkflowState;
}

/** The seed's clean mode: every cache wiped and a new version, as one operation. Callers hold the lock. */
export async function recordCleanStart(project: Project, state: WorkflowState, message?: string): Promise<CleanStart> {
  const current = await state.currentDocument();
  const generation = selectNodes(current.doc, project.config, { all: true }, current.file).map((n) => n.id);
  const edit = wipeCache(current, generation, project.config);
  const wiped = [...new Set(edit.wiped.map((w) => w.node))];
  const bumpMessage = message ?? 'clean run: new version before wiping';
  if (wiped.length === 0) {
    const bump = await recordBump(project, state.name, bumpMessage, { state });
    return { bump, wipe: null, wiped, backup: null, state: afterRecord(project, state, bump.entry, current) };
  }
  const recorded = await recordWipe(project, state, edit, {
    bump: true,
    selector: { all: true },
    bumpMessage,
    message: `clean run: wipe the cache of ${wiped.length} node${wiped.length === 1 ? '' : 's'}`,
  });
  return { bump: recorded.bump!, wipe: recorded.entry, wiped, backup: recorded.backup, state: recorded.state };
}
