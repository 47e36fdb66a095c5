// Reading git objects with node's own zlib and sha1 instead of isomorphic-git's pure-JS ones,
// which cost milliseconds per object and dominate every walk through a long history. Loose
// objects and packs (ours, or real git's after gc: OFS_DELTA and REF_DELTA, 64-bit offsets) are
// both read here; anything this reader cannot find is left to the caller's fallback.
//
// Every object returned is hashed again: a torn or tampered object is CORRUPT_STORE, never bytes.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { NbvError } from '../errors.js';
import { hasErrnoCode } from './atomicFile.js';
import { applyDelta } from './delta.js';
import { ObjectCache } from './objectCache.js';
import { PackIndex } from './packIndex.js';
import type { ObjectType } from './packFormat.js';

export interface GitObject {
  type: ObjectType;
  content: Uint8Array;
}

const PACK_TYPES: Record<number, ObjectType | undefined> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
// Deeper than any chain git or nbv writes (both stop at 50; --depth=4095 is git's ceiling).
const MAX_CHAIN = 5000;
/** `details.kind` of a CORRUPT_STORE error for an object whose content does not hash to its id. */
export const HASH_MISMATCH = 'hash-mismatch';

interface Pack {
  file: string;
  index: PackIndex;
}

interface Located {
  pack: Pack;
  offset: number;
}

function objectId(type: string, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.byteLength}\0`).update(content).digest('hex');
}

export class ObjectReader {
  private packs: Pack[] = [];
  private packNames: string | null = null;
  /** Some pack's index is not one this reader parses (version 1): a miss here is not final. */
  private unreadablePacks = false;
  private readonly cache = new ObjectCache<GitObject>(64 * 1024 * 1024);
  /** Per object read from a pack in this process: how many deltas rebuilding it applied. */
  private readonly chains = new Map<string, number>();
  private lastChain = 0;

  constructor(private readonly gitdir: string) {}

  /** Object `oid` (a full lowercase id), or null when neither loose nor in a pack this reader reads. */
  read(oid: string, retried = false): GitObject | null {
    if (oid === EMPTY_TREE) return { type: 'tree', content: new Uint8Array(0) };
    const loose = this.readLoose(oid);
    if (loose !== null) return loose;
    const found = this.locate(Buffer.from(oid, 'hex'));
    if (found === null) return null;
    try {
      const object = this.verified(oid, this.resolve(found), found.pack.file);
      this.chains.set(oid, this.lastChain);
      return object;
    } catch (err) {
      const corrupt = err instanceof NbvError && err.code === 'CORRUPT_STORE';
      // gc may have replaced the pack (even under the same name) or loosened the object since we
      // listed the packs: list them again and look once more before calling the store corrupt.
      if (!retried && (corrupt || hasErrnoCode(err, 'ENOENT'))) {
        this.packNames = null;
        return this.read(oid, true);
      }
      if (corrupt && err.details['oid'] !== oid) {
        const details = { ...err.details, oid };
        throw new NbvError('CORRUPT_STORE', `object ${oid}: ${err.message}`, { file: found.pack.file, details, cause: err });
      }
      throw err;
    }
  }

  /** How many deltas reading `oid` from a pack applied, when this reader read it so (not loose). */
  deltaChain(oid: string): number | undefined {
    return this.chains.get(oid);
  }

  /** True or false when this reader knows; null when a pack it cannot parse might hold `oid`. */
  has(oid: string): boolean | null {
    if (oid === EMPTY_TREE || fs.existsSync(this.loosePath(oid))) return true;
    if (this.locate(Buffer.from(oid, 'hex')) !== null) return true;
    return this.unreadablePacks ? null : false;
  }

  private loosePath(oid: string): string {
    return path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  }

  private corrupt(oid: string, file: string, problem: string, kind = 'undecodable object'): NbvError {
    return new NbvError('CORRUPT_STORE', `object ${oid} ${problem}`, { file, details: { oid, kind } });
  }

  private verified(oid: string, object: GitObject, file: string): GitObject {
    const computed = objectId(object.type, object.content);
    // `details.kind` is what callers (verify) branch on: an object edited on disk.
    if (computed !== oid) throw this.corrupt(oid, file, `does not hash to its id (computed ${computed})`, HASH_MISMATCH);
    return object;
  }

  private readLoose(oid: string): GitObject | null {
    const file = this.loosePath(oid);
    let deflated: Buffer;
    try {
      deflated = fs.readFileSync(file);
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return null;
      throw err;
    }
    let raw: Buffer;
    try {
      raw = inflateSync(deflated);
    } catch {
      throw this.corrupt(oid, file, 'cannot be inflated');
    }
    const nul = raw.indexOf(0);
    const match = /^(commit|tree|blob|tag) (\d+)$/.exec(raw.toString('latin1', 0, Math.max(nul, 0)));
    const content = new Uint8Array(raw.buffer, raw.byteOffset + nul + 1, raw.byteLength - nul - 1);
    if (nul < 0 || match === null || Number(match[2]) !== content.byteLength) throw this.corrupt(oid, file, 'has a malformed header');
    return this.verified(oid, { type: match[1] as ObjectType, content }, file);
  }

  /** Find `oid` in the packs, listing objects/pack again when it is not in the ones known. */
  private locate(raw: Buffer): Located | null {
    if (this.packNames === null) this.loadPacks();
    for (;;) {
      for (const pack of this.packs) {
        const offset = pack.index.find(raw);
        if (offset >= 0) return { pack, offset };
      }
      if (!this.loadPacks()) return null;
    }
  }

  /** (Re)read the pack indexes when the set of packs changed; true when it did. */
  private loadPacks(): boolean {
    const dir = path.join(this.gitdir, 'objects', 'pack');
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) throw err;
      names = [];
    }
    const stems = names.filter((n) => n.endsWith('.idx') && names.includes(`${n.slice(0, -4)}.pack`)).map((n) => n.slice(0, -4));
    // Size and time too: an older git names a pack after its objects, so a repack can reuse a name.
    const sizes = new Map<string, number>();
    const times = new Map<string, number>();
    const key = stems
      .map((stem) => {
        const stat = fs.statSync(path.join(dir, `${stem}.pack`), { throwIfNoEntry: false });
        sizes.set(stem, stat?.size ?? -1);
        times.set(stem, stat?.mtimeMs ?? 0);
        return `${stem} ${stat?.size} ${stat?.mtimeMs}`;
      })
      .join('\n');
    // Newest pack first, as git looks: an object in two packs (a state written again loose by a
    // restore, then packed) is read from the newer one, where it was packed as the newest of its
    // name, whole or near it, not through the older pack's long chain.
    stems.sort((a, b) => times.get(b)! - times.get(a)! || (a < b ? -1 : 1));
    if (key === this.packNames) return false;
    const packs: Pack[] = [];
    let unreadable = false;
    for (const stem of stems) {
      try {
        const file = path.join(dir, `${stem}.pack`);
        if (sizes.get(stem)! < 0) throw Object.assign(new Error(`${file} is gone`), { code: 'ENOENT' });
        const index = PackIndex.parse(fs.readFileSync(path.join(dir, `${stem}.idx`)), sizes.get(stem)!);
        if (index === null) unreadable = true;
        else packs.push({ file, index });
      } catch (err) {
        if (!hasErrnoCode(err, 'ENOENT')) throw err;
        unreadable = true; // removed while we listed: the next miss lists again
      }
    }
    this.packs = packs;
    this.packNames = key;
    this.unreadablePacks = unreadable;
    this.cache.clear();
    return true;
  }

  /** Build the object at `start`, following its delta chain down to a whole object or a cached one. */
  private resolve(start: Located): GitObject {
    const deltas: { key: string; delta: Uint8Array }[] = [];
    let at: Located = start;
    let base: GitObject;
    for (;;) {
      const key = `${at.pack.file}:${at.offset}`;
      const cached = this.cache.get(key);
      if (cached !== undefined) {
        base = cached;
        break;
      }
      if (deltas.length > MAX_CHAIN) throw this.packCorrupt(start, 'has a delta chain that does not end');
      const entry = this.readEntry(at);
      if (entry.base === undefined) {
        base = { type: entry.type, content: entry.data };
        this.cache.set(key, base);
        break;
      }
      deltas.push({ key, delta: entry.data });
      if (typeof entry.base === 'number') {
        at = { pack: at.pack, offset: entry.base };
        continue;
      }
      const inPack = this.locate(entry.base);
      if (inPack !== null) {
        at = inPack;
        continue;
      }
      const baseOid = entry.base.toString('hex');
      const loose = this.readLoose(baseOid);
      if (loose === null) throw this.packCorrupt(start, `is a delta on ${baseOid}, which is not in the store`);
      base = loose;
      break;
    }
    let object = base;
    this.lastChain = deltas.length;
    for (let i = deltas.length - 1; i >= 0; i--) {
      try {
        object = { type: object.type, content: applyDelta(object.content, deltas[i]!.delta) };
      } catch (err) {
        throw this.packCorrupt(start, `has a broken delta (${(err as Error).message})`);
      }
      this.cache.set(deltas[i]!.key, object);
    }
    // The cache keeps its own bytes: a caller may change what it gets.
    return { type: object.type, content: new Uint8Array(object.content) };
  }

  private packCorrupt(at: Located, problem: string): NbvError {
    return new NbvError('CORRUPT_STORE', `the pack entry at offset ${at.offset} ${problem}`, {
      file: at.pack.file,
      details: { offset: at.offset, kind: 'undecodable object' },
    });
  }

  /** One entry: its type, its inflated data, and for a delta where its base is. */
  private readEntry(at: Located): { type: ObjectType; data: Uint8Array; base?: number | Buffer } {
    const end = at.pack.index.entryEnd(at.offset);
    const buf = Buffer.alloc(end - at.offset);
    const fd = fs.openSync(at.pack.file, 'r');
    try {
      if (fs.readSync(fd, buf, 0, buf.length, at.offset) !== buf.length) throw this.packCorrupt(at, 'is cut short');
    } finally {
      fs.closeSync(fd);
    }
    let c = buf[0] ?? 0;
    const kind = (c >> 4) & 7;
    let size = c & 0x0f;
    let i = 1;
    for (let scale = 16; c & 0x80; scale *= 128) {
      c = buf[i++] ?? 0;
      size += (c & 0x7f) * scale;
    }
    let base: number | Buffer | undefined;
    if (kind === OFS_DELTA) {
      c = buf[i++] ?? 0;
      let distance = c & 0x7f;
      while (c & 0x80) {
        c = buf[i++] ?? 0;
        distance = (distance + 1) * 128 + (c & 0x7f);
      }
      if (distance <= 0 || distance > at.offset) throw this.packCorrupt(at, 'points before the start of its pack');
      base = at.offset - distance;
    } else if (kind === REF_DELTA) {
      base = buf.subarray(i, i + 20);
      i += 20;
    } else if (PACK_TYPES[kind] === undefined) {
      throw this.packCorrupt(at, `has the unknown type ${kind}`);
    }
    let data: Buffer;
    try {
      data = inflateSync(buf.subarray(i));
    } catch {
      throw this.packCorrupt(at, 'cannot be inflated');
    }
    if (data.length !== size) throw this.packCorrupt(at, `inflates to ${data.length} bytes, not ${size}`);
    return { type: PACK_TYPES[kind] ?? 'blob', data, base };
  }
}

export interface TreeEntry {
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

const MODE_TYPES: Record<string, TreeEntry['type'] | undefined> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '40000': 'tree',
  '040000': 'tree',
  '160000': 'commit',
};

/** A tree object's entries `<mode> <name>\0<20-byte oid>`, in stored order; null when malformed. */
export function parseTree(content: Uint8Array): TreeEntry[] | null {
  const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const entries: TreeEntry[] = [];
  for (let at = 0; at < buf.length; ) {
    const space = buf.indexOf(0x20, at);
    const nul = space < 0 ? -1 : buf.indexOf(0, space);
    if (nul < 0 || nul + 21 > buf.length) return null;
    const type = MODE_TYPES[buf.toString('latin1', at, space)];
    if (type === undefined) return null;
    entries.push({ path: buf.toString('utf8', space + 1, nul), oid: buf.toString('hex', nul + 1, nul + 21), type });
    at = nul + 21;
  }
  return entries;
}
