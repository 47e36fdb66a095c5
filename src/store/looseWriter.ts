// Writing loose objects the way git does (`objects/ab/cdef...`, zlib of `<type> <size>\0<content>`),
// with node's zlib and sha1 rather than isomorphic-git's pure-JS deflate, which cost ~25 ms per
// megabyte on every commit.
//
// Durability: each object file is written to a temp name, fsynced and renamed into place, so a file
// at its final name is always whole. The renames themselves become durable when their folder is
// fsynced; that is deferred to `flush`, which the store calls before any ref moves. A commit's five
// objects then cost five file syncs and one sync per folder, and a crash before the flush can only
// lose objects that no ref reaches yet.
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { fsyncDir, hasErrnoCode, writeFileAtomic } from './atomicFile.js';
import type { ObjectReader } from './objectReader.js';
import type { ObjectType } from './packFormat.js';

/** git's core.looseCompression default: best speed. Packing recompresses everything anyway. */
const LOOSE_COMPRESSION = 1;
/** Longer chains than this make a blob worth a loose copy when it is written again. */
const SHALLOW_CHAIN = 10;

export function objectHeader(type: ObjectType, length: number): Buffer {
  return Buffer.from(`${type} ${length}\0`, 'latin1');
}

export function objectId(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(objectHeader(type, content.byteLength)).update(content).digest('hex');
}

export class LooseObjectWriter {
  /** Folders whose new entries are not yet known to be on disk. */
  private readonly unsynced = new Set<string>();

  constructor(
    private readonly gitdir: string,
    private readonly reader: ObjectReader,
  ) {}

  /** Store an object; returns its id. An object already in the store (loose or packed) is not
   * written again, as git does, with one exception: a blob this process read through a long delta
   * chain (an old state that a restore or an undo brings back as the new head) is written loose
   * too, so that the commands that read the head next do not rebuild it through the chain again
   * (45 deltas of a 1 MB file: 75 ms on every `show`, `diff` and `status`). The next packing
   * packs it as the newest of its name. */
  async write(type: ObjectType, content: Uint8Array): Promise<string> {
    const header = objectHeader(type, content.byteLength);
    const oid = createHash('sha1').update(header).update(content).digest('hex');
    const fan = path.join(this.gitdir, 'objects', oid.slice(0, 2));
    // The reader answers yes for git's empty tree without a file; git fsck wants the file.
    const virtual = type === 'tree' && content.byteLength === 0;
    const deep = type === 'blob' && (this.reader.deltaChain(oid) ?? 0) > SHALLOW_CHAIN;
    if (!virtual && !deep && this.reader.has(oid) === true) {
      // Possibly written by another process that has not synced its folder yet: ours will.
      this.unsynced.add(fan);
      return oid;
    }
    const file = path.join(fan, oid.slice(2));
    const deflated = deflateSync(Buffer.concat([header, content]), { level: LOOSE_COMPRESSION });
    // git's own temp name for loose objects: one left by a crash is ignored by fsck, removed by gc.
    const temp = () => ({ temp: path.join(fan, `tmp_obj_${process.pid}-${randomBytes(6).toString('hex')}`) });
    try {
      await writeFileAtomic(file, deflated, { ...temp(), deferDirSync: true });
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT')) throw err;
      await fsp.mkdir(fan, { recursive: true });
      this.unsynced.add(path.dirname(fan));
      await writeFileAtomic(file, deflated, { ...temp(), deferDirSync: true });
    }
    this.unsynced.add(fan);
    return oid;
  }

  /** Make every object written so far durable: called before a ref may point at them. */
  async flush(): Promise<void> {
    // The objects folder first is not required (each sync stands alone), but sorted keeps it tidy.
    const dirs = [...this.unsynced].sort();
    this.unsynced.clear();
    try {
      for (const dir of dirs) {
        // A folder gone since (an existing object that was packed, its folder emptied): a pack is
        // made durable before loose files are removed, so there is nothing left to sync.
        await fsyncDir(dir).catch((err: unknown) => {
          if (!hasErrnoCode(err, 'ENOENT')) throw err;
        });
      }
    } catch (err) {
      for (const dir of dirs) this.unsynced.add(dir);
      throw err;
    }
  }
}
