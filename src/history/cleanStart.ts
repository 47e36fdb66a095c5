// The seed's clean mode before a run ("wipe cache, then runs all nodes from scratch"), as the
// shared pieces `nbv wipe --all --bump` is made of: a bump (the old version keeps its cache as
// recorded, and unrecorded edits go into the new one), then a wipe of every cache in the new
// version, with the pre-wipe backup. Callers hold the lock. Should `wipe --all --bump` become one
// atomic operation, this is the one place `nbv run --clean` needs to follow it.
import { parseNbflow, selectNodes, wipeCache } from '../nbflow/index.js';
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { recordBump, type BumpResult } from './bumpState.js';
import { readState, type HistoryEntry } from './history.js';
import { operationTime, type Project } from './project.js';
import { recordState } from './record.js';
import { loadWorkflow } from './workflows.js';

export interface CleanStart {
  bump: BumpResult;
  /** Null when no node held a cache (nothing to wipe, nothing recorded). */
  wipe: HistoryEntry | null;
  wiped: string[];
  backup: string | null;
}

export async function recordCleanStart(project: Project, workflow: string, message?: string): Promise<CleanStart> {
  const bump = await recordBump(project, workflow, message ?? 'clean run: new version before wiping');
  const wf = await loadWorkflow(project, workflow);
  const parsed = await readState(project, wf.head);
  const file = wf.head.op.file;
  const generation = selectNodes(parsed.doc, project.config, { all: true }, file).map((n) => n.id);
  const edit = wipeCache(parsed, generation, project.config);
  const wiped = [...new Set(edit.wiped.map((w) => w.node))];
  if (wiped.length === 0) return { bump, wipe: null, wiped, backup: null };
  const moment = operationTime(project);
  const result = await recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'wipe',
    version: wf.head.op.version,
    file,
    parsed: parseNbflow(edit.bytes, file),
    message: `clean run: wipe the cache of ${wiped.length} node${wiped.length === 1 ? '' : 's'}`,
    intent: { selector: { all: true } },
    view: [{ path: preChangePath(file, moment.date, PRE_CHANGE_LABEL.wipe), state: 'parent' }],
    writeWorkingFile: true,
    moment,
  });
  return { bump, wipe: result.entry, wiped, backup: result.view[0]?.path ?? null };
}
