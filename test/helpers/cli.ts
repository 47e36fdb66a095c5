// Runs the real `nbv` binary as a subprocess, the way a user or a script does.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NBV_BIN = path.join(REPO_ROOT, 'bin', 'nbv.js');
export const SAMPLE_DIR = path.join(REPO_ROOT, 'fixtures', 'sample');

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** A fixed author and clock so dates in backup names and logs are known to the test. */
export const TEST_ENV = {
  NBV_AUTHOR: 'Jane Tester <jane@example.com>',
  NBV_NOW: '2026-05-12T10:15:00+02:00',
};

export function nbv(cwd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const result = spawnSync(process.execPath, [NBV_BIN, ...args], {
    cwd,
    env: { ...process.env, ...TEST_ENV, ...env, NBV_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs nbv and fails loudly (with its stderr) unless it exits 0. */
export function nbvOk(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const result = nbv(cwd, args, env);
  if (result.status !== 0) {
    throw new Error(`nbv ${args.join(' ')} exited ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}

export function nbvJson<T = unknown>(cwd: string, args: string[], env: Record<string, string> = {}): T {
  return JSON.parse(nbvOk(cwd, [...args, '--json'], env)) as T;
}

export function git(gitdir: string, args: string[]): RunResult {
  const result = spawnSync('git', [`--git-dir=${gitdir}`, ...args], { encoding: 'utf8' });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function gitBytes(gitdir: string, args: string[]): Buffer {
  const result = spawnSync('git', [`--git-dir=${gitdir}`, ...args]);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Runs the real git with `input` on stdin and returns its stdout; throws on failure. */
export function gitWithInput(gitdir: string, args: string[], input: string): string {
  const result = spawnSync('git', [`--git-dir=${gitdir}`, ...args], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export function tempDir(prefix = 'nbv-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh copy of a fixtures folder (the sample project by default) in a temp dir. */
export function copyFixture(source = SAMPLE_DIR): string {
  const dir = tempDir();
  fs.cpSync(source, dir, { recursive: true });
  return dir;
}

/** A project holding only the sample's working file (no hand-made backups/), with a store. */
export function initializedSampleFile(): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(SAMPLE_DIR, 'XYZG3-V0-3.nbflow'), path.join(dir, 'XYZG3-V0-3.nbflow'));
  nbvOk(dir, ['init']);
  return dir;
}

/** Every file under dir with the sha256 of its bytes: to prove that nothing on disk changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
