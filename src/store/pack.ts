// Packing: loose objects (what isomorphic-git writes, one zlib file per object) into one git
// packfile with delta compression, as `git gc` does. Each file of a commit's tree is stored as a
// delta against the same file one commit later, so a history of small edits costs about what the
// edits are. The pack is git's own format (version 2, OFS_DELTA, .idx version 2): the real git and
// isomorphic-git read it.
//
// Nothing is ever dropped: every object that was in the store (loose, or in a pack being merged)
// is written to the new pack, checked, and made durable (pack, then .idx, each fsynced and renamed
// into place, then the folder) before any loose file or old pack is removed. Must run under the
// project lock so that no object is written meanwhile.
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import git from 'isomorphic-git';
import { NbvError } from '../errors.js';
import { fsyncDir } from './atomicFile.js';
import { atomicFs } from './atomicFs.js';
import { createDelta, applyDelta } from './delta.js';
import { parseCommit } from './gitFormat.js';
import { listLoose, objectsDir, packDir, packsToMerge } from './objectFiles.js';
import { buildIndex, crc32, entryHeader, ofsDeltaDistance, PACK_TYPE, type IndexEntry, type ObjectType } from './packFormat.js';
import { listRefs, readRef } from './refs.js';

/** git's default: a chain of at most 50 deltas, so reading any version stays cheap. */
export const MAX_DELTA_DEPTH = 50;
const MIN_DELTA_SIZE = 64;

export interface PackOptions {
  /**
   * Which existing packs are merged into the new one with the loose objects: 'all' (the default:
   * one pack in the end), 'none' (only the loose objects: quick), or 'small' (all but the biggest
   * pack when it outweighs the others twice over, so repeated packing costs what is new, not the
   * whole history, as git's geometric repacking does).
   */
  merge?: 'all' | 'none' | 'small';
}

export interface PackResult {
  /** The new pack (`objects/pack/pack-<sha>.pack`), or null when there was nothing to pack. */
  pack: string | null;
  objects: number;
  deltas: number;
  looseRemoved: number;
  packsRemoved: number;
  packBytes: number;
}


type Loaded = { type: ObjectType; bytes: Uint8Array };

function objectId(type: string, bytes: Uint8Array): string {
  return createHash('sha1').update(`${type} ${bytes.length}\0`).update(bytes).digest('hex');
}

/** A loose object's inflated bytes: `<type> <size>\0<content>`. */
function parseLoose(raw: Uint8Array, oid: string): { type: string; bytes: Uint8Array } {
  const nul = raw.indexOf(0);
  const header = Buffer.from(raw.subarray(0, Math.max(nul, 0))).toString('latin1');
  const match = /^(commit|tree|blob|tag) (\d+)$/.exec(header);
  const bytes = raw.subarray(nul + 1);
  if (nul < 0 || match === null || Number(match[2]) !== bytes.length) {
    throw new NbvError('CORRUPT_STORE', `loose object ${oid} has a malformed header`, { file: oid });
  }
  return { type: match[1]!, bytes };
}

/** Tree entries: (mode, name, oid). */
function treeEntries(bytes: Uint8Array): Array<{ mode: string; name: string; oid: string }> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const nul = buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) break;
    out.push({ mode: buf.toString('latin1', at, space), name: buf.toString('utf8', space + 1, nul), oid: buf.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return out;
}

/**
 * The objects to write, in pack order: commits newest first, then trees, then each file name's
 * blobs newest first (neighbours in history are each other's delta bases), then anything no ref
 * reaches. `group` names the delta chain an object belongs to (null: stored whole).
 */
async function packOrder(gitdir: string, wanted: Set<string>, read: (oid: string) => Promise<Loaded>) {
  const commits: string[] = [];
  const trees: string[] = [];
  const blobs = new Map<string, string[]>();
  const seen = new Set<string>();
  const stack: string[] = [];
  const head = await readRef(gitdir, 'HEAD').catch(() => null);
  const refs = await listRefs(gitdir, 'refs/');
  // Branches are walked first (popped last-pushed first): tags mostly point into them.
  const tips = [...refs.filter((r) => !r.ref.startsWith('refs/heads/')), ...refs.filter((r) => r.ref.startsWith('refs/heads/'))];
  for (const oid of [...tips.map((r) => r.oid), ...(head ? [head] : [])]) stack.push(oid);
  const visitTree = async (oid: string, prefix: string): Promise<void> => {
    if (seen.has(oid) || !wanted.has(oid)) return;
    seen.add(oid);
    trees.push(oid);
    for (const entry of treeEntries((await read(oid)).bytes)) {
      if (entry.mode === '40000') await visitTree(entry.oid, `${prefix}${entry.name}/`);
      else if (entry.mode !== '160000' && wanted.has(entry.oid) && !seen.has(entry.oid)) {
        seen.add(entry.oid);
        // Names that differ only in digits are taken as versions of one file (XYZG3-V0-3.nbflow
        // after a bump is XYZG3-V0-4.nbflow): they share a delta chain.
        const name = `${prefix}${entry.name.replace(/[0-9]+/g, '#')}`;
        const list = blobs.get(name) ?? [];
        list.push(entry.oid);
        blobs.set(name, list);
      }
    }
  };
  while (stack.length) {
    const oid = stack.pop()!;
    if (seen.has(oid) || !wanted.has(oid)) continue;
    const object = await read(oid);
    if (object.type === 'tag') {
      seen.add(oid);
      commits.push(oid);
      const target = /^object ([0-9a-f]{40})$/m.exec(Buffer.from(object.bytes).toString('latin1'));
      if (target) stack.push(target[1]!);
      continue;
    }
    if (object.type !== 'commit') continue;
    seen.add(oid);
    commits.push(oid);
    const fields = parseCommit(object.bytes);
    if (fields === null) throw new NbvError('CORRUPT_STORE', `commit ${oid} is malformed`, { file: gitdir });
    await visitTree(fields.tree, '');
    // Parents pushed last-first so the first parent is walked next: history order, newest first.
    for (const parent of [...fields.parents].reverse()) stack.push(parent);
  }
  const order: Array<{ oid: string; group: string | null }> = [
    ...commits.map((oid) => ({ oid, group: null })),
    ...trees.map((oid) => ({ oid, group: '\0trees' })),
    ...[...blobs].flatMap(([name, list]) => list.map((oid) => ({ oid, group: name }))),
  ];
  for (const oid of [...wanted].sort()) if (!seen.has(oid)) order.push({ oid, group: null });
  return order;
}

/** Pack the store's objects (see the file comment). Run under the project lock. */
export async function packObjects(gitdir: string, options: PackOptions = {}): Promise<PackResult> {
  const loose = await listLoose(gitdir);
  const packs = await packsToMerge(gitdir, options.merge ?? 'all');
  const wanted = new Set<string>([...loose.keys(), ...packs.flatMap((p) => p.oids)]);
  const empty: PackResult = { pack: null, objects: 0, deltas: 0, looseRemoved: 0, packsRemoved: 0, packBytes: 0 };
  if (wanted.size === 0 || (packs.length === 1 && loose.size === 0)) return empty;

  const cache = {};
  const read = async (oid: string): Promise<Loaded> => {
    const file = loose.get(oid);
    // Loose objects are inflated here (node's zlib is several times faster than isomorphic-git's
    // pako); packed ones, deltas and all, come through isomorphic-git.
    const { type, bytes } = file !== undefined ? parseLoose(inflateSync(await fsp.readFile(file)), oid) : await readPacked(oid);
    if (objectId(type, bytes) !== oid) throw new NbvError('CORRUPT_STORE', `object ${oid} does not hash to its name`, { file: gitdir });
    return { type: type as ObjectType, bytes };
  };
  const readPacked = async (oid: string) => {
    const { type, object } = await git.readObject({ fs: atomicFs, gitdir, oid, format: 'content', cache });
    return { type, bytes: object as Uint8Array };
  };
  const order = await packOrder(gitdir, wanted, read);

  const temp = path.join(packDir(gitdir), `.tmp-pack-${process.pid}-${Date.now()}`);
  const handle = await fsp.open(temp, 'wx');
  const hash = createHash('sha1');
  let offset = 0;
  const write = async (bytes: Uint8Array) => {
    hash.update(bytes);
    await handle.write(bytes);
    offset += bytes.length;
  };
  const entries: IndexEntry[] = [];
  let deltas = 0;
  try {
    const header = Buffer.alloc(12);
    header.write('PACK', 0, 'latin1');
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(order.length, 8);
    await write(header);
    type Previous = { group: string; bytes: Uint8Array; offset: number; depth: number };
    let previous = null as Previous | null;
    for (const { oid, group } of order) {
      const object = await read(oid);
      const start = offset;
      let delta: Uint8Array | null = null;
      if (group !== null && previous?.group === group && previous.depth < MAX_DELTA_DEPTH && object.bytes.length >= MIN_DELTA_SIZE) {
        delta = createDelta(previous.bytes, object.bytes, object.bytes.length / 2);
        // A wrong delta would lose this version: prove it rebuilds the object before writing it.
        if (delta !== null && Buffer.compare(applyDelta(previous.bytes, delta), object.bytes) !== 0) {
          throw new Error(`nbv internal error: delta for ${oid} does not rebuild it`);
        }
      }
      const parts = delta
        ? [entryHeader(PACK_TYPE.ofsDelta, delta.length), ofsDeltaDistance(start - previous!.offset), deflateSync(delta)]
        : [entryHeader(PACK_TYPE[object.type], object.bytes.length), deflateSync(object.bytes)];
      let crc = 0;
      for (const part of parts) {
        crc = crc32(part, crc);
        await write(part);
      }
      entries.push({ oid, offset: start, crc });
      if (delta) deltas += 1;
      previous = group === null ? null : { group, bytes: object.bytes, offset: start, depth: delta ? previous!.depth + 1 : 0 };
    }
    const checksum = hash.digest();
    await handle.write(checksum);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }); // a half-written pack is nobody's: the objects are where they were
    throw err;
  }
  await handle.close();
  const checksum = Buffer.from(await readTail(temp));
  const name = `pack-${checksum.toString('hex')}`;
  const packFile = path.join(packDir(gitdir), `${name}.pack`);
  const index = buildIndex(entries, checksum);
  const indexBytes = Buffer.concat([index, createHash('sha1').update(index).digest()]);
  const indexTemp = `${temp}.idx`;
  await fsp.writeFile(indexTemp, indexBytes, { flag: 'wx' });
  const indexHandle = await fsp.open(indexTemp, 'r+');
  await indexHandle.sync();
  await indexHandle.close();
  await fsp.rename(temp, packFile);
  await fsp.rename(indexTemp, path.join(packDir(gitdir), `${name}.idx`));
  await fsyncDir(packDir(gitdir));

  // Durable: now the copies it replaces may go. Old packs lose their .idx first, so no reader
  // ever finds an index without its pack.
  const packed = new Set(entries.map((e) => e.oid));
  let looseRemoved = 0;
  for (const [oid, file] of loose) {
    if (!packed.has(oid)) continue;
    await fsp.rm(file, { force: true });
    looseRemoved += 1;
  }
  for (const fan of new Set([...loose.keys()].map((oid) => oid.slice(0, 2)))) {
    await fsp.rmdir(path.join(objectsDir(gitdir), fan)).catch(() => undefined); // only when empty
  }
  let packsRemoved = 0;
  for (const old of packs) {
    if (path.basename(old.base) === name || !old.oids.every((oid) => packed.has(oid))) continue;
    for (const ext of ['.idx', '.pack', '.rev', '.bitmap', '.mtimes']) await fsp.rm(`${old.base}${ext}`, { force: true });
    packsRemoved += 1;
  }
  return { pack: packFile, objects: entries.length, deltas, looseRemoved, packsRemoved, packBytes: offset + 20 };
}

/** The last 20 bytes of a file as written to disk (the pack's checksum, read back). */
async function readTail(file: string): Promise<Uint8Array> {
  const handle = await fsp.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(20);
    await handle.read(tail, 0, 20, size - 20);
    return tail;
  } finally {
    await handle.close();
  }
}
