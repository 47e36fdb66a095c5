// `nbv log`: history newest first, in the shape scripts rely on (SPEC.md: fields may be added,
// none renamed).
import { sceneNumber } from '../nbflow/index.js';
import { walkEntries, type HistoryEntry } from './history.js';
import type { Project } from './project.js';
import { resolveWorkflow } from './workflows.js';

export interface LogItem {
  commit: string;
  op: string;
  version: string;
  file: string;
  message: string;
  author: string;
  date: string;
  nodes: string[];
  workflow: string;
  parent: string | null;
  changes: Array<{ node: string; title?: string; kinds: string[] }>;
  backups: string[];
}

export interface LogOptions {
  workflow?: string;
  nodes?: string[];
  scenes?: string[];
  ops?: string[];
  limit?: number;
}

export function logItem(entry: HistoryEntry): LogItem {
  const { op } = entry;
  return {
    commit: entry.commit,
    op: op.op,
    version: op.version,
    file: op.file,
    message: op.message,
    author: op.author.email ? `${op.author.name} <${op.author.email}>` : op.author.name,
    date: op.time,
    nodes: op.nodes,
    workflow: op.workflow,
    parent: entry.parent,
    changes: op.changes,
    backups: op.view.map((v) => v.path),
  };
}

function touchesScene(entry: HistoryEntry, scenes: string[]): boolean {
  const wanted = new Set(scenes.map((s) => sceneNumber(s) ?? s));
  return entry.op.changes.some((c) => {
    const n = c.title === undefined ? undefined : sceneNumber(c.title);
    return n !== undefined && wanted.has(n);
  });
}

export async function log(project: Project, options: LogOptions = {}): Promise<LogItem[]> {
  const wf = await resolveWorkflow(project, options.workflow);
  const items: LogItem[] = [];
  const limit = options.limit ?? Infinity;
  for await (const entry of walkEntries(project, wf.head.commit)) {
    if (options.ops?.length && !options.ops.includes(entry.op.op)) continue;
    if (options.nodes?.length && !entry.op.nodes.some((n) => options.nodes!.includes(n))) continue;
    if (options.scenes?.length && !touchesScene(entry, options.scenes)) continue;
    items.push(logItem(entry));
    if (items.length >= limit) break;
  }
  return items;
}
