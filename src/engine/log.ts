// `nbv log`: history newest first, in the shape scripts rely on (SPEC.md: fields may be added,
// none renamed), filtered by node, scene, operation, author and time.
import { NbvError } from '../errors.js';
import { sceneNumber } from '../nbflow/index.js';
import { walkEntries, type HistoryEntry } from './history.js';
import { scanHistory, type IndexedOp } from './historyIndex.js';
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
  /** Part of the author's name or email, any case. */
  author?: string;
  /** Bounds, inclusive: a date (`2026-05-12`, compared with each record's date in its own zone) or
   * a time (`2026-05-12T10:00:00+02:00`, compared as instants; without a zone, the machine's). */
  since?: string;
  until?: string;
  limit?: number;
  /** Read the index of op records (default). `false` reads every commit, as verify and audit do. */
  cached?: boolean;
}

/** What a log line is made of: a HistoryEntry, or the index's row of it. */
export type LoggedEntry = Pick<HistoryEntry, 'commit' | 'parent'> & { op: IndexedOp };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

type Bound = (time: string) => boolean;

function bound(text: string, flag: string, after: boolean): Bound {
  if (DATE_ONLY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return after ? (time) => time.slice(0, 10) >= text : (time) => time.slice(0, 10) <= text;
  }
  const ms = DATE_TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new NbvError('BAD_USAGE', `${flag} '${text}' is not a date (2026-05-12) or a time (2026-05-12T10:00:00+02:00)`);
  return after ? (time) => Date.parse(time) >= ms : (time) => Date.parse(time) <= ms;
}

/** One predicate for the author and time filters, shared by log and audit; bad bounds fail first. */
export function recordFilter(options: Pick<LogOptions, 'author' | 'since' | 'until' | 'ops'>): (op: Pick<IndexedOp, 'op' | 'author' | 'time'>) => boolean {
  const since = options.since === undefined ? null : bound(options.since, '--since', true);
  const until = options.until === undefined ? null : bound(options.until, '--until', false);
  const who = options.author?.toLowerCase();
  return (op) =>
    (!options.ops?.length || options.ops.includes(op.op)) &&
    (who === undefined || op.author.name.toLowerCase().includes(who) || op.author.email.toLowerCase().includes(who)) &&
    (since === null || since(op.time)) &&
    (until === null || until(op.time));
}

export function logItem(entry: LoggedEntry): LogItem {
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

function touchesScene(entry: LoggedEntry, scenes: string[]): boolean {
  const wanted = new Set(scenes.map((s) => sceneNumber(s) ?? s));
  return entry.op.changes.some((c) => {
    const n = c.title === undefined ? undefined : sceneNumber(c.title);
    return n !== undefined && wanted.has(n);
  });
}

export async function log(project: Project, options: LogOptions = {}): Promise<LogItem[]> {
  const keep = recordFilter(options);
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
