// `npm run torture`: the long version of test/reliability. Hundreds of kill -9 cycles, larger
// concurrent runs and many property runs; prints the figures that docs/reliability.md reports.
//
//   npm run torture -- [--kills 400] [--sample-kills 100] [--procs 6] [--ops 25] [--conc-runs 3]
//                      [--prop-runs 150] [--binary-kills 24] [--binary-mb 3] [--seed N] [--json FILE]
import fs from 'node:fs';
import fc from 'fast-check';
import { buildDriver } from '../test/reliability/harness/build.js';
import { runCrashCycles, type CrashReport } from '../test/reliability/harness/crash.js';
import { runConcurrency, type ConcurrencyReport } from '../test/reliability/harness/concurrency.js';
import { sequenceProperty } from '../test/reliability/harness/properties.js';
import { runBinaryKills, type BinaryKillReport } from '../test/reliability/harness/binaryKills.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const seed = option('seed', Date.now() % 1_000_000);
const kills = option('kills', 400);
const sampleKills = option('sample-kills', 100);
const procs = option('procs', 6);
const ops = option('ops', 25);
const concRuns = option('conc-runs', 3);
const propRuns = option('prop-runs', 150);
const binaryKills = option('binary-kills', 24);
const binaryMb = option('binary-mb', 3);
const jsonAt = process.argv.indexOf('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);

const driver = await buildDriver();
const started = Date.now();
const crash: Array<CrashReport & { project: string }> = [];
try {
  log(`torture seed ${seed}`);
  for (const [project, count] of [['small', kills], ['sample', sampleKills]] as const) {
    if (count <= 0) continue;
    log(`crash: ${count} kills on the ${project} project`);
    const report = await runCrashCycles({
      driver, kills: count, seed, maxDelayMs: project === 'small' ? 1200 : 2500, crashChance: 0.2, resetEvery: 25, project,
      progress: (line) => log(`  ${line}`),
    });
    crash.push({ ...report, project });
    report.violations.forEach((v) => log(`  VIOLATION ${v}`));
  }

  // The real binary on a multi-megabyte workflow: track with hand-made backups, gc, wipe --all --bump.
  let binary: BinaryKillReport | null = null;
  if (binaryKills > 0) {
    log(`binary: ${binaryKills} runs of bin/nbv.js on a ${binaryMb} MB workflow`);
    binary = await runBinaryKills({ kills: binaryKills, seed, workflowBytes: binaryMb * 1024 * 1024, maxDelayMs: 4000, hookChance: 0.3, progress: (line) => log(`  ${line}`) });
    binary.violations.forEach((v) => log(`  VIOLATION ${v}`));
  }

  const concurrency: ConcurrencyReport[] = [];
  for (let run = 0; run < concRuns; run++) {
    log(`concurrency run ${run + 1}: ${procs} processes x ${ops} steps`);
    const report = await runConcurrency({ driver, processes: procs, opsPerProcess: ops, seed: seed + run, project: run % 2 === 0 ? 'small' : 'sample' });
    concurrency.push(report);
    report.violations.forEach((v) => log(`  VIOLATION ${v}`));
    log(`  done ${report.done}, refused ${JSON.stringify(report.refused)}, ${report.commits} commits, versions ${report.versions.join(' ')}`);
  }

  log(`properties: ${propRuns} runs of up to 12 steps`);
  const property = await fc.check(sequenceProperty(12), { numRuns: propRuns, seed, endOnFailure: true });
  if (property.failed) log(`  PROPERTY FAILED: seed ${property.seed} path ${property.counterexamplePath}: ${String(property.errorInstance)}`);

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const figures = {
    seed,
    minutes: Math.round((Date.now() - started) / 600) / 100,
    crash: crash.map((c) => ({
      project: c.project, kills: c.kills, timerKills: c.timerKills, hookKills: c.hookKills, violations: c.violations.length,
      inFlight: c.inFlight, hookPoints: c.hookPoints, pendingJournals: c.pendingJournals, recoveries: c.recoveries,
      ackedSteps: c.ackedSteps, acknowledgedCommits: c.acknowledgedCommits, commits: c.commitsAtEnd, leftoverTemps: c.leftoverTemps, projects: c.projects,
    })),
    concurrency: {
      runs: concurrency.length, processes: procs, stepsPerProcess: ops,
      steps: sum(concurrency.map((c) => c.done + sum(Object.values(c.refused)))),
      done: sum(concurrency.map((c) => c.done)),
      refused: concurrency.reduce<Record<string, number>>((acc, c) => {
        for (const [k, v] of Object.entries(c.refused)) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {}),
      edits: sum(concurrency.map((c) => c.edits)), commits: sum(concurrency.map((c) => c.commits)), bumps: sum(concurrency.map((c) => c.bumps)),
      violations: sum(concurrency.map((c) => c.violations.length)),
    },
    binary: binary && { ...binary, violations: binary.violations.length },
    properties: { runs: property.numRuns, failed: property.failed, ...(property.failed ? { seed: property.seed, path: property.counterexamplePath } : {}) },
  };
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  if (jsonAt >= 0) fs.writeFileSync(process.argv[jsonAt + 1]!, JSON.stringify(figures, null, 2) + '\n');
  const failed = figures.crash.some((c) => c.violations > 0) || figures.concurrency.violations > 0 || property.failed || (binary?.violations.length ?? 0) > 0;
  process.exitCode = failed ? 1 : 0;
} finally {
  fs.rmSync(driver, { force: true });
}
