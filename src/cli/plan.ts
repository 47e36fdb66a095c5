import type { Command } from 'commander';
import { plan, type PlanResult } from '../engine/plan.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

/** {60, 90} -> "60-90 s"; {1800, 2700} -> "30-45 min". */
export function formatRange(range: { min: number; max: number }): string {
  const text = (n: number) => String(Math.round(n));
  if (range.max < 300) return range.min === range.max ? `${text(range.min)} s` : `${text(range.min)}-${text(range.max)} s`;
  const [a, b] = [range.min / 60, range.max / 60];
  return Math.round(a) === Math.round(b) ? `${text(a)} min` : `${text(a)}-${text(b)} min`;
}

function describe(result: PlanResult): string[] {
  const head = `${result.workflow} ${result.version}: ${result.file}`;
  if (result.regenerate.length === 0) return [`${head}: nothing to regenerate; every cache (${result.reused}) is reused.`];
  const lines = [`${head}: a run regenerates ${result.regenerate.length} node${result.regenerate.length === 1 ? '' : 's'} and reuses ${result.reused}:`];
  for (const item of result.regenerate) {
    const label = `${item.node}${item.title ? ` (${item.title})` : ''}`;
    lines.push(`  ${label.padEnd(22)} ${(item.model ?? item.kind).padEnd(6)} ${formatRange(item.seconds).padEnd(12)} ${item.reasons.map((r) => `${r.code}: ${r.detail}`).join('; ')}`);
  }
  lines.push(`~${formatRange(result.seconds)} estimated (per-model figures: 'estimates' in .nbv/nbv-config.json).`);
  return lines;
}

export function registerPlan(program: Command): void {
  program
    .command('plan [workflow]')
    .description('what the next run would regenerate (no cache, stale, re-rolled), why, and how long it would take')
    .addHelpText('after', `\nExamples:\n  $ nbv plan\n  $ nbv plan --json\n`)
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await plan(project, workflow === undefined ? {} : { workflow });
        if (opts.json) return printJson(result);
        printLines(describe(result));
      }),
    );
}
