// The table of ratios printed at the end of a run, and the goals of issue 8 it is read against.
import { formatBytes, type DirSize } from './measure.js';
import type { Timings } from './operations.js';
import type { StoreTrace } from './storeTrace.js';
import type { PackBreakdown } from './packBreakdown.js';

export interface ScenarioResult {
  label: string;
  targetBytes: number;
  fileBytes: number;
  ops: number;
  commits: number;
  opsByKind: Record<string, number>;
  buildMsPerOp: number;
  timings: Timings;
  sizes: Record<string, DirSize>;
  gcMs: Record<string, number>;
  /** Issue 17: the store after every state against git's aggressive pack (--goals). */
  trace?: StoreTrace | null;
  /** Bytes per kind of object after `nbv gc` (--goals). */
  packBreakdown?: PackBreakdown;
}

const ms = (n: number | undefined) => (n === undefined ? '-' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function renderTable(results: ScenarioResult[], startup: Timings, withStartup = true): string {
  const lines: string[] = [];
  const node = startup['start.node'] ?? 0;
  if (withStartup) lines.push(`start (ms): node -e 0 ${ms(node)}, nbv --version ${ms(startup['start.nbv.version'])}, ` +
    `nbv --help ${ms(startup['start.nbv.help'])}, git --version ${ms(startup['start.git.version'])}`);
  const widths = [26, 9, 9, 9, 9, 12, 14];
  for (const r of results) {
    const t = r.timings;
    lines.push('', `== ${r.label}: ${formatBytes(r.fileBytes)} workflow, ${r.commits} states (${Object.entries(r.opsByKind).map(([k, v]) => `${v} ${k}`).join(', ')}); replay ${ms(r.buildMsPerOp)} ms/op`);
    lines.push(row(['time (ms, median)', 'nbv lib', 'nbv bin', 'git', 'backups', 'lib/git', '(bin-node)/git'], widths));
    const line = (name: string, key: string) => {
      const lib = t[`${key}.nbv.lib`];
      const bin = t[`${key}.nbv.bin`];
      const git = t[`${key}.git`];
      if (lib === undefined && bin === undefined && git === undefined) return; // not timed in this mode
      lines.push(row([name, ms(lib), ms(bin), ms(git), ms(t[`${key}.backups`]), ratio(lib, git), ratio(bin === undefined ? undefined : bin - node, git)], widths));
    };
    line('commit one edit', 'commit');
    line('restore oldest', 'restore.oldest');
    line('restore newest', 'restore.newest');
    line('read oldest bytes', 'read.oldest');
    line('read newest bytes', 'read.newest');
    if (t['restore.oldest.packed.nbv.lib'] !== undefined) {
      line('restore oldest (packed)', 'restore.oldest.packed');
      line('restore newest (packed)', 'restore.newest.packed');
      line('read oldest (packed)', 'read.oldest.packed');
      line('log (packed)', 'log.packed');
    }
    line('log (all)', 'log');
    line('diff oldest..newest', 'diff');
    line('status', 'status');
    if (t['import.nbv.lib'] !== undefined) line('import legacy folder', 'import');
    if (t['cmd.status.bin'] !== undefined) {
      lines.push(row(['binary (ms, median)', 'nbv', 'node -e 0', 'x node'], [26, 9, 9, 9]));
      for (const key of Object.keys(t).filter((k) => /^cmd\.\w+\.bin$/.test(k))) {
        const name = key.split('.')[1]!;
        const paired = t[`cmd.${name}.ratio`];
        lines.push(row([`nbv ${name}`, ms(t[key]), ms(t[`cmd.${name}.node`]), paired === undefined ? ratio(t[key], t[`cmd.${name}.node`]) : `${paired.toFixed(2)}x`], [26, 9, 9, 9]));
      }
    }
    const s = r.sizes;
    const aggressive = s['git.gc-aggressive']?.bytes;
    lines.push(row(['store size', 'bytes', 'disk', 'vs aggr.'], [26, 10, 10, 9]));
    for (const key of ['nbv', 'nbv.gc', 'nbv.git-gc-aggressive', 'git.loose', 'git.gc', 'git.gc-aggressive', 'backups', 'backups.gz']) {
      const v = s[key];
      if (v) lines.push(row([key, formatBytes(v.bytes), formatBytes(v.disk), ratio(v.bytes, aggressive)], [26, 10, 10, 9]));
    }
    if (r.trace) {
      const w = r.trace.worst;
      lines.push(`between packings (${r.trace.packings} packings): worst measured ${formatBytes(w.nbv)} at state ${w.state} vs git gc --aggressive ${formatBytes(w.git)} = ${ratio(w.nbv, w.git)} ` +
        `(every state between ${r.trace.lower.ratio.toFixed(2)}x at ${r.trace.lower.state} and ${r.trace.upper.ratio.toFixed(2)}x at ${r.trace.upper.state}); ` +
        `git --aggressive at ${Object.entries(r.trace.aggressive).map(([n, b]) => `${n}: ${formatBytes(b)}`).join(', ')}`);
    }
    if (r.packBreakdown) lines.push(`after nbv gc, by kind: ${Object.entries(r.packBreakdown).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ')}`);
    if (r.gcMs['nbv.gc'] !== undefined) lines.push(`gc time (ms): nbv gc ${ms(r.gcMs['nbv.gc'])}, git gc ${ms(r.gcMs['git.gc'])}, git gc --aggressive ${ms(r.gcMs['git.gc-aggressive'])}`);
  }
  return lines.join('\n');
}
