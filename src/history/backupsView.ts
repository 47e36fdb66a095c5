// The backups/ view as history defines it: every op record lists the view files its commit brings
// into being and which state each holds. The view is the union of those lists, so it can be
// rebuilt at any time and nothing in it is ever the only copy of anything.
//
// Walking every commit on every `status` is what a long history cannot afford, so the view of
// each workflow is cached in `.nbv/nbv-view-cache.json`, keyed by the head it was read at. Commit
// ids hash their whole ancestry, so a cached head that is still an ancestor of the branch means
// every file listed for it is still right: only the newer commits are read. Anything else (a
// rewritten branch, a damaged cache) falls back to the full walk. `verify` never uses the cache.
import * as z from 'zod';
import { listWorkflowNames, loadWorkflow } from './workflows.js';
import { readEntry, walkEntries, type HistoryEntry } from './history.js';
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
const cacheSchema = z.object({
  format: z.literal('nbv-view-cache/1'),
  workflows: z.record(z.string(), z.object({ head: z.string(), files: z.array(viewFileSchema) })),
});
type ViewCache = z.infer<typeof cacheSchema>;

async function readCache(project: Project): Promise<ViewCache> {
  const empty: ViewCache = { format: 'nbv-view-cache/1', workflows: {} };
  const raw = await project.store.readMeta(VIEW_CACHE_META).catch(() => null);
  if (raw === null) return empty;
  try {
    return cacheSchema.parse(JSON.parse(new TextDecoder().decode(raw)));
  } catch {
    return empty; // derived data: a damaged cache is rebuilt, never trusted
  }
}

/** The commits a merge took in from its second parent, newest first: [] for any other commit. */
async function mergedSide(project: Project, entry: HistoryEntry): Promise<HistoryEntry[]> {
  if (entry.op.op !== 'merge' || entry.stored.parents.length !== 2) return [];
  const ours = await ancestors(project, entry.stored.parents[0]!);
  const side = await ancestors(project, entry.stored.parents[1]!, ours);
  const entries = await Promise.all([...side].map((oid) => readEntry(project, oid)));
  return entries.sort((a, b) => (b.op.chain?.seq ?? 0) - (a.op.chain?.seq ?? 0));
}

/** The view files of one workflow, oldest first, reading commits newest first until `stopAt`. */
async function readWorkflowView(project: Project, name: string, head: string, stopAt: string | null): Promise<{ files: ViewFile[]; reachedStop: boolean }> {
  const newestFirst: ViewFile[] = [];
  for await (const first of walkEntries(project, head)) {
    if (first.commit === stopAt) return { files: newestFirst.reverse(), reachedStop: true };
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
  return { files: newestFirst.reverse(), reachedStop: stopAt === null };
}

/** Every file of the view, per workflow in name order, oldest commit first. */
export async function expectedView(project: Project, options: ViewOptions = {}): Promise<ViewFile[]> {
  const useCache = options.cached !== false;
  const cache = useCache ? await readCache(project) : { format: 'nbv-view-cache/1' as const, workflows: {} };
  const next: ViewCache = { format: 'nbv-view-cache/1', workflows: {} };
  let changed = false;
  const files: ViewFile[] = [];
  for (const name of await listWorkflowNames(project)) {
    const head = (await loadWorkflow(project, name)).head.commit;
    const cached = cache.workflows[name];
    let own: ViewFile[];
    if (cached && cached.head === head) {
      own = cached.files;
    } else {
      changed = true;
      const newer = await readWorkflowView(project, name, head, cached?.head ?? null);
      own = newer.reachedStop && cached ? [...cached.files, ...newer.files] : (await readWorkflowView(project, name, head, null)).files;
    }
    next.workflows[name] = { head, files: own };
    files.push(...own);
  }
  if (useCache && changed) {
    // Best effort: a reader that cannot write the cache still has the right answer.
    await project.store.writeMeta(VIEW_CACHE_META, new TextEncoder().encode(JSON.stringify(next))).catch(() => undefined);
  }
  return files;
}

/** path -> blob, for choosing free names. */
export async function viewIndex(project: Project): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for (const file of await expectedView(project)) index.set(file.path, file.blob);
  return index;
}
