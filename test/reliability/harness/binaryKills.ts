// Kills of the real `nbv` binary (issue 16): what the in-process driver cannot reach. A
// multi-megabyte workflow with hand-made backups is tracked, committed, bumped, wiped with
// --all --bump, restored and packed by `bin/nbv.js`, each run killed with SIGKILL at a random
// moment (so kills land inside writes of megabytes) or at a chosen journal point. After every kill:
// nothing new outside the project folder (it lives in a parent folder that is compared), the next
// locked command finishes or drops the step, leaves no temp file of nbv's in the store, and then
// `nbv verify` and `git fsck --strict` pass; a killed `track` can simply be run again.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../../fixtures/generator.js';
import { editPrompt, generationNodeIds, wipeCacheDoc } from '../../../fixtures/lib/mutations.js';
import { serialize } from '../../../fixtures/lib/serialize.js';
import { generateWorkflow } from '../../../fixtures/lib/workflow.js';
import { REPO_ROOT } from './build.js';

const NBV_BIN = path.join(REPO_ROOT, 'bin', 'nbv.js');
const NAME = 'BIGWF';
const ENV = { NBV_AUTHOR: 'Torture <torture@example.com>', NBV_DEBUG: '' };
const HOOK_POINTS = ['before-journal', 'before-ref', 'after-ref', 'after-files', 'import-step'];

export interface BinaryKillOptions {
  kills: number;
  seed: number;
  /** Size of the workflow, in bytes (several megabytes, so kills land inside writes). */
  workflowBytes: number;
  maxDelayMs: number;
  /** Chance that a run is killed by the fault hook at a journal point instead of a timer. */
  hookChance: number;
  progress?: (line: string) => void;
}

export interface BinaryKillReport {
  kills: number;
  finished: number;
  byCommand: Record<string, number>;
  hookPoints: Record<string, number>;
  violations: string[];
  /** Runs again of a killed `track` (nothing was tracked, so it started afresh). */
  trackRetries: number;
  workflowBytes: number;
  durationMs: number;
}

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [NBV_BIN, ...args], { cwd, env: { ...process.env, ...ENV, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function runKilled(cwd: string, args: string[], delayMs: number, env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [NBV_BIN, ...args], { cwd, env: { ...process.env, ...ENV, ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal !== null);
    });
  });
}

/** Names and sizes of everything in `parent` outside `project`: a new or grown file is a leak. */
function outsideListing(parent: string, project: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (full === project) continue;
      if (entry.isDirectory()) walk(full);
      else out.push(`${path.relative(parent, full)}:${fs.lstatSync(full).size}`);
    }
  };
  walk(parent);
  return out.sort();
}

function storeTemps(gitdir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^\.tmp-pack-|\.tmp-\d+-[0-9a-f]{12}$|^tmp_obj_/.test(entry.name)) out.push(path.relative(gitdir, full));
    }
  };
  walk(gitdir);
  return out;
}

/** A fresh project: the working file V0-2 and two hand-made copies for `track` to take in. */
function freshProject(parent: string, bytes: number, seed: number): string {
  const dir = path.join(parent, `project-${seed}`);
  fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
  const doc = generateWorkflow({ name: NAME, targetBytes: bytes, seed });
  const ids = generationNodeIds(doc);
  const older = wipeCacheDoc(editPrompt(doc, ids[0]!, 'an older prompt'));
  fs.writeFileSync(path.join(dir, 'backups', `${NAME}-V0-1.nbflow`), serialize(older, 'two-space'));
  fs.writeFileSync(path.join(dir, `${NAME}-V0-2.nbflow.bak`), serialize(editPrompt(doc, ids[1]!, 'a prompt kept by hand'), 'two-space'));
  fs.writeFileSync(path.join(dir, `${NAME}-V0-2.nbflow`), serialize(doc, 'two-space'));
  const init = run(dir, ['init']);
  if (init.status !== 0) throw new Error(`init: ${init.stderr}`);
  return dir;
}

function headOf(dir: string): { commit: string; op: string; parent: string | null } | null {
  const log = run(dir, ['log', '--json']);
  if (log.status !== 0) return null;
  const items = JSON.parse(log.stdout) as Array<{ commit: string; op: string }>;
  return items[0] ? { commit: items[0].commit, op: items[0].op, parent: items[1]?.commit ?? null } : null;
}

function workingFile(dir: string): string | null {
  const names = fs.readdirSync(dir).filter((n) => new RegExp(`^${NAME}-V0-\\d+\\.nbflow$`).test(n));
  return names.length === 1 ? path.join(dir, names[0]!) : null;
}

export async function runBinaryKills(options: BinaryKillOptions): Promise<BinaryKillReport> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-binary-kills-'));
  fs.writeFileSync(path.join(parent, 'neighbour.txt'), 'a file beside the project\n');
  const report: BinaryKillReport = { kills: 0, finished: 0, byCommand: {}, hookPoints: {}, violations: [], trackRetries: 0, workflowBytes: options.workflowBytes, durationMs: 0 };
  const count = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  let dir = '';
  let tracked = false;
  try {
    for (let cycle = 0; cycle < options.kills; cycle++) {
      if (cycle % 8 === 0) {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        dir = freshProject(parent, options.workflowBytes, options.seed + cycle);
        tracked = false;
      }
      const gitdir = path.join(dir, '.nbv');
      if (!tracked && cycle % 8 !== 0) {
        // A killed track was tried on this project already: track it whole, then kill something else.
        const whole = run(dir, ['track', `${NAME}-V0-2.nbflow`]);
        if (whole.status !== 0) report.violations.push(`cycle ${cycle}: track run again after a killed one exited ${whole.status}: ${whole.stderr.trim()}`);
        tracked = true;
      }
      if (tracked && cycle % 8 === 3) {
        // The user's own git now and then: its pack, multi-pack-index and info/packs must stay
        // consistent through nbv's gc (git fsck below checks).
        for (const gitArgs of [['repack', '-d', '-q'], ['multi-pack-index', 'write'], ['update-server-info']]) {
          spawnSync('git', [`--git-dir=${gitdir}`, ...gitArgs], { encoding: 'utf8' });
        }
      }
      const before = outsideListing(parent, dir);
      let args: string[];
      if (!tracked) args = ['track', `${NAME}-V0-2.nbflow`];
      else {
        const kind = rng.pick(['commit', 'gc', 'wipe-bump', 'bump', 'restore']);
        if (kind === 'commit') {
          const file = workingFile(dir);
          if (file) fs.appendFileSync(file, `\n${' '.repeat(1 + (cycle % 5))}`);
          args = ['commit', '-m', `cycle ${cycle}`];
        } else if (kind === 'gc') args = ['gc'];
        else if (kind === 'wipe-bump') args = ['wipe', '--all', '--bump'];
        else if (kind === 'bump') args = ['bump'];
        else args = ['restore', 'HEAD~1'];
      }
      const command = args[0] === 'wipe' ? 'wipe --all --bump' : args[0]!;
      const headBefore = args[0] === 'wipe' ? headOf(dir) : null;
      const hook = rng.next() < options.hookChance ? rng.pick(HOOK_POINTS) : null;
      const env: Record<string, string> = { NBV_GC_AUTO_MIN_BYTES: String(256 * 1024), ...(hook ? { NBV_CRASH_AT: hook } : {}) };
      const killed = await runKilled(dir, args, hook ? 120_000 : Math.floor(rng.next() * options.maxDelayMs), env);
      if (!killed) {
        report.finished += 1;
      } else {
        report.kills += 1;
        count(report.byCommand, command);
        if (hook) count(report.hookPoints, hook);
      }
      const where = `cycle ${cycle} (${command}${hook ? ` @${hook}` : ''}${killed ? ', killed' : ''})`;
      const violation = (what: string) => report.violations.push(`${where}: ${what}`);

      const after = outsideListing(parent, dir);
      if (after.join('\n') !== before.join('\n')) violation(`files outside the project changed: ${after.filter((x) => !before.includes(x)).join(', ')}`);
      // The next locked command: finishes or drops the interrupted step, cleans dead temps.
      const next = run(dir, ['backups', 'sync']);
      const refs = spawnSync('git', [`--git-dir=${gitdir}`, 'for-each-ref', '--format=%(refname)', 'refs/heads/'], { encoding: 'utf8' }).stdout.trim();
      tracked = refs !== '';
      if (next.status !== 0 && tracked) violation(`backups sync after the kill exited ${next.status}: ${next.stderr.trim()}`);
      if (!tracked) {
        if (args[0] !== 'track') violation('the workflow is no longer tracked');
        report.trackRetries += 1;
        continue; // a killed track left nothing: the next cycle tracks again
      }
      const temps = storeTemps(gitdir);
      if (temps.length > 0) violation(`temp files left after a locked command: ${temps.join(', ')}`);
      const verify = run(dir, ['verify']);
      if (verify.status !== 0) violation(`verify exited ${verify.status}: ${(verify.stdout + verify.stderr).trim().split('\n').slice(0, 4).join(' | ')}`);
      const fsck = spawnSync('git', [`--git-dir=${gitdir}`, 'fsck', '--strict'], { encoding: 'utf8' });
      if (fsck.status !== 0) violation(`git fsck --strict exited ${fsck.status}: ${fsck.stderr.trim().split('\n')[0]}`);
      const head = headOf(dir);
      if (head?.op === 'import') violation('the history ends in an imported state (a half import)');
      if (headBefore && head && head.op === 'bump' && head.parent === headBefore.commit) violation('wipe --all --bump left a bumped but unwiped version');
      if (workingFile(dir) === null) violation('no single working file after recovery');
      if (cycle % 10 === 9) options.progress?.(`${cycle + 1} cycles, ${report.kills} kills, ${report.violations.length} violations`);
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
  report.durationMs = Date.now() - started;
  return report;
}
