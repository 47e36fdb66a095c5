// `nbv gc`: everything into one delta-compressed pack, under the lock. The automatic packing
// after writes lives in history/packing.ts, beside the rule that triggers it.
import { underLock } from '../history/mutation.js';
import { runPack, type GcResult } from '../history/packing.js';
import type { Project } from '../history/project.js';

export type { GcResult };

/** Everything into one delta-compressed pack (what `git gc` does, without pruning anything). */
export async function gc(project: Project): Promise<GcResult> {
  return underLock(project, () => runPack(project, 'full'));
}
