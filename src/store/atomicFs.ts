// The file system handed to isomorphic-git. isomorphic-git writes objects straight to their final
// path and never fsyncs: a crash mid-write would leave a torn object that it then refuses to
// rewrite (it skips objects that already exist). Routing every write through writeFileAtomic means
// a file at its final path is always complete and on disk.

import type { MakeDirectoryOptions, Mode } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { fsyncDir, writeFileAtomic } from './atomicFile.js';

type WriteOptions = BufferEncoding | { encoding?: BufferEncoding | null; mode?: Mode } | null | undefined;

function toBytes(data: Uint8Array | string, options: WriteOptions): Uint8Array {
  if (typeof data !== 'string') return data;
  const encoding = typeof options === 'string' ? options : (options?.encoding ?? 'utf8');
  return Buffer.from(data, encoding);
}

function modeOf(options: WriteOptions): number | undefined {
  if (typeof options !== 'object' || options === null || options.mode === undefined) return undefined;
  return typeof options.mode === 'string' ? parseInt(options.mode, 8) : options.mode;
}

/** A loose object's temp file is named the way git names its own (`objects/ab/tmp_obj_*`): one
 * left by a crash is then ignored by `git fsck` and removed by `git gc`/`git prune`. */
function objectTemp(file: string): { temp?: string } {
  const dir = path.dirname(file);
  if (!/^[0-9a-f]{2}$/.test(path.basename(dir)) || path.basename(path.dirname(dir)) !== 'objects') return {};
  return { temp: path.join(dir, `tmp_obj_${process.pid}-${randomBytes(6).toString('hex')}`) };
}

const promises = {
  readFile: fsp.readFile,
  readdir: fsp.readdir,
  rmdir: fsp.rmdir,
  stat: fsp.stat,
  lstat: fsp.lstat,
  readlink: fsp.readlink,
  symlink: fsp.symlink,
  chmod: fsp.chmod,
  unlink: fsp.unlink,

  /** Atomic and durable; see the file comment. */
  async writeFile(file: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    const mode = modeOf(options);
    await writeFileAtomic(file, toBytes(data, options), { ...(mode === undefined ? {} : { mode }), ...objectTemp(file) });
  },

  /** One level, like fs.mkdir, then flushed into its parent so objects below it survive a crash. */
  async mkdir(dir: string, options?: Mode | MakeDirectoryOptions): Promise<string | undefined> {
    const made = await fsp.mkdir(dir, options);
    await fsyncDir(path.dirname(dir));
    return made;
  },
};

/**
 * An `fs` for isomorphic-git's `fs` parameter. isomorphic-git only uses `promises` when it is an
 * own enumerable property, which a plain object literal guarantees.
 */
export const atomicFs = { promises };
