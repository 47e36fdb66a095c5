// A log line, and the author/time filter that log and audit share. The shape of LogItem is what
// scripts rely on (SPEC.md: fields may be added, none renamed).
import { NbvError } from '../errors.js';
import type { HistoryEntry } from './history.js';
import type { IndexedOp } from './historyIndexFormat.js';
import { OP_KINDS } from './opRecord.js';
import { relativeDay, relativeInstant } from './relativeDate.js';

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
  /** Every parent, first parent first: two for a merge (ours, then the side it took in). */
  parents: string[];
  changes: Array<{ node: string; title?: string; kinds: string[] }>;
  backups: string[];
}

export interface RecordFilterOptions {
  ops?: string[];
  /** Part of the author's name or email, any case. */
  author?: string;
  /** Bounds, inclusive: a date (`2026-05-12`, compared with each record's date in its own zone) or
   * a time (`2026-05-12T10:00:00+02:00`, compared as instants; without a zone, the machine's). */
  since?: string;
  until?: string;
  /** What `yesterday` and `2.weeks.ago` are relative to (ISO 8601); else the machine's clock. */
  now?: string;
}

/** What a log line is made of: a HistoryEntry, or the index's row of it. */
export type LoggedEntry = Pick<HistoryEntry, 'commit' | 'parent'> & { op: IndexedOp };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

type Bound = (time: string) => boolean;

function bound(input: string, flag: string, after: boolean, now: string): Bound {
  const text = relativeDay(input, now) ?? input;
  const relative = relativeInstant(text, Date.parse(now));
  if (relative !== null) return after ? (time) => Date.parse(time) >= relative : (time) => Date.parse(time) <= relative;
  if (DATE_ONLY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return after ? (time) => time.slice(0, 10) >= text : (time) => time.slice(0, 10) <= text;
  }
  const ms = DATE_TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new NbvError('BAD_USAGE', `${flag} '${text}' is not a date (2026-05-12, yesterday, 2.weeks.ago) or a time (2026-05-12T10:00:00+02:00)`);
  return after ? (time) => Date.parse(time) >= ms : (time) => Date.parse(time) <= ms;
}

/** One predicate for the author and time filters, shared by log and audit; bad bounds fail first. */
export function recordFilter(options: RecordFilterOptions): (op: Pick<IndexedOp, 'op' | 'author' | 'time'>) => boolean {
  const now = options.now ?? new Date().toISOString();
  const since = options.since === undefined ? null : bound(options.since, '--since', true, now);
  const until = options.until === undefined ? null : bound(options.until, '--until', false, now);
  const unknown = options.ops?.find((op) => !(OP_KINDS as readonly string[]).includes(op));
  if (unknown !== undefined) throw new NbvError('BAD_USAGE', `--op '${unknown}' is no operation kind (${OP_KINDS.join(', ')})`);
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
    parents: [...(entry.parent === null ? [] : [entry.parent]), ...(op.merge ? [op.merge.theirs] : [])],
    changes: op.changes,
    backups: op.view.map((v) => v.path),
  };
}

