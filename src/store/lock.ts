// The project lock: one nbv at a time may change a store. isomorphic-git only serialises inside
// one process, and two processes rewriting the same ref would lose a commit, so every writer takes
// this file lock first. The lock is NOT re-entrant: acquiring it again while holding it waits for
// yourself until the timeout (Store#withLock detects that case and fails fast instead).

import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { NbvError } from '../errors.js';
import { hasErrnoCode, removeFileDurable, tempNameFor } from './atomicFile.js';

export const LOCK_FILE_NAME = 'nbv.lock';

/** What the lock file says about who holds it; written as JSON. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO 8601 time of acquisition. */
  startedAt: string;
  /** The command line of the holder, for the human reading the LOCKED message. */
  command: string;
  /** Random: tells two holders of the same pid (two Stores in one process) apart. */
  token?: string;
}

export interface LockOptions {
  /** How long to wait for another holder before failing with LOCKED. Default 10 s. */
  waitMs?: number;
  /** Recorded in the lock file. Default: this process's command line. */
  command?: string;
}

/** Releases the lock if it is still ours; safe to call more than once. */
export type ReleaseLock = () => Promise<void>;

interface LockSnapshot {
  raw: string;
  /** null when the content is not a holder record (being written right now, or torn by a crash). */
  holder: LockHolder | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultCommand(): string {
  const script = process.argv[1] === undefined ? 'node' : path.basename(process.argv[1]);
  return [script, ...process.argv.slice(2)].join(' ');
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<string, unknown>;
    if (typeof v.pid !== 'number' || typeof v.hostname !== 'string') return null;
    return {
      pid: v.pid,
      hostname: v.hostname,
      startedAt: typeof v.startedAt === 'string' ? v.startedAt : '?',
      command: typeof v.command === 'string' ? v.command : '?',
      ...(typeof v.token === 'string' ? { token: v.token } : {}),
    };
  } catch {
    return null;
  }
}

async function readLock(lockPath: string): Promise<LockSnapshot | null> {
  try {
    const raw = await fsp.readFile(lockPath, 'utf8');
    return { raw, holder: parseHolder(raw) };
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return null;
    throw ioError(`cannot read the lock ${lockPath}`, lockPath, err);
  }
}

function ioError(message: string, file: string, cause: unknown): NbvError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NbvError('IO', `${message}: ${reason}`, { file, cause });
}

/** A process we can see on this host, or one we may not signal (EPERM: alive, someone else's). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !hasErrnoCode(err, 'ESRCH');
  }
}

/** Only a holder on this host whose pid is gone is provably dead; anything else we wait out. */
function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return false;
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0 || holder.pid === process.pid) return false;
  return !isProcessAlive(holder.pid);
}

/**
 * Create the lock file exclusively with our record; false when someone else has it. The record is
 * written to a temp file first and hard-linked into place (link fails if the name exists), so the
 * lock never exists without its record: a holder killed between creating the lock and writing it
 * would otherwise leave an empty lock that nobody can judge stale (the crash harness did exactly
 * that). File systems without hard links fall back to an exclusive create.
 */
async function tryCreate(lockPath: string, raw: string): Promise<boolean> {
  const temp = tempNameFor(lockPath);
  try {
    // Written before the name that makes it the lock exists, so no live reader sees it empty. It is
    // not synced: the lock only orders live processes, and after the machine fails none is left
    // (a lock whose holder is gone, or an empty one past its age, is broken as stale).
    await fsp.writeFile(temp, raw, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    throw ioError(`cannot create the lock ${lockPath}`, lockPath, err);
  }
  try {
    await fsp.link(temp, lockPath);
  } catch (err) {
    if (hasErrnoCode(err, 'EEXIST')) return false;
    if (hasErrnoCode(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV')) return tryCreateExclusive(lockPath, raw);
    throw ioError(`cannot create the lock ${lockPath}`, lockPath, err);
  } finally {
    await fsp.unlink(temp).catch(() => undefined);
  }
  return true;
}

async function tryCreateExclusive(lockPath: string, raw: string): Promise<boolean> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(lockPath, 'wx', 0o644);
  } catch (err) {
    if (hasErrnoCode(err, 'EEXIST')) return false;
    throw ioError(`cannot create the lock ${lockPath}`, lockPath, err);
  }
  try {
    await handle.writeFile(raw);
    await handle.close();
    return true;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.unlink(lockPath).catch(() => undefined);
    throw ioError(`cannot write the lock ${lockPath}`, lockPath, err);
  }
}

// A breaker that died inside its (milliseconds long) critical section leaves `.break` behind; past
// this age nobody can still be using it.
const ABANDONED_BREAK_MS = 10_000;

/**
 * Remove a lock left by a dead process; false when another waiter is doing it. Renaming it aside
 * is not enough on its own: a waiter that judged the old record stale can rename away the fresh
 * lock another waiter has just taken (a test caught exactly that). So breakers go one at a time
 * through `<lock>.break` (created exclusively) and, holding it, remove the lock only if it still
 * holds the very record judged stale. Acquirers never remove a lock they do not own, so nothing
 * else can change the file between that check and the unlink.
 */
async function breakStaleLock(lockPath: string, judged: LockSnapshot, me: string): Promise<boolean> {
  const guard = `${lockPath}.break`;
  if (!(await tryCreate(guard, me))) {
    const stat = await fsp.stat(guard).catch(() => null);
    // The guard holds its breaker's record: a breaker killed inside its critical section is dead
    // now, and waiting out ABANDONED_BREAK_MS would make the next command time out (LOCKED).
    const breaker = await readLock(guard).catch(() => null);
    const dead = breaker?.holder != null && isStale(breaker.holder);
    if (stat !== null && (dead || Date.now() - stat.mtimeMs > ABANDONED_BREAK_MS)) await removeFileDurable(guard).catch(() => undefined);
    return false; // another waiter is breaking it: wait for it
  }
  try {
    const current = await readLock(lockPath);
    if (current !== null && current.raw === judged.raw) await removeFileDurable(lockPath);
    return true;
  } catch (err) {
    throw err instanceof NbvError ? err : ioError(`cannot remove the stale lock ${lockPath}`, lockPath, err);
  } finally {
    await removeFileDurable(guard).catch(() => undefined);
  }
}

async function isAbandoned(lockPath: string): Promise<boolean> {
  const stat = await fsp.stat(lockPath).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs > ABANDONED_BREAK_MS;
}

function lockedError(lockPath: string, snapshot: LockSnapshot | null, waitMs: number): NbvError {
  const h = snapshot?.holder;
  const who = h
    ? `another nbv (pid ${h.pid}${h.hostname === os.hostname() ? '' : ` on ${h.hostname}`}, started ${h.startedAt}` +
      `${h.command ? `, running "${h.command}"` : ''})`
    : 'another nbv (its lock file records no holder)';
  return new NbvError(
    'LOCKED',
    `${who} holds ${lockPath}; try again, or remove it if no nbv is running`,
    { file: lockPath, details: { holder: h ?? null, waitedMs: waitMs } },
  );
}

/**
 * Take the project lock `<gitdir>/nbv.lock`, waiting up to `waitMs` for another holder to finish
 * and removing a lock whose holder died on this host. Not re-entrant. Resolves to the release
 * function; throws NbvError LOCKED on timeout, IO when the lock file cannot be made.
 */
export async function acquireProjectLock(gitdir: string, options: LockOptions = {}): Promise<ReleaseLock> {
  const waitMs = options.waitMs ?? 10_000;
  const lockPath = path.join(gitdir, LOCK_FILE_NAME);
  const record: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: options.command ?? defaultCommand(),
    token: randomBytes(8).toString('hex'),
  };
  const raw = `${JSON.stringify(record)}\n`;
  const deadline = Date.now() + waitMs;

  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, raw)) return releaseFor(lockPath, raw);
    const current = await readLock(lockPath);
    if (current === null) continue; // released between our attempt and our look: try at once
    // A lock with no holder record (only the no-hard-link fallback can leave one) lost its creator
    // between creating and writing it; once it is old, nobody can still be writing it.
    if (current.holder === null ? await isAbandoned(lockPath) : isStale(current.holder)) {
      if (await breakStaleLock(lockPath, current, raw)) continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw lockedError(lockPath, current, waitMs);
    // Jittered so that waiters started together do not retry in lockstep.
    const base = Math.min(200, 20 * 2 ** Math.min(attempt, 4));
    await sleep(Math.min(remaining, base * (0.5 + Math.random())));
  }
}

function releaseFor(lockPath: string, raw: string): ReleaseLock {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const current = await readLock(lockPath);
    // Only ours: a lock we lost (broken by someone who wrongly judged us dead) is not ours to remove.
    if (current === null || current.raw !== raw) return;
    try {
      await fsp.unlink(lockPath);
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return;
      throw ioError(`cannot remove the lock ${lockPath}`, lockPath, err);
    }
  };
}
