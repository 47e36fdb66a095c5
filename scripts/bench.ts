// `npm run bench`: nbv against the real git and against plain backups/ copies, on the same
// realistic histories (fixtures/generator.ts). Never part of `npm test`.
//
//   npm run bench                 --quick (default): 0.5 MB x 10 and x 1,000 operations (~4 min on 2 cores)
//   npm run bench -- --goals      issue 17's goals: 1 MB x 10 and x 1,000, every command through
//                                 the binary against node -e 0, the store after every state;
//                                 add --ops N --mb M for a smaller pair (M MB x 10 and x N)
//   npm run bench -- --goals8     the scenarios issue 8's goals name: 1 MB x 10 and x 1,000,
//                                 5 MB x 10 (diff), 0.5 MB x 1,000 and x 10,000 (log); ~1 hour
//   npm run bench -- --full       quick, plus 1 MB x 1,000, 0.5 MB x 10,000, 5 MB x 10 and x 1,000
//   npm run bench -- --ops 200 --mb 0.5 --reps 5     one scenario of your choosing
//   npm run bench -- --clone      nbv clone against git clone of the same repository, 5 MB x 1,000
//                                 (over http and from a folder); with --ops/--mb for another size
//
// Prints a table of ratios and writes bench-results/latest.json. docs/performance.md explains
// the figures and the goals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as nbvLibrary from '../src/index.js';
import { msSince, formatBytes, run } from '../bench/measure.js';
import { REPO_ROOT, timeCommit, timeReads, timeRestore, timeStartup, type Timings } from '../bench/operations.js';
import { buildHistory, NBV_CONTEXT, type Scenario } from '../bench/replay.js';
import { renderTable, type ScenarioResult } from '../bench/report.js';
import { backupsSizes, gitSizes, nbvStoreSize } from '../bench/sizes.js';
import { judgeGoals, renderGoals } from '../bench/goals.js';
import { timeLegacyImport } from '../bench/legacy.js';
import { timeCommands } from '../bench/commands.js';
import { judgeIssue17 } from '../bench/goals17.js';
import { traceStore } from '../bench/storeTrace.js';
import { packBreakdown } from '../bench/packBreakdown.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const MB = 1_000_000;
const goals17 = flag('--goals');
function scenarios(): Scenario[] {
  if (goals17) {
    const mb = Number(value('--mb') ?? '1');
    const ops = Number(value('--ops') ?? '1000');
    return [
      { label: `${mb} MB x 10`, targetBytes: mb * MB, ops: 10, seed: 9, trace: true },
      { label: `${mb} MB x ${ops.toLocaleString('en')}`, targetBytes: mb * MB, ops, seed: 9, trace: true },
    ];
  }
  if (value('--ops') !== undefined) {
    const mb = Number(value('--mb') ?? '0.5');
    return [{ label: `custom ${mb} MB x ${value('--ops')}`, targetBytes: mb * MB, ops: Number(value('--ops')), seed: 8 }];
  }
  const quick: Scenario[] = [
    { label: '0.5 MB x 10', targetBytes: 0.5 * MB, ops: 10, seed: 8 },
    { label: '0.5 MB x 1,000', targetBytes: 0.5 * MB, ops: 1000, seed: 8 },
  ];
  if (flag('--goals8')) {
    return [
      { label: '1 MB x 10', targetBytes: 1 * MB, ops: 10, seed: 9 },
      { label: '1 MB x 1,000', targetBytes: 1 * MB, ops: 1000, seed: 9 },
      { label: '5 MB x 10', targetBytes: 5 * MB, ops: 10, seed: 10 },
      { label: '0.5 MB x 1,000', targetBytes: 0.5 * MB, ops: 1000, seed: 8 },
      { label: '0.5 MB x 10,000', targetBytes: 0.5 * MB, ops: 10_000, seed: 8 },
    ];
  }
  if (!flag('--full')) return quick;
  return [
    ...quick,
    { label: '1 MB x 1,000', targetBytes: 1 * MB, ops: 1000, seed: 9 },
    { label: '0.5 MB x 10,000', targetBytes: 0.5 * MB, ops: 10_000, seed: 8 },
    { label: '5 MB x 10', targetBytes: 5 * MB, ops: 10, seed: 10 },
    { label: '5 MB x 1,000', targetBytes: 5 * MB, ops: 1000, seed: 10 },
  ];
}

if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('nbv is not built: run `npm run bench` (it builds first) or `npm run build`');
  process.exit(1);
}
const reps = Number(value('--reps') ?? (goals17 ? 9 : flag('--full') ? 5 : 3));
const keep = flag('--keep');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-bench-'));
const results: ScenarioResult[] = [];
const gc = (nbvLibrary as Record<string, unknown>)['gc'] as ((p: nbvLibrary.Project) => Promise<unknown>) | undefined;
const started = process.hrtime.bigint();

if (flag('--clone')) {
  const { benchClone, renderClone } = await import('../bench/clone.js');
  const mb = Number(value('--mb') ?? '5');
  const ops = Number(value('--ops') ?? '1000');
  const label = `${mb} MB x ${ops.toLocaleString('en')}`;
  process.stderr.write(`[bench] clone ${label}: replaying history, pushing, cloning ...`);
  const timings = await benchClone({ label, targetBytes: mb * MB, ops, seed: 10 }, path.join(base, 'clone'));
  process.stderr.write(' done\n');
  console.log(renderClone(timings));
  fs.mkdirSync(path.join(REPO_ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, 'bench-results', 'clone.json'), JSON.stringify({ when: new Date().toISOString(), ...timings }, null, 2) + '\n');
  if (!keep) fs.rmSync(base, { recursive: true, force: true });
  process.exit(0);
}

const startup = await timeStartup(base, reps * 2);
for (const scenario of scenarios()) {
  const workDir = path.join(base, scenario.label.replace(/[^A-Za-z0-9.]+/g, '-'));
  process.stderr.write(`[bench] ${scenario.label}: replaying history ...`);
  const h = await buildHistory(scenario, workDir);
  process.stderr.write(` ${h.nbvMsPerOp.toFixed(0)} ms/op; sizes ...`);
  const sizes: ScenarioResult['sizes'] = { nbv: nbvStoreSize(h), ...backupsSizes(h) };
  const git = gitSizes(h, workDir);
  Object.assign(sizes, git.sizes);
  const gcMs: Record<string, number> = { ...git.gcMs };
  const extra: Partial<ScenarioResult> = {};
  if (scenario.trace) {
    process.stderr.write(' git --aggressive at checkpoints ...');
    extra.trace = traceStore(h, workDir, sizes['git.gc-aggressive']!.bytes);
  }
  // The same history packed: by nbv gc, and by git gc --aggressive on a copy of nbv's own store
  // (the fair test of the packer: nbv keeps op.json and patch.json beside each state).
  if (gc !== undefined) {
    const copy = path.join(workDir, 'nbv-copy');
    fs.cpSync(h.nbvRoot, copy, { recursive: true });
    process.stderr.write(' nbv gc ...');
    const start = process.hrtime.bigint();
    await gc(await nbvLibrary.openProject(copy, NBV_CONTEXT));
    gcMs['nbv.gc'] = msSince(start);
    sizes['nbv.gc'] = nbvStoreSize({ ...h, nbvRoot: copy });
    const breakdown = goals17 ? packBreakdown(path.join(copy, '.nbv')) : undefined;
    if (breakdown) Object.assign(extra, { packBreakdown: breakdown });
    // git's own packer on nbv's objects: a check on nbv's packer, skipped past 2,000 operations,
    // where it alone takes longer than the rest of the scenario (and in --goals, which does not use it).
    if (scenario.ops <= 2000 && !goals17) {
      run('git', ['--git-dir', path.join(copy, '.nbv'), 'gc', '-q', '--aggressive']);
      sizes['nbv.git-gc-aggressive'] = nbvStoreSize({ ...h, nbvRoot: copy });
    }
    fs.rmSync(copy, { recursive: true, force: true });
  }
  const fileBytes = fs.statSync(path.join(h.nbvRoot, h.file)).size; // before the timed commands rename it
  process.stderr.write(' timing ...');
  // --goals: the library's commit against git's, then every command through the binary (on the
  // store as auto-gc left it, as a user has it); the other timings are issue 8's.
  const timings: Timings = goals17
    ? { ...(await timeCommit(h, reps)), ...(await timeCommands(h, reps)) }
    : { ...(await timeCommit(h, reps)), ...(await timeRestore(h, reps)), ...(await timeReads(h, reps)) };
  if (gc !== undefined && !goals17) {
    await gc(await nbvLibrary.openProject(h.nbvRoot, NBV_CONTEXT));
    // Reading from one pack is another code path: time it again.
    const packed = { ...(await timeRestore(h, reps, false)), ...(await timeReads(h, reps, false)) };
    for (const [k, v] of Object.entries(packed)) {
      if (/^(restore|read|log)\./.test(k)) timings[k.replace(/^((?:restore|read)\.\w+|log)\./, '$1.packed.')] = v;
    }
  }
  if (scenario.ops <= 10 && !goals17) Object.assign(timings, await timeLegacyImport(h, workDir, reps));
  results.push({
    label: scenario.label, targetBytes: scenario.targetBytes, fileBytes, ops: scenario.ops, commits: h.commits.length,
    opsByKind: h.opsByKind, buildMsPerOp: h.nbvMsPerOp, timings, sizes, gcMs, ...extra,
  });
  process.stderr.write(` done (nbv ${formatBytes(sizes['nbv']!.bytes)}, git gc --aggressive ${formatBytes(sizes['git.gc-aggressive']!.bytes)})\n`);
  // Each scenario's table as soon as it is measured: a long --full run shows its figures as it goes.
  console.log(renderTable([results[results.length - 1]!], startup, results.length === 1));
  if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
}

const out = path.join(REPO_ROOT, 'bench-results');
fs.mkdirSync(out, { recursive: true });
const goals = goals17 ? judgeIssue17(results) : judgeGoals(results, startup);
console.log(renderGoals(goals, goals17 ? 'issue 17' : 'issue 8'));
const json = {
  when: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length,
  mode: flag('--full') ? 'full' : goals17 ? 'goals' : flag('--goals8') ? 'goals8' : 'quick', reps, totalSeconds: msSince(started) / 1000, startup, results, goals,
};
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
console.log(`\nwrote bench-results/latest.json (${(json.totalSeconds).toFixed(0)} s)${keep ? `; histories kept in ${base}` : ''}`);
if (!keep) fs.rmSync(base, { recursive: true, force: true });
