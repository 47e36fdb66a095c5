// The kill -9 harness: a driver child performs random operations and is killed with SIGKILL at a
// random moment (and, for some steps, by the journal's fault hook at a chosen point). After every
// kill the parent checks, before anything repairs the project, that the store is sound and that
// every acknowledged operation is there; then it lets nbv finish or drop the interrupted step and
// checks the working files; then the next operation must simply succeed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { commit } from '../../../src/index.js';
import { recoverJournal } from '../../../src/history/journal.js';
import { Rng } from '../../../fixtures/generator.js';
import { blobOf, historyOf, leftoverTempFiles, open, storeProblems, trackedProject } from './project.js';
import { editWorkflowText, parseAckLog, type AckLine, type DriverConfig } from './protocol.js';

export interface CrashOptions {
  driver: string;
  kills: number;
  seed: number;
  /** Kill delays are uniform in [0, maxDelayMs] after the child reports ready. */
  maxDelayMs: number;
  /** Chance per step that the fault hook kills it at a random journal point instead. */
  crashChance: number;
  /** A fresh project every this many kills, so that verify's cost does not grow without end. */
  resetEvery: number;
  project: 'sample' | 'small';
  progress?: (line: string) => void;
}

export interface CrashReport {
  kills: number;
  timerKills: number;
  hookKills: number;
  /** Children that finished all their steps before the timer (not counted as kills). */
  finished: number;
  violations: string[];
  /** The step that was in flight when the child died, by kind ('none': between steps). */
  inFlight: Record<string, number>;
  hookPoints: Record<string, number>;
  /** Kills after which a journal was pending (the ref had moved, the files not yet). */
  pendingJournals: number;
  recoveries: Record<string, number>;
  ackedSteps: number;
  acknowledgedCommits: number;
  commitsAtEnd: number;
  leftoverTemps: number;
  projects: number;
  durationMs: number;
}

interface Baseline {
  head: string;
  file: string;
  working: string | null;
}

const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

function runChild(driver: string, config: DriverConfig, delayMs: number): Promise<{ code: number | null; signal: string | null; timer: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [driver, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let timer = false;
    let stderr = '';
    let armed: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (armed === undefined && chunk.toString().includes('ready')) {
        armed = setTimeout(() => {
          timer = child.exitCode === null && child.signalCode === null;
          child.kill('SIGKILL');
        }, delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(armed);
      resolve({ code, signal, timer, stderr });
    });
  });
}

export async function runCrashCycles(options: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const report: CrashReport = {
    kills: 0, timerKills: 0, hookKills: 0, finished: 0, violations: [], inFlight: {}, hookPoints: {},
    pendingJournals: 0, recoveries: {}, ackedSteps: 0, acknowledgedCommits: 0, commitsAtEnd: 0,
    leftoverTemps: 0, projects: 0, durationMs: 0,
  };
  let root = '';
  let workflow = '';
  let acked = new Set<string>();
  let baseline: Baseline | null = null;

  for (let cycle = 0; report.kills < options.kills; cycle++) {
    if (cycle % options.resetEvery === 0) {
      if (root) {
        report.commitsAtEnd += (await historyOf(root, workflow)).length;
        fs.rmSync(root, { recursive: true, force: true });
      }
      report.acknowledgedCommits += acked.size;
      ({ root, workflow } = await trackedProject(options.project, 'nbv-crash-'));
      report.projects++;
      acked = new Set();
      const h = (await historyOf(root, workflow)).at(-1)!;
      baseline = { head: h.commit, file: h.file, working: h.blob };
      acked.add(h.commit);
    }
    const seed = Math.floor(rng.next() * 2 ** 31);
    const ackPath = path.join(root, '..', `${path.basename(root)}-ack-${cycle}.jsonl`);
    const config: DriverConfig = {
      root, workflow, ack: ackPath, seed, ops: 1000, role: 'solo', lockWaitMs: 20_000, crashChance: options.crashChance,
    };
    const run = await runChild(options.driver, config, Math.floor(rng.next() * options.maxDelayMs));
    const where = `kill ${report.kills + 1} (cycle ${cycle}, driver seed ${seed}, project ${root})`;
    const violation = (what: string) => report.violations.push(`${where}: ${what}`);
    const lines = parseAckLog(fs.existsSync(ackPath) ? fs.readFileSync(ackPath, 'utf8') : '');
    fs.rmSync(ackPath, { force: true });

    for (const line of lines) if (line.t === 'fail') violation(`step ${line.i} (${line.op}) failed: ${line.code} ${line.message.split('\n')[0]}`);
    if (run.signal !== 'SIGKILL') {
      if (run.code === 0) report.finished++;
      else violation(`driver exited ${run.code}: ${run.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
    } else {
      report.kills++;
      if (run.timer) report.timerKills++;
      else report.hookKills++;
    }

    // What the driver promised before it died.
    let inflight: Extract<AckLine, { t: 'start' }> | null = null;
    let inflightEdit: string | null = null;
    for (const line of lines) {
      if (line.t === 'start') {
        inflight = line;
        inflightEdit = null;
      } else if (line.t === 'edit') inflightEdit = line.blob;
      else if (line.t === 'ack' || line.t === 'refused') {
        inflight = null;
        inflightEdit = null;
        if (line.t === 'ack') {
          report.ackedSteps++;
          for (const c of line.commits) acked.add(c);
        }
        acked.add(line.head);
        baseline = { head: line.head, file: line.file, working: line.working };
      }
    }
    bump(report.inFlight, inflight?.op ?? 'none');
    if (run.signal === 'SIGKILL' && !run.timer && inflight?.crashAt) bump(report.hookPoints, inflight.crashAt);

    // 1. Before any repair: the store is sound and holds every acknowledged commit.
    const raw = await storeProblems(root, { allowPending: true });
    raw.forEach((p) => violation(`after the kill: ${p}`));
    const project = await open(root);
    if ((await project.store.readMeta('nbv-journal.json')) !== null) report.pendingJournals++;
    const history = await historyOf(root, workflow);
    const byCommit = new Map(history.map((h) => [h.commit, h]));
    for (const c of acked) if (!byCommit.has(c)) violation(`acknowledged commit ${c} is not in the history`);
    const head = history.at(-1)!;
    const base = baseline!;
    const baseAt = history.findIndex((h) => h.commit === base.head);
    const newer = baseAt < 0 ? [] : history.slice(baseAt + 1);
    if (!inflight && newer.length > 0) violation(`${newer.length} commits appeared with no step in flight`);
    if (newer.length > 3) violation(`${newer.length} commits from one interrupted step`);
    const allowed = new Set([base.working, inflightEdit, head.blob, ...newer.map((h) => h.blob)]);
    for (const file of new Set([head.file, base.file])) {
      const blob = blobOf(path.join(root, file));
      if (blob !== null && !allowed.has(blob)) violation(`${file} holds bytes that are neither the old nor the new state (${blob})`);
      if (blob === null && file === base.file && file === head.file) violation(`${file} is missing`);
    }

    // 2. nbv finishes or drops the interrupted step; then the files must match the history.
    const outcome = await project.store.withLock(() => recoverJournal(project));
    bump(report.recoveries, outcome);
    if (outcome !== 'none') (await storeProblems(root)).forEach((p) => violation(`after recovery: ${p}`));
    const working = blobOf(path.join(root, head.file));
    const unrecorded = head.commit === base.head && (working === base.working || working === inflightEdit);
    if (working !== head.blob && !unrecorded) violation(`after recovery ${head.file} holds ${working}, the head holds ${head.blob}`);
    const strays = fs.readdirSync(root).filter((f) => f.endsWith('.nbflow') && f !== head.file);
    if (strays.length > 0) violation(`retired working files left behind: ${strays.join(', ')}`);
    report.leftoverTemps += leftoverTempFiles(root).length;

    // 3. The next operation succeeds with no manual cleanup.
    try {
      const target = path.join(root, head.file);
      fs.writeFileSync(target, editWorkflowText(fs.readFileSync(target, 'utf8'), rng.next(), 100_000 + cycle));
      const next = await commit(await open(root), { workflow, message: `after ${where}` });
      if (!next.recorded) violation(`the next commit recorded nothing: ${next.reason}`);
      acked.add(next.entry.commit);
      baseline = { head: next.entry.commit, file: next.entry.op.file, working: blobOf(target) };
      if (baseline.working !== next.entry.fileBlob) violation(`after the next commit the working file differs from the head`);
    } catch (err) {
      violation(`the next operation failed: ${err instanceof Error ? err.message : String(err)}`);
      break;
    }
    options.progress?.(`${where}: in flight ${inflight?.op ?? 'none'}${inflight?.crashAt ? ` @${inflight.crashAt}` : ''}, recovery ${outcome}, ${report.violations.length} violations`);
  }
  if (root) {
    report.commitsAtEnd += (await historyOf(root, workflow)).length;
    if (report.violations.length === 0) fs.rmSync(root, { recursive: true, force: true });
  }
  report.acknowledgedCommits += acked.size;
  report.durationMs = Date.now() - started;
  return report;
}
