// Temp files a kill left behind: an atomic write's `.<name>.tmp-<pid>-<hex>`, a pack being
// written (`.tmp-pack-<pid>-<ms>` and its `.idx`), a loose object's `tmp_obj_<pid>-<hex>`. Each is
// nobody's once its writer is gone, and `git count-objects` reports the pack ones as garbage.
// Removed on the next locked operation; only nbv's own temp names, and only when the process that
// made it is gone or the file is too old to be a write in progress (readers such as `status` write
// caches without the lock, so a live writer's temp is left alone).
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { hasErrnoCode } from './atomicFile.js';

const TEMP_NAMES = [/^\..+\.tmp-(\d+)-[0-9a-f]{12}$/, /^\.tmp-pack-(\d+)-\d+(?:\.idx)?$/, /^tmp_obj_(\d+)-[0-9a-f]{12}$/];

/** A temp this old is not a write in progress, whoever made it. */
export const STALE_TEMP_MS = 10 * 60_000;

function writerPid(name: string): number | null {
  for (const pattern of TEMP_NAMES) {
    const match = pattern.exec(name);
    if (match) return Number(match[1]);
  }
  return null;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return hasErrnoCode(err, 'EPERM');
  }
}

/** Removes nbv's dead temp files directly in `dir` (not below). Returns the names removed. */
export async function removeDeadTemps(dir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = writerPid(name);
    if (pid === null) continue;
    const file = path.join(dir, name);
    try {
      const stat = await fsp.lstat(file);
      if (!stat.isFile()) continue;
      if (isAlive(pid) && now - stat.mtimeMs < STALE_TEMP_MS) continue;
      await fsp.unlink(file);
      removed.push(name);
    } catch {
      // gone already, or not ours to remove: either way nothing to do
    }
  }
  return removed;
}

/** The store's folders where nbv writes temps: its root (metadata, packed-refs), refs/ (every
 * level), objects/pack and objects/info. Loose-object folders are cleaned by packing. */
export async function removeStoreTemps(gitdir: string): Promise<string[]> {
  const dirs = [gitdir, path.join(gitdir, 'objects', 'pack'), path.join(gitdir, 'objects', 'info')];
  const walk = async (dir: string): Promise<void> => {
    dirs.push(dir);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return;
      throw err;
    }
    for (const entry of entries) if (entry.isDirectory()) await walk(path.join(dir, entry.name));
  };
  await walk(path.join(gitdir, 'refs'));
  const removed: string[] = [];
  for (const dir of dirs) removed.push(...(await removeDeadTemps(dir)).map((name) => path.relative(gitdir, path.join(dir, name))));
  return removed;
}
