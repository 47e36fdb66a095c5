// Issue 17's goals, read off one `npm run bench -- --goals` run: every command through the binary
// as a multiple of `node -e 0` measured beside it, the library's commit against git's, the store
// between packings and after `nbv gc` against `git gc --aggressive`, and the same commands with
// 1,000 states against 10. Verdicts use the shapes of goals.ts (issue 8's goals).
import { READ_COMMANDS, WRITE_COMMANDS, type CommandName } from './commands.js';
import type { GoalVerdict } from './goals.js';
import type { ScenarioResult } from './report.js';

const MB = 1_000_000;
const fmt = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const x = (n: number) => `${n.toFixed(2)}x`;
/** "No slower": the 1,000-state ratio within this factor of the 10-state one (timing noise). */
export const FLAT_TOLERANCE = 1.15;

const nodeRatio = (r: ScenarioResult, name: CommandName) => {
  const bin = r.timings[`cmd.${name}.bin`];
  const node = r.timings[`cmd.${name}.node`];
  // Results written before the paired ratio was kept: the ratio of the medians.
  return bin === undefined || node === undefined ? undefined : { bin, node, ratio: r.timings[`cmd.${name}.ratio`] ?? bin / node };
};

export function judgeIssue17(results: ScenarioResult[]): GoalVerdict[] {
  const out: GoalVerdict[] = [];
  const withCommands = results.filter((r) => r.timings['cmd.status.bin'] !== undefined);
  // The goals' scenario: 1 MB with the longest history measured; flatness against the shortest.
  const sized = withCommands.filter((r) => Math.abs(r.targetBytes - 1 * MB) < 1);
  const pool = (sized.length ? sized : withCommands).sort((a, b) => b.ops - a.ops);
  const big = pool[0];
  const small = pool.length > 1 ? pool[pool.length - 1] : undefined;
  if (big === undefined) {
    out.push({ goal: 'issue 17 commands', scenario: '1 MB x 1,000', measured: 'not measured in this run', met: null });
    return out;
  }
  for (const [names, limit] of [[READ_COMMANDS, 2], [WRITE_COMMANDS, 3]] as const) {
    for (const name of names) {
      const m = nodeRatio(big, name)!;
      out.push({ goal: `${name} <= ${limit}x node -e 0`, scenario: big.label, measured: `${fmt(m.bin)} vs ${fmt(m.node)} ms (medians); paired ${x(m.ratio)}`, met: m.ratio <= limit });
    }
  }
  const lib = big.timings['commit.nbv.lib'];
  const git = big.timings['commit.git'];
  if (lib !== undefined && git !== undefined) {
    out.push({ goal: 'library commit <= 1.0x git add && git commit', scenario: big.label, measured: `${fmt(lib)} vs ${fmt(git)} ms = ${x(lib / git)}`, met: lib <= git });
  }
  if (big.trace) {
    const w = big.trace.worst;
    out.push({
      goal: 'store between packings <= 3x git gc --aggressive, at every state',
      scenario: big.label,
      measured: `worst measured, state ${w.state}: ${(w.nbv / 1024).toFixed(0)} KB vs ${(w.git / 1024).toFixed(0)} KB = ${x(w.ratio)}; bounds over every state ${x(big.trace.lower.ratio)}..${x(big.trace.upper.ratio)} (${big.trace.packings} packings)`,
      met: w.ratio <= 3,
    });
  }
  const packed = big.sizes['nbv.gc']?.bytes;
  const aggressive = big.sizes['git.gc-aggressive']?.bytes;
  if (packed !== undefined && aggressive !== undefined) {
    const parts = big.packBreakdown ? `; ${Object.entries(big.packBreakdown).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KB`).join(', ')}` : '';
    out.push({ goal: 'store after nbv gc <= 1.5x git gc --aggressive', scenario: big.label, measured: `${x(packed / aggressive)}${parts}`, met: packed <= 1.5 * aggressive });
  }
  if (small === undefined) {
    out.push({ goal: 'flat in history length', scenario: '1 MB x 10', measured: 'not measured in this run', met: null });
    return out;
  }
  for (const name of [...READ_COMMANDS, ...WRITE_COMMANDS]) {
    const a = nodeRatio(small, name)!;
    const b = nodeRatio(big, name)!;
    out.push({
      goal: `${name}: ${big.commits} states no slower than ${small.commits} (x node -e 0, within ${FLAT_TOLERANCE})`,
      scenario: `${small.label} / ${big.label}`,
      measured: `${x(a.ratio)} -> ${x(b.ratio)} (${x(b.ratio / a.ratio)})`,
      met: b.ratio <= a.ratio * FLAT_TOLERANCE,
    });
  }
  return out;
}
