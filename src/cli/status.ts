import type { Command } from 'commander';
import { status, type StatusReport } from '../engine/index.js';
import { describeDiff, short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

function describe(report: StatusReport): string[] {
  const state = report.missing ? 'MISSING' : report.uncommitted ? 'uncommitted changes' : 'clean';
  const lines = [`${report.workflow} ${report.version}: ${report.file} (${state}; head ${short(report.head)})`];
  if (report.uncommitted) lines.push(...describeDiff({ nodes: report.changes, other: report.otherChanges }));
  for (const stale of report.stale) lines.push(`  stale ${stale.node} (${stale.tab}): ${stale.reasons.map((r) => `${r.code} ${r.detail}`).join('; ')}`);
  const { backups } = report;
  for (const p of backups.missing) lines.push(`  backups: missing ${p}`);
  for (const p of backups.altered) lines.push(`  backups: altered ${p}`);
  for (const p of backups.unknown) lines.push(`  backups: not from history ${p}`);
  for (const s of report.sync ?? []) {
    if (s.state !== 'same') lines.push(`  ${s.remote}: ${s.state === 'local-only' ? 'not pushed yet' : `${s.ahead} ahead, ${s.behind} behind`} (as last fetched)`);
  }
  if (report.merge) {
    lines.push(`  merge in progress with ${report.merge.remote} (${report.merge.conflicts.filter((c) => !c.resolved).length} of ${report.merge.conflicts.length} conflicts open):`);
    for (const c of report.merge.conflicts) {
      lines.push(`    ${c.resolved ? `settled (${c.resolved})` : 'conflict'} ${c.node ?? c.tab ?? 'document'}${c.field}: ours ${JSON.stringify(c.ours)?.slice(0, 70)}, theirs ${JSON.stringify(c.theirs)?.slice(0, 70)}`);
    }
  }
  for (const a of report.advice) lines.push(`  advice: ${a}`);
  return lines;
}

export function registerStatus(program: Command): void {
  program
    .command('status [workflow]')
    .description('uncommitted changes, stale caches, backups view drift, advice')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const reports = await status(project, workflow === undefined ? {} : { workflow });
        // One workflow: the object SPEC.md names; several: an array of them.
        if (opts.json) return printJson(reports.length === 1 ? reports[0] : reports);
        printLines(reports.length ? reports.flatMap(describe) : ["nothing tracked yet: 'nbv track FILE'"]);
      }),
    );
}
