// Several processes at once on one project: one editor (edits the working file, commits) and
// workers (wipe, bump, restore, undo, commit), each with its own lock wait. Every step must be done
// or refused with a clear message; nothing acknowledged or typed may be lost; the history must stay
// one linear chain with unique, increasing version numbers.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../../fixtures/generator.js';
import { historyOf, storeProblems, trackedProject } from './project.js';
import { parseAckLog, type AckLine, type DriverConfig } from './protocol.js';
import { hashBlob } from '../../../src/store/index.js';

export interface ConcurrencyOptions {
  driver: string;
  processes: number;
  opsPerProcess: number;
  seed: number;
  project: 'sample' | 'small';
}

export interface ConcurrencyReport {
  processes: number;
  opsPerProcess: number;
  done: number;
  refused: Record<string, number>;
  edits: number;
  /** Edits the editor saved under a name another process's bump had just retired. */
  retiredEdits: number;
  commits: number;
  bumps: number;
  versions: string[];
  violations: string[];
  durationMs: number;
}

/** Lock waits from impatient to patient, so that some steps are refused and most wait their turn. */
const LOCK_WAITS = [300, 2_000, 30_000, 60_000];
const LOCKED_MESSAGE = /^another nbv \(pid \d+, started \S+, running ".*"\) holds \S+nbv\.lock; try again, or remove it if no nbv is running$/;

function runDriver(driver: string, config: DriverConfig): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [driver, JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function blobsOnDisk(root: string): Set<string> {
  const blobs = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.nbv') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else blobs.add(hashBlob(new Uint8Array(fs.readFileSync(full))));
    }
  };
  walk(root);
  return blobs;
}

export async function runConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyReport> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const { root, workflow } = await trackedProject(options.project, 'nbv-concurrent-');
  const report: ConcurrencyReport = {
    processes: options.processes, opsPerProcess: options.opsPerProcess, done: 0, refused: {}, edits: 0, retiredEdits: 0,
    commits: 0, bumps: 0, versions: [], violations: [], durationMs: 0,
  };
  const violation = (what: string) => report.violations.push(`${what} (seed ${options.seed}, project ${root})`);

  const configs: DriverConfig[] = Array.from({ length: options.processes }, (_, n) => ({
    root, workflow, ack: path.join(root, '..', `${path.basename(root)}-ack-${n}.jsonl`), seed: Math.floor(rng.next() * 2 ** 31),
    ops: options.opsPerProcess, role: n === 0 ? 'editor' : 'worker', lockWaitMs: LOCK_WAITS[n % LOCK_WAITS.length]!, crashChance: 0,
  }));
  const exits = await Promise.all(configs.map((c) => runDriver(options.driver, c)));

  const acked = new Set<string>();
  const edits: Array<Extract<AckLine, { t: 'edit' }>> = [];
  exits.forEach((exit, n) => {
    if (exit.code !== 0) violation(`process ${n} exited ${exit.code ?? exit.signal}: ${exit.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
    const lines = parseAckLog(fs.readFileSync(configs[n]!.ack, 'utf8'));
    fs.rmSync(configs[n]!.ack, { force: true });
    const started = lines.filter((l) => l.t === 'start').length;
    const ended = lines.filter((l) => l.t === 'ack' || l.t === 'refused').length;
    if (started !== options.opsPerProcess || ended !== started) violation(`process ${n}: ${started} steps started, ${ended} ended`);
    for (const line of lines) {
      if (line.t === 'fail') violation(`process ${n} step ${line.i} (${line.op}) failed: ${line.code} ${line.message.split('\n')[0]}`);
      if (line.t === 'edit') edits.push(line);
      if (line.t === 'ack') {
        report.done++;
        line.commits.forEach((c) => acked.add(c));
      }
      if (line.t === 'refused') {
        report.refused[line.code] = (report.refused[line.code] ?? 0) + 1;
        if (line.code === 'LOCKED' && !LOCKED_MESSAGE.test(line.message)) violation(`unclear LOCKED message: ${line.message}`);
      }
    }
  });
  report.edits = edits.length;
  report.retiredEdits = edits.filter((e) => e.retired).length;

  (await storeProblems(root)).forEach(violation);
  const history = await historyOf(root, workflow);
  report.commits = history.length;
  const commits = new Set(history.map((h) => h.commit));
  for (const c of acked) if (!commits.has(c)) violation(`acknowledged commit ${c} is not in the history`);
  const recorded = new Set(history.map((h) => h.blob));
  const onDisk = blobsOnDisk(root);
  for (const e of edits) if (!recorded.has(e.blob) && !onDisk.has(e.blob)) violation(`edit ${e.i} (${e.blob}) was lost: neither recorded nor on disk`);

  // One linear chain: each commit's only parent is the one before it; git sees no merges.
  history.forEach((h, i) => {
    const expected = i === 0 ? [] : [history[i - 1]!.commit];
    if (JSON.stringify(h.parents) !== JSON.stringify(expected)) violation(`commit ${h.commit} has parents ${h.parents.join(',')}`);
  });
  const merges = spawnSync('git', [`--git-dir=${path.join(root, '.nbv')}`, 'rev-list', '--all', '--merges'], { encoding: 'utf8' });
  if (merges.stdout.trim() !== '') violation(`git finds merge commits: ${merges.stdout.trim()}`);
  const branches = spawnSync('git', [`--git-dir=${path.join(root, '.nbv')}`, 'for-each-ref', '--format=%(refname)', 'refs/heads/'], { encoding: 'utf8' });
  if (branches.stdout.trim() !== `refs/heads/${workflow}`) violation(`branches: ${branches.stdout.trim()}`);

  // Versions only go up with a bump, and a version is opened twice only when its first bump was
  // undone in between (an undone bump's number is taken again, issue 15 item 4).
  const minor = (v: string) => Number(/^V\d+-(\d+)$/.exec(v)?.[1] ?? NaN);
  const openedAt = new Map<string, number>();
  history.forEach((h, i) => {
    if (h.op !== 'bump') return;
    const before = i === 0 ? -1 : minor(history[i - 1]!.version);
    if (!(minor(h.version) > before)) violation(`bump ${h.commit.slice(0, 7)} opens ${h.version}, not above V0-${before}`);
    const earlier = openedAt.get(h.version);
    if (earlier !== undefined && !history.slice(earlier + 1, i).some((u) => u.op === 'undo')) violation(`${h.version} was opened twice with no undo between`);
    openedAt.set(h.version, i);
    report.versions.push(h.version);
    report.bumps++;
  });

  if (report.violations.length === 0) fs.rmSync(root, { recursive: true, force: true });
  report.durationMs = Date.now() - started;
  return report;
}
