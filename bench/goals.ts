// Issue 8's goals, each read off the scenarios one run measured: the ratio asked for, the ratio
// measured, and whether it is met. A goal whose scenario did not run says so.
import type { Timings } from './operations.js';
import type { ScenarioResult } from './report.js';

export interface GoalVerdict {
  goal: string;
  scenario: string;
  measured: string;
  met: boolean | null;
}

const MB = 1_000_000;
const fmt = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const x = (n: number) => `${n.toFixed(2)}x`;

function pick(results: ScenarioResult[], mb: number, ops: number): ScenarioResult | undefined {
  return results.find((r) => Math.abs(r.targetBytes - mb * MB) < 1 && r.ops === ops);
}

/** The scenario nearest a goal's own: same size with the most operations, else the biggest history. */
function nearest(results: ScenarioResult[], mb: number, minOps: number): ScenarioResult | undefined {
  const sized = results.filter((r) => Math.abs(r.targetBytes - mb * MB) < 1 && r.ops >= minOps);
  const pool = sized.length > 0 ? sized : results.filter((r) => r.ops >= minOps);
  return pool.sort((a, b) => b.ops - a.ops || b.targetBytes - a.targetBytes)[0];
}

export function judgeGoals(results: ScenarioResult[], startup: Timings): GoalVerdict[] {
  const out: GoalVerdict[] = [];
  const missing = (goal: string, scenario: string) => out.push({ goal, scenario, measured: 'not measured in this run', met: null });
  const node = startup['start.node'] ?? 0;

  const c = nearest(results, 1, 1000);
  if (c) {
    const t = c.timings;
    const lib = t['commit.nbv.lib']!;
    const git = t['commit.git']!;
    out.push({ goal: 'one operation, library <= 1.0x git add && git commit', scenario: c.label, measured: `${fmt(lib)} vs ${fmt(git)} ms = ${x(lib / git)}`, met: lib <= git });
    const bin = t['commit.nbv.bin']!;
    out.push({ goal: 'one operation, binary <= library + node -e 0', scenario: c.label, measured: `${fmt(bin)} vs ${fmt(lib)} + ${fmt(node)} ms = ${x(bin / (lib + node))}`, met: bin <= lib + node });
    const small = results.find((r) => r.targetBytes === c.targetBytes && r.ops <= 10);
    if (small) {
      const few = small.timings['commit.nbv.lib']!;
      out.push({ goal: 'no slower with 1,000 commits than with 10 (library)', scenario: `${small.label} / ${c.label}`, measured: `${fmt(few)} vs ${fmt(lib)} ms = ${x(lib / few)}`, met: lib <= few * 1.15 });
    } else missing('no slower with 1,000 commits than with 10', `${c.targetBytes / MB} MB x 10`);
  } else missing('one operation <= 1.0x git', '1 MB x 1,000');

  for (const r of [nearest(results, 0.5, 1000), nearest(results, 1, 1000)].filter((v, i, a) => v && a.indexOf(v) === i) as ScenarioResult[]) {
    const aggressive = r.sizes['git.gc-aggressive']!.bytes;
    const packed = r.sizes['nbv.gc']!.bytes;
    const asItStands = r.sizes['nbv']!.bytes;
    out.push({ goal: 'store after nbv gc <= 1.0x git gc --aggressive', scenario: r.label, measured: x(packed / aggressive), met: packed <= aggressive });
    out.push({ goal: 'store between packings <= 3x git gc --aggressive', scenario: r.label, measured: x(asItStands / aggressive), met: asItStands <= 3 * aggressive });
    const t = r.timings;
    for (const which of ['oldest', 'newest'] as const) {
      const bytes = t[`read.${which}.packed.nbv.lib`] ?? t[`read.${which}.nbv.lib`]!;
      const restore = t[`restore.${which}.nbv.lib`]!;
      const show = t[`read.${which}.git`]!;
      out.push({ goal: `restore ${which} <= 1.5x git show REV:FILE`, scenario: r.label, measured: `bytes ${x(bytes / show)}; restore operation (records a commit) ${x(restore / show)}`, met: bytes <= 1.5 * show });
    }
  }

  const l = pick(results, 0.5, 10_000) ?? nearest(results, 0.5, 1000);
  if (l) {
    const lib = l.timings['log.nbv.lib']!;
    const git = l.timings['log.git']!;
    out.push({ goal: 'log of every entry <= 3x git log', scenario: l.label, measured: `${fmt(lib)} vs ${fmt(git)} ms = ${x(lib / git)}`, met: lib <= 3 * git });
  } else missing('log of 10,000 entries <= 3x git log', '0.5 MB x 10,000');

  const d = nearest(results, 5, 10);
  if (d && d.targetBytes >= 5 * MB) {
    const lib = d.timings['diff.nbv.lib']!;
    const bin = d.timings['diff.nbv.bin'];
    out.push({ goal: 'semantic diff of two 5 MB versions well under 1 s', scenario: d.label, measured: `library ${fmt(lib)} ms${bin === undefined ? '' : `, binary ${fmt(bin)} ms`}`, met: lib < 1000 });
  } else missing('semantic diff of two 5 MB versions well under 1 s', '5 MB x 10');

  const version = startup['start.nbv.version'];
  if (version !== undefined) out.push({ goal: 'nbv --version starts fast', scenario: 'start', measured: `${fmt(version)} ms vs node -e 0 ${fmt(node)} ms`, met: version <= node + 50 });
  return out;
}

export function renderGoals(verdicts: GoalVerdict[], issue = 'issue 8'): string {
  const lines = ['', `== goals (${issue})`];
  for (const v of verdicts) {
    const mark = v.met === null ? 'n/a ' : v.met ? 'met ' : 'GAP ';
    lines.push(`${mark} ${v.goal} [${v.scenario}]: ${v.measured}`);
  }
  return lines.join('\n');
}
