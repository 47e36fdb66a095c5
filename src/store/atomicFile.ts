// Durable file primitives. A crash (power loss, kill -9) may happen between any two syscalls; after
// it, a file written here is either its old content or its new content, never a prefix of the new.
// The recipe is the classic one: temp file in the same directory, fsync, rename, fsync the directory.

import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Errno codes a platform gives when it refuses to fsync a directory; the rename is still atomic. */
const DIR_FSYNC_REFUSALS = new Set(['EINVAL', 'EPERM', 'EISDIR', 'EACCES', 'ENOTSUP', 'EBADF']);

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** True when `err` is a Node fs error with one of `codes`. */
export function hasErrnoCode(err: unknown, ...codes: string[]): boolean {
  const code = errnoCode(err);
  return code !== undefined && codes.includes(code);
}

/**
 * Flush a directory's entries (creations, renames, removals) to disk. Platforms that cannot fsync
 * a directory (Windows, some network file systems) are tolerated: there the rename is all we get.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!hasErrnoCode(err, ...DIR_FSYNC_REFUSALS)) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The temp name for `target`: hidden, in the same directory (so rename stays on one file system). */
export function tempNameFor(target: string): string {
  const dir = path.dirname(target);
  const name = path.basename(target);
  return path.join(dir, `.${name}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Write `bytes` to `target` so that readers and crashes only ever see the old or the new content.
 * The parent directory must exist. On failure the temp file is removed and the error rethrown
 * untouched (callers such as isomorphic-git look at `err.code`, e.g. ENOENT to create the parent).
 */
export async function writeFileAtomic(
  target: string,
  bytes: Uint8Array | string,
  options: { mode?: number; temp?: string; deferDirSync?: boolean } = {},
): Promise<void> {
  const temp = options.temp ?? tempNameFor(target);
  let handle: fsp.FileHandle | undefined;
  try {
    // 'wx': the random name should never exist; if it does, something is badly wrong, so fail.
    handle = await fsp.open(temp, 'wx', options.mode ?? 0o666);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
  // Deferred only by a caller that syncs the folder itself before anything refers to the file.
  if (options.deferDirSync !== true) await fsyncDir(path.dirname(target));
}

/** Remove `target` and make the removal durable. A file that is already gone is fine. */
export async function removeFileDurable(target: string): Promise<void> {
  try {
    await fsp.unlink(target);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return;
    throw err;
  }
  await fsyncDir(path.dirname(target));
}

/**
 * `mkdir -p` whose new directories survive a crash: each created level is flushed into its parent,
 * so an object or ref written below it cannot vanish with a directory entry that was never synced.
 */
export async function mkdirDurable(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      const stat = await fsp.stat(current);
      if (!stat.isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${current}'`), { code: 'ENOTDIR', path: current });
      }
      break;
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT')) throw err;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const level of missing.reverse()) {
    try {
      await fsp.mkdir(level, mode);
    } catch (err) {
      // Someone else (another nbv, or isomorphic-git's own mkdirp) made it first: that is fine.
      if (!hasErrnoCode(err, 'EEXIST')) throw err;
    }
    await fsyncDir(path.dirname(level));
  }
}
