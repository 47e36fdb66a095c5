// The backups/ view as history defines it: every op record lists the view files its commit brings
// into being and which state each holds. The view is the union of those lists, so it can be
// rebuilt at any time and nothing in it is ever the only copy of anything.
//
// Walking every commit on every `status` is what a long history cannot afford, so the view of
// each workflow is derived data (derivedCache.ts) in `.nbv/nbv-view-cache.json`, kept per head:
// a cached head the branch still descends from means every file listed for it is still right, and
// only the newer commits are read. Anything else (a rewritten branch, a damaged cache) falls back
// to the full walk. `verify` never uses the cache.
import * as z from 'zod';
import { listWorkflowNames, loadWorkflow } from './workflows.js';
import { readEntry, type HistoryEntry } from './history.js';
import { commitsSince, readDerived, writeDerived, type DerivedKind, type DerivedSlot } from './derivedCache.js';
import { ancestors } from './sharing/ancestry.js';
import type { Project } from './project.js';
import { storedPathSchema } from './opRecord.js';

export interface ViewFile {
  path: string;
  /** Git blob id of the bytes the file must hold. */
  blob: string;
  workflow: string;
  /** The commit whose op record put it in the view. */
  commit: string;
  /** The commit whose state it holds. */
  stateCommit: string;
  /** A hand copy taken in by `backups adopt`: the user chose it, so retention always keeps it. */
  adopted?: true;
}

export interface ViewOptions {
  /** Use and refresh the derived cache (default). `false` reads every commit: for verify. */
  cached?: boolean;
}

export const VIEW_CACHE_META = 'nbv-view-cache.json';

const viewFileSchema = z.object({ path: storedPathSchema, blob: z.string(), workflow: z.string(), commit: z.string(), stateCommit: z.string(), adopted: z.literal(true).optional() });
const VIEW_CACHE: DerivedKind<ViewFile[]> = { meta: VIEW_CACHE_META, kind: 'backups-view', data: z.array(viewFileSchema) };

/** The commits a merge took in from its second parent, newest first: [] for any other commit. */
async function mergedSide(project: Project, entry: HistoryEntry): Promise<HistoryEntry[]> {
  if (entry.op.op !== 'merge' || entry.stored.parents.length !== 2) return [];
  const ours = await ancestors(project, entry.stored.parents[0]!);
  const side = await ancestors(project, entry.stored.parents[1]!, ours);
  const entries = await Promise.all([...side].map((oid) => readEntry(project, oid)));
  return entries.sort((a, b) => (b.op.chain?.seq ?? 0) - (a.op.chain?.seq ?? 0));
}

/** The view files these commits (newest first) bring into being, oldest first. */
async function viewFilesOf(project: Project, name: string, newestFirstEntries: HistoryEntry[]): Promise<ViewFile[]> {
  const newestFirst: ViewFile[] = [];
  for (const first of newestFirstEntries) {
    // A merge brings the view files of the side it merged (docs/sharing.md).
    for (const entry of [first, ...(await mergedSide(project, first))]) for (const item of [...entry.op.view].reverse()) {
      if (item.state === 'self') {
        const adopted = entry.op.intent.auto === 'adopt' ? { adopted: true as const } : {};
        newestFirst.push({ path: item.path, blob: entry.fileBlob, workflow: name, commit: entry.commit, stateCommit: entry.commit, ...adopted });
      } else if (entry.parent !== null) {
        const parent = (await readEntry(project, entry.parent)).fileBlob;
        newestFirst.push({ path: item.path, blob: parent, workflow: name, commit: entry.commit, stateCommit: entry.parent });
      }
    }
  }
  return newestFirst.reverse();
}

/** Every file of the view, per workflow in name order, oldest commit first. */
export async function expectedView(project: Project, options: ViewOptions = {}): Promise<ViewFile[]> {
  const useCache = options.cached !== false;
  const updates = new Map<string, DerivedSlot<ViewFile[]>>();
  const files: ViewFile[] = [];
  for (const name of await listWorkflowNames(project)) {
    const head = (await loadWorkflow(project, name)).head.commit;
    const cached = useCache ? await readDerived(project, VIEW_CACHE, name) : null;
    let own: ViewFile[];
    if (cached?.head === head) {
      own = cached.data;
    } else {
      // Only the commits since the cached head, when the branch still descends from it.
      const since = await commitsSince(project, head, cached?.head ?? null);
      const newer = await viewFilesOf(project, name, since.newer);
      own = since.reachedStop && cached ? [...cached.data, ...newer] : newer;
      updates.set(name, { head, key: '', data: own });
    }
    files.push(...own);
  }
  if (useCache) await writeDerived(project, VIEW_CACHE, updates);
  return files;
}

/** path -> blob, for choosing free names. */
export async function viewIndex(project: Project): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for (const file of await expectedView(project)) index.set(file.path, file.blob);
  return index;
}
