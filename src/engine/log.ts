// `nbv log`: history newest first, in the shape scripts rely on (SPEC.md: fields may be added,
// none renamed), filtered by node, scene, operation, author and time.
import { sceneNumber } from '../nbflow/index.js';
import { walkEntries } from '../history/history.js';
import { scanHistory } from '../history/historyIndex.js';
import { logItem, recordFilter, type LogItem, type LoggedEntry, type RecordFilterOptions } from '../history/logItems.js';
import { operationTime, type Project } from '../history/project.js';
import { resolveWorkflow } from '../history/workflows.js';

export type { LogItem };

export interface LogOptions extends RecordFilterOptions {
  workflow?: string;
  nodes?: string[];
  scenes?: string[];
  limit?: number;
  /** Read the index of op records (default). `false` reads every commit, as verify and audit do. */
  cached?: boolean;
}

function touchesScene(entry: LoggedEntry, scenes: string[]): boolean {
  const wanted = new Set(scenes.map((s) => sceneNumber(s) ?? s));
  return entry.op.changes.some((c) => {
    const n = c.title === undefined ? undefined : sceneNumber(c.title);
    return n !== undefined && wanted.has(n);
  });
}

export async function log(project: Project, options: LogOptions = {}): Promise<LogItem[]> {
  const keep = recordFilter({ now: operationTime(project).iso, ...options });
  const wf = await resolveWorkflow(project, options.workflow);
  const items: LogItem[] = [];
  const limit = options.limit ?? Infinity;
  /** Adds the entry if it passes the filters; true once the limit is reached. */
  const take = (entry: LoggedEntry): boolean => {
    if (!keep(entry.op)) return false;
    if (options.nodes?.length && !entry.op.nodes.some((n) => options.nodes!.includes(n))) return false;
    if (options.scenes?.length && !touchesScene(entry, options.scenes)) return false;
    items.push(logItem(entry));
    return items.length >= limit;
  };
  if (options.cached === false) {
    for await (const entry of walkEntries(project, wf.head.commit)) if (take(entry)) break;
  } else {
    await (await scanHistory(project, wf, take)).save();
  }
  return items;
}
