import type { Command } from 'commander';
import { status, type StatusReport } from '../engine/status.js';
import { describeDiff, short } from './format.js';
import { examples } from './help.js';
import { printJson, withProject, type GlobalOptions } from './run.js';
import { colourWanted, painter, printPaged, type Paint } from './terminal.js';

/** Without -v, how many changed nodes are listed before the rest are counted by kind. */
const BRIEF_NODES = 8;
/** Without -v, how many node ids a grouped stale line names. */
const BRIEF_IDS = 6;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Stale caches grouped by reason, with counts and the nodes affected: one line per reason. */
function staleGroups(report: StatusReport, paint: Paint): string[] {
  const groups = new Map<string, { nodes: string[]; detail: string }>();
  for (const stale of report.stale) {
    for (const reason of stale.reasons) {
      const group = groups.get(reason.code) ?? { nodes: [], detail: reason.detail };
      if (!group.nodes.includes(stale.node)) group.nodes.push(stale.node);
      groups.set(reason.code, group);
    }
  }
  return [...groups].map(([code, g]) => {
    const ids = g.nodes.length <= BRIEF_IDS ? g.nodes.join(', ') : `${g.nodes.slice(0, BRIEF_IDS).join(', ')}, … (${g.nodes.length - BRIEF_IDS} more)`;
    return `  ${paint('yellow', 'stale')} ${plural(g.nodes.length, 'cache')}: ${code} (${ids})${g.nodes.length === 1 ? `: ${g.detail}` : `; e.g. ${g.detail}`}`;
  });
}

function describe(report: StatusReport, verbose: boolean, paint: Paint): string[] {
  const state = report.missing ? paint('red', 'MISSING') : report.uncommitted ? paint('yellow', 'uncommitted changes') : paint('green', 'clean');
  const lines = [`${paint('bold', `${report.workflow} ${report.version}`)}: ${report.file} (${state}; head ${short(report.head)})`];
  if (report.watch) lines.push(`  watched: 'nbv watch' (pid ${report.watch.pid}, since ${report.watch.started}) records every save`);
  if (report.running) lines.push(`  running: 'nbv run' (pid ${report.running.pid}, since ${report.running.started}) records its runner's results when it ends`);
  if (report.uncommitted) lines.push(...describeDiff({ nodes: report.changes, other: report.otherChanges }, verbose ? Infinity : BRIEF_NODES));
  if (report.handBump) {
    const n = report.handBump.changes.length;
    lines.push(`  next version saved by hand: ${report.handBump.file} (${report.handBump.version}; ${n === 0 ? 'same content as the head' : `${plural(n, 'node')} changed against the head`})`);
  }
  for (const r of report.retired) {
    lines.push(`  edits saved into a retired file: ${r.file} (${plural(r.changes.length, 'node')} changed against ${r.version}${r.against ? ` ${short(r.against)}` : ''})`);
  }
  if (verbose) {
    for (const stale of report.stale) lines.push(`  ${paint('yellow', 'stale')} ${stale.node} (${stale.tab}): ${stale.reasons.map((r) => `${r.code} ${r.detail}`).join('; ')}`);
  } else {
    lines.push(...staleGroups(report, paint));
  }
  const { backups } = report;
  const listed = (label: string, paths: string[]) =>
    verbose || paths.length <= 3 ? paths.map((p) => `  backups: ${label} ${p}`) : [`  backups: ${plural(paths.length, 'file')} ${label} (${paths.slice(0, 2).join(', ')}, …)`];
  lines.push(...listed('missing', backups.missing), ...listed('altered', backups.altered), ...listed('not from history', backups.unknown));
  for (const s of report.sync ?? []) {
    if (s.state !== 'same') lines.push(`  ${s.remote}: ${s.state === 'local-only' ? 'not pushed yet' : `${s.ahead} ahead, ${s.behind} behind`} (as last fetched)`);
  }
  if (report.merge) {
    lines.push(`  merge in progress with ${report.merge.remote} (${report.merge.conflicts.filter((c) => !c.resolved).length} of ${report.merge.conflicts.length} conflicts open):`);
    for (const c of report.merge.conflicts) {
      lines.push(`    ${c.resolved ? `settled (${c.resolved})` : 'conflict'} ${c.node ?? c.tab ?? 'document'}${c.field}: ours ${JSON.stringify(c.ours)?.slice(0, 70)}, theirs ${JSON.stringify(c.theirs)?.slice(0, 70)}`);
    }
  }
  for (const a of report.advice) lines.push(`  ${paint('cyan', 'advice:')} ${a}`);
  if (!verbose && (report.changes.length > BRIEF_NODES || report.stale.length > 0)) lines.push(paint('dim', `  ('nbv status -v' lists every node, '--json' for scripts)`));
  return lines;
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status [workflow]')
    .description('uncommitted changes, stale caches, backups view drift, advice')
    .option('-v, --verbose', 'list every changed and stale node, one line each')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR works too)')
    .option('--json', 'print JSON');
  examples(command, ['nbv status', 'nbv status -v', 'nbv status --json']);
  command.action((workflow: string | undefined, opts: { json?: boolean; verbose?: boolean; color?: boolean }) =>
    withProject(program.opts<GlobalOptions>(), async (project) => {
      const reports = await status(project, workflow === undefined ? {} : { workflow });
      // One workflow: the object SPEC.md names; several: an array of them.
      if (opts.json) return printJson(reports.length === 1 ? reports[0] : reports);
      const paint = painter(colourWanted(opts.color));
      printPaged(reports.length ? reports.flatMap((r) => describe(r, opts.verbose === true, paint)) : ["nothing tracked yet: 'nbv track FILE'"]);
    }),
  );
}
