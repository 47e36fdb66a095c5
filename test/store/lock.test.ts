import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireProjectLock, LOCK_FILE_NAME } from '../../src/store/lock.js';
import { Store } from '../../src/store/store.js';
import { exited, fsckStrict, makeTempDir, readFileAt, rejectsWith, spawnNode, waitForOutput } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let gitdir: string;
let lockPath: string;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  gitdir = path.join(dir, '.nbv');
  await Store.init(gitdir);
  lockPath = path.join(gitdir, LOCK_FILE_NAME);
});
afterEach(async () => cleanup());

/** A plain node child that writes a lock record with its own pid and stays alive. */
function spawnLockHolder(file: string) {
  const script = `
    const fs = require('node:fs'), os = require('node:os');
    fs.writeFileSync(${JSON.stringify(file)}, JSON.stringify({ pid: process.pid, hostname: os.hostname(),
      startedAt: new Date().toISOString(), command: 'nbv wipe --all' }), { flag: 'wx' });
    console.log('ready');
    setInterval(() => {}, 1000);`;
  return spawn(process.execPath, ['-e', script], { stdio: 'pipe' });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid;
  await exited(child);
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

describe('acquireProjectLock', () => {
  it('writes a holder record and removes the lock on release', async () => {
    const release = await acquireProjectLock(gitdir, { command: 'nbv test' });
    const record = JSON.parse(await fs.readFile(lockPath, 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, hostname: os.hostname(), command: 'nbv test' });
    expect(Date.parse(record.startedAt)).not.toBeNaN();
    await release();
    await expect(fs.access(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await release(); // idempotent
  });

  it('times out with LOCKED while a live process holds it, then recovers once that process dies', async () => {
    const holder = spawnLockHolder(lockPath);
    try {
      await waitForOutput(holder, 'ready');
      const started = Date.now();
      const err = await rejectsWith(acquireProjectLock(gitdir, { waitMs: 600 }), 'LOCKED');
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(550);
      expect(waited).toBeLessThan(5_000);
      expect(err.message).toContain(`pid ${holder.pid}`);
      expect(err.message).toContain(lockPath);
      expect(err.message).toContain('nbv wipe --all');
    } finally {
      holder.kill('SIGKILL');
      await exited(holder);
    }
    // The holder is dead now: its lock is stale and must be taken over without waiting it out.
    const started = Date.now();
    const release = await acquireProjectLock(gitdir, { waitMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8')).pid).toBe(process.pid);
    await release();
    expect((await fs.readdir(gitdir)).filter((n) => n.startsWith('nbv.lock'))).toEqual([]);
  });

  it('never breaks a lock held from another host, whatever its pid', async () => {
    const record = { pid: await deadPid(), hostname: `not-${os.hostname()}`, startedAt: 'then', command: 'nbv bump' };
    await fs.writeFile(lockPath, JSON.stringify(record));
    const err = await rejectsWith(acquireProjectLock(gitdir, { waitMs: 200 }), 'LOCKED');
    expect(err.message).toContain(`on not-${os.hostname()}`);
    expect(JSON.parse(await fs.readFile(lockPath, 'utf8'))).toEqual(record);
  });

  it('waits out an unreadable lock instead of breaking it', async () => {
    await fs.writeFile(lockPath, '');
    await rejectsWith(acquireProjectLock(gitdir, { waitMs: 200 }), 'LOCKED');
    expect(await fs.readFile(lockPath, 'utf8')).toBe('');
  });

  it('release leaves a lock that is no longer ours', async () => {
    const release = await acquireProjectLock(gitdir);
    const other = JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: 'now', command: 'other' });
    await fs.writeFile(lockPath, other);
    await release();
    expect(await fs.readFile(lockPath, 'utf8')).toBe(other);
  });

  it('keeps many concurrent waiters exclusive while they break a stale lock', async () => {
    const dead = await deadPid();
    for (let round = 0; round < 20; round++) {
      await fs.writeFile(lockPath, JSON.stringify({ pid: dead, hostname: os.hostname(), startedAt: `r${round}`, command: 'x' }));
      let inside = 0;
      let maxInside = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const release = await acquireProjectLock(gitdir, { waitMs: 20_000 });
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
          await release();
        }),
      );
      expect(maxInside, `round ${round}`).toBe(1);
    }
    expect((await fs.readdir(gitdir)).filter((n) => n.startsWith('nbv.lock'))).toEqual([]);
  });
});

describe('Store#withLock', () => {
  it('serialises writers in separate processes (no lost update, every CAS succeeds)', async () => {
    const children = [0, 1, 2].map(() => spawnNode(['test/store/children/lockCounter.ts', gitdir, '8']));
    try {
      await Promise.all(children.map((child) => waitForOutput(child, 'done')));
      expect(await Promise.all(children.map(exited))).toEqual([0, 0, 0]);
    } finally {
      // A failed child must not outlive the test and write into the next one's cleanup.
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
    }
    const store = await Store.open(gitdir);
    expect(Buffer.from((await store.readMeta('nbv-counter')) ?? []).toString()).toBe('24');
    const head = await store.resolveRef('refs/heads/counter');
    if (head === null) throw new Error('no counter branch');
    const history = [];
    for await (const commit of store.walkFirstParent(head)) history.push(commit);
    expect(history).toHaveLength(24);
    expect(Buffer.from(await readFileAt(store, head, 'count')).toString()).toBe('24');
    fsckStrict(gitdir);
  });

  it('serialises two tasks of one process and releases after an error', async () => {
    const store = await Store.open(gitdir);
    const order: string[] = [];
    const task = (name: string) =>
      store.withLock(async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`${name} out`);
      });
    await Promise.all([task('a'), task('b')]);
    expect([order.slice(0, 2), order.slice(2)].map((pair) => pair[0]?.split(' ')[0] === pair[1]?.split(' ')[0])).toEqual([true, true]);
    await expect(store.withLock(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(fs.access(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is not re-entrant: a nested withLock throws at once instead of waiting on itself', async () => {
    const store = await Store.open(gitdir);
    const started = Date.now();
    await expect(store.withLock(() => store.withLock(async () => 1))).rejects.toThrow(/not re-entrant/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('knows which tasks hold the lock: not one started inside it that runs after its release', async () => {
    const store = await Store.open(gitdir);
    expect(store.holdsLock()).toBe(false);
    let late: Promise<boolean> | undefined;
    await store.withLock(async () => {
      expect(store.holdsLock()).toBe(true);
      late = new Promise((resolve) => setTimeout(resolve, 20)).then(() => store.holdsLock());
    });
    expect(await late).toBe(false);
  });

});
