// What a kill -9 can leave in the lock's place, and that the next command gets past it without
// manual cleanup: a lock of a dead process, the break guard of a breaker that died, and a lock file
// whose holder died between creating it and writing its record.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireProjectLock } from '../../src/store/index.js';
import { isNbvError } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function gitdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function record(pid: number): string {
  return JSON.stringify({ pid, hostname: os.hostname(), startedAt: new Date().toISOString(), command: 'nbv wipe --all', token: 'x' }) + '\n';
}

describe('lock recovery after kill -9', () => {
  it('takes over the lock of a dead holder whose breaker also died holding the break guard', async () => {
    const dir = gitdir();
    fs.writeFileSync(path.join(dir, 'nbv.lock'), record(deadPid()));
    fs.writeFileSync(path.join(dir, 'nbv.lock.break'), record(deadPid())); // fresh: minutes younger than the age rule
    const release = await acquireProjectLock(dir, { waitMs: 3_000 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'nbv.lock'), 'utf8')).pid).toBe(process.pid);
    await release();
    expect(fs.existsSync(path.join(dir, 'nbv.lock.break'))).toBe(false);
  });

  it('takes over an old lock file with no holder record (its creator died before writing it)', async () => {
    const dir = gitdir();
    const lock = path.join(dir, 'nbv.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const release = await acquireProjectLock(dir, { waitMs: 3_000 });
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('but waits out a fresh one, and then says clearly who holds what', async () => {
    const dir = gitdir();
    fs.writeFileSync(path.join(dir, 'nbv.lock'), '');
    const err = await acquireProjectLock(dir, { waitMs: 300 }).then(() => null, (e: unknown) => e);
    expect(isNbvError(err) && err.code).toBe('LOCKED');
    expect((err as Error).message).toMatch(/another nbv \(its lock file records no holder\) holds .*nbv\.lock; try again/);
    expect((err as Error).message.includes('\n')).toBe(false);
  });

  it('and waits for a live holder, then reports it by pid and command', async () => {
    const dir = gitdir();
    fs.writeFileSync(path.join(dir, 'nbv.lock'), record(process.ppid));
    const err = await acquireProjectLock(dir, { waitMs: 300 }).then(() => null, (e: unknown) => e);
    expect(isNbvError(err) && err.code).toBe('LOCKED');
    expect((err as Error).message).toContain(`pid ${process.ppid}`);
    expect((err as Error).message).toContain('running "nbv wipe --all"');
  });
});
