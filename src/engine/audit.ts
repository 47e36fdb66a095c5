// `nbv audit`: the whole trail as data, one record per operation, oldest first across every
// workflow: who, when (with the zone), what was asked (intent, command line), which nodes it
// touched and how big the patch was. Rendered as JSON Lines or CSV (RFC 4180) for spreadsheets
// and log pipelines; the shapes are a contract like log --json (fields may be added, none renamed).
import { branchRef, readPatch, walkEntries, type HistoryEntry } from '../history/history.js';
import { logItem, recordFilter, type LogItem, type RecordFilterOptions } from '../history/logItems.js';
import type { OpRecord } from '../history/opRecord.js';
import { operationTime, type Project } from '../history/project.js';
import { listWorkflowNames, resolveWorkflow } from '../history/workflows.js';

export interface AuditOptions extends RecordFilterOptions {
  /** One workflow; all of them when absent. */
  workflow?: string;
}

export interface PatchSummary {
  /** Number of RFC 6902 operations. */
  ops: number;
  /** Operations by kind: add, remove, replace, move, copy, test. */
  byKind: Record<string, number>;
  /** Distinct JSON paths the patch writes. */
  paths: number;
}

/** One operation of the trail: what `log --json` gives, plus what an auditor needs. */
export interface AuditRecord extends LogItem {
  patch: PatchSummary;
  intent: OpRecord['intent'];
  tool: string;
  /** sha256 of the state's bytes and the record's chain hash (docs/audit.md). */
  sha256: string;
  chain: string | null;
}

function summarize(patch: unknown): PatchSummary {
  const list = Array.isArray(patch) ? (patch as Array<{ op?: unknown; path?: unknown }>) : [];
  const byKind: Record<string, number> = {};
  const paths = new Set<string>();
  for (const item of list) {
    const kind = String(item.op);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (typeof item.path === 'string') paths.add(item.path);
  }
  return { ops: list.length, byKind, paths: paths.size };
}

async function recordOf(project: Project, entry: HistoryEntry): Promise<AuditRecord> {
  const { op } = entry;
  return {
    ...logItem(entry),
    patch: summarize(await readPatch(project, entry)),
    intent: op.intent,
    tool: op.tool,
    sha256: op.sha256,
    chain: op.chain?.hash ?? null,
  };
}

export async function audit(project: Project, options: AuditOptions = {}): Promise<AuditRecord[]> {
  const keep = recordFilter({ now: operationTime(project).iso, ...options });
  const names = options.workflow === undefined ? await listWorkflowNames(project) : [(await resolveWorkflow(project, options.workflow)).name];
  const records: Array<{ record: AuditRecord; at: number; order: number }> = [];
  for (const name of names) {
    const head = await project.store.resolveRef(branchRef(name));
    if (!head) continue;
    const branch: HistoryEntry[] = [];
    for await (const entry of walkEntries(project, head)) if (keep(entry.op)) branch.push(entry);
    // Oldest first by instant, but a branch keeps its own order even if a clock went backwards:
    // each record sorts at the latest time seen so far on its branch.
    let at = -Infinity;
    for (const entry of branch.reverse()) {
      at = Math.max(at, Date.parse(entry.op.time));
      records.push({ record: await recordOf(project, entry), at, order: records.length });
    }
  }
  records.sort((a, b) => a.at - b.at || a.order - b.order);
  return records.map((r) => r.record);
}

export function auditToJsonl(records: AuditRecord[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

export const AUDIT_CSV_COLUMNS = [
  'commit', 'parent', 'workflow', 'op', 'version', 'file', 'author', 'date', 'message', 'nodes',
  'patch_ops', 'patch_by_kind', 'patch_paths', 'intent', 'tool', 'sha256', 'chain',
] as const;

/** RFC 4180: a field with a comma, a quote, CR or LF is quoted, quotes doubled; lines end CRLF. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function auditToCsv(records: AuditRecord[]): string {
  const rows = records.map((r) => [
    r.commit, r.parent ?? '', r.workflow, r.op, r.version, r.file, r.author, r.date, r.message, r.nodes.join(' '),
    String(r.patch.ops), Object.entries(r.patch.byKind).map(([k, n]) => `${k}:${n}`).join(' '), String(r.patch.paths),
    JSON.stringify(r.intent), r.tool, r.sha256, r.chain ?? '',
  ]);
  return [[...AUDIT_CSV_COLUMNS], ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}
