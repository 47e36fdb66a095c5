// The object files of a store as they lie on disk: loose objects, packs and their indexes, and
// what they weigh. pack.ts decides from these what to pack and what it may remove.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../errors.js';
import { hasErrnoCode } from './atomicFile.js';
import { readIndexOids } from './packFormat.js';

export interface StoreObjectStats {
  looseObjects: number;
  looseBytes: number;
  packs: number;
  packBytes: number;
  /** The smallest pack's bytes (0 without packs): about one whole copy of each file plus deltas. */
  smallestPackBytes: number;
}

export const objectsDir = (gitdir: string) => path.join(gitdir, 'objects');
export const packDir = (gitdir: string) => path.join(gitdir, 'objects', 'pack');

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return [];
    throw err;
  }
}

/** Loose objects: oid -> file. */
export async function listLoose(gitdir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const fan of await readdirOrEmpty(objectsDir(gitdir))) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue;
    for (const rest of await readdirOrEmpty(path.join(objectsDir(gitdir), fan))) {
      if (/^[0-9a-f]{38}$/.test(rest)) found.set(fan + rest, path.join(objectsDir(gitdir), fan, rest));
    }
  }
  return found;
}

export interface PackFiles {
  base: string; // path without extension
  keep: boolean;
  oids: string[];
}

async function listPacks(gitdir: string): Promise<PackFiles[]> {
  const names = await readdirOrEmpty(packDir(gitdir));
  const packs: PackFiles[] = [];
  for (const name of names.filter((n) => /^pack-[0-9a-f]{40,64}\.idx$/.test(n))) {
    const stem = name.slice(0, -4);
    if (!names.includes(`${stem}.pack`)) continue;
    const oids = readIndexOids(await fsp.readFile(path.join(packDir(gitdir), name)));
    if (oids === null) throw new NbvError('CORRUPT_STORE', `${name} is not a pack index git can read`, { file: packDir(gitdir) });
    packs.push({ base: path.join(packDir(gitdir), stem), keep: names.includes(`${stem}.keep`), oids });
  }
  return packs;
}

export async function packsToMerge(gitdir: string, merge: 'all' | 'none' | 'small'): Promise<PackFiles[]> {
  if (merge === 'none') return [];
  const packs = (await listPacks(gitdir)).filter((p) => !p.keep);
  if (merge === 'all' || packs.length < 2) return packs;
  const sized = await Promise.all(packs.map(async (p) => ({ p, size: (await fsp.stat(`${p.base}.pack`)).size })));
  sized.sort((a, b) => b.size - a.size);
  const rest = sized.slice(1).reduce((sum, x) => sum + x.size, 0);
  return sized[0]!.size >= 2 * rest ? sized.slice(1).map((x) => x.p) : packs;
}

/** What the store's objects take on disk: the figures auto-gc decides on. */
export async function storeObjectStats(gitdir: string): Promise<StoreObjectStats> {
  const loose = await listLoose(gitdir);
  let looseBytes = 0;
  for (const file of loose.values()) looseBytes += (await fsp.stat(file)).size;
  let packs = 0;
  let packBytes = 0;
  let smallestPackBytes = 0;
  for (const name of await readdirOrEmpty(packDir(gitdir))) {
    if (!name.endsWith('.pack')) continue;
    const size = (await fsp.stat(path.join(packDir(gitdir), name))).size;
    packs += 1;
    packBytes += size;
    smallestPackBytes = packs === 1 ? size : Math.min(smallestPackBytes, size);
  }
  return { looseObjects: loose.size, looseBytes, packs, packBytes, smallestPackBytes };
}
