import type { Command } from 'commander';
import { status, type StatusReport } from '../engine/index.js';
import { describeDiff, short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

function describe(report: StatusReport): string[] {
  const state = report.missing ? 'MISSING' : report.uncommitted ? 'uncommitted changes' : 'clean';
  const lines = [`${report.workflow} ${report.version}: ${report.file} (${state}; head ${short(report.head)})`];
  if (report.uncommitted) lines.push(...describeDiff({ nodes: report.changes, other: report.otherChanges }));
  if (report.handBump) {
    const n = report.handBump.changes.length;
    lines.push(`  next version saved by hand: ${report.handBump.file} (${report.handBump.version}; ${n === 0 ? 'same content as the head' : `${n} node${n === 1 ? '' : 's'} changed against the head`})`);
  }
  for (const r of report.retired) {
    const n = r.changes.length;
    lines.push(`  edits saved into a retired file: ${r.file} (${n} node${n === 1 ? '' : 's'} changed against ${r.version}${r.against ? ` ${short(r.against)}` : ''})`);
  }
  for (const stale of report.stale) lines.push(`  stale ${stale.node} (${stale.tab}): ${stale.reasons.map((r) => `${r.code} ${r.detail}`).join('; ')}`);
  const { backups } = report;
  for (const p of backups.missing) lines.push(`  backups: missing ${p}`);
  for (const p of backups.altered) lines.push(`  backups: altered ${p}`);
  for (const p of backups.unknown) lines.push(`  backups: not from history ${p}`);
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
