// Files git keeps in objects/ beside the packs, which name packs: `objects/info/packs` (for dumb
// transports) and the multi-pack-index (`objects/pack/multi-pack-index`, its .bitmap/.rev, and the
// incremental chain in `multi-pack-index.d/`). nbv writes none of them, but the user's git may; a
// pack nbv removes must not stay named in them, or `git fsck` fails on a store nbv calls healthy.
// Both are caches git rebuilds on demand: one naming a missing pack is rewritten or removed.
// The commit-graph names commits, not packs, and nbv never drops a commit: it stays valid.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { hasErrnoCode, removeFileDurable, writeFileAtomic } from './atomicFile.js';

const MIDX = 'multi-pack-index';
const MIDX_DIR = 'multi-pack-index.d';

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR', 'EISDIR')) return null;
    throw err;
  }
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return [];
    throw err;
  }
}

/** The pack names (`pack-<sha>`, no extension) a multi-pack-index lists, or null when it is not
 * one git could read (format: git's Documentation/gitformat-pack, "multi-pack-index"). */
export function midxPackNames(bytes: Uint8Array): string[] | null {
  const buf = Buffer.from(bytes);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'MIDX') return null;
  const chunks = buf[6]!;
  const table = 12;
  if (buf.length < table + (chunks + 1) * 12) return null;
  for (let i = 0; i < chunks; i++) {
    const at = table + i * 12;
    if (buf.toString('latin1', at, at + 4) !== 'PNAM') continue;
    const start = Number(buf.readBigUInt64BE(at + 4));
    const end = Number(buf.readBigUInt64BE(at + 16));
    if (start > end || end > buf.length) return null;
    return buf
      .toString('utf8', start, end)
      .split('\0')
      .filter((n) => n !== '')
      .map((n) => n.replace(/\.(idx|pack)$/, ''));
  }
  return null;
}

async function presentPacks(gitdir: string): Promise<Set<string>> {
  const names = await namesIn(path.join(gitdir, 'objects', 'pack'));
  return new Set(names.filter((n) => n.endsWith('.pack') && names.includes(`${n.slice(0, -5)}.idx`)).map((n) => n.slice(0, -5)));
}

interface MidxFile {
  file: string;
  missing: string[] | null; // null: unreadable
}

async function midxFiles(gitdir: string, present: Set<string>): Promise<MidxFile[]> {
  const packDir = path.join(gitdir, 'objects', 'pack');
  const files = [path.join(packDir, MIDX), ...(await namesIn(path.join(packDir, MIDX_DIR))).filter((n) => n.endsWith('.midx')).map((n) => path.join(packDir, MIDX_DIR, n))];
  const found: MidxFile[] = [];
  for (const file of files) {
    const bytes = await readOrNull(file);
    if (bytes === null) continue;
    const names = midxPackNames(bytes);
    found.push({ file, missing: names === null ? null : names.filter((n) => !present.has(n)) });
  }
  return found;
}

/** Lines of `objects/info/packs` naming a pack that is not there. */
async function infoPacksMissing(gitdir: string, present: Set<string>): Promise<string[] | null> {
  const bytes = await readOrNull(path.join(gitdir, 'objects', 'info', 'packs'));
  if (bytes === null) return null;
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('P '))
    .map((l) => l.slice(2).trim().replace(/\.pack$/, ''))
    .filter((n) => !present.has(n));
}

/** What git would trip over in these files: one line each (verify reports them). */
export async function gitAuxProblems(gitdir: string): Promise<string[]> {
  const present = await presentPacks(gitdir);
  const problems: string[] = [];
  for (const midx of await midxFiles(gitdir, present)) {
    const name = path.relative(gitdir, midx.file);
    if (midx.missing === null) problems.push(`${name} is not a multi-pack-index git can read`);
    else if (midx.missing.length > 0) problems.push(`${name} names ${midx.missing.length} pack(s) that are gone (${midx.missing[0]}); git fsck fails on it`);
  }
  const info = await infoPacksMissing(gitdir, present);
  if (info !== null && info.length > 0) problems.push(`objects/info/packs names ${info.length} pack(s) that are gone (${info[0]})`);
  return problems;
}

/** Brings the files git keeps beside the packs in line with the packs there are: a
 * multi-pack-index naming a missing pack is removed (with its bitmap and reverse index; git
 * rebuilds it on `git multi-pack-index write`), `objects/info/packs` is rewritten. */
export async function dropStaleGitAux(gitdir: string): Promise<string[]> {
  const packDir = path.join(gitdir, 'objects', 'pack');
  const present = await presentPacks(gitdir);
  const removed: string[] = [];
  const stale = (await midxFiles(gitdir, present)).filter((m) => m.missing === null || m.missing.length > 0);
  if (stale.some((m) => path.basename(m.file) === MIDX)) {
    for (const name of await namesIn(packDir)) {
      if (name === MIDX || (name.startsWith(`${MIDX}-`) && /\.(bitmap|rev)$/.test(name))) {
        await removeFileDurable(path.join(packDir, name));
        removed.push(`objects/pack/${name}`);
      }
    }
  }
  if (stale.some((m) => path.dirname(m.file).endsWith(MIDX_DIR))) {
    // The chain's layers depend on each other: one stale layer makes the whole chain unusable.
    await fsp.rm(path.join(packDir, MIDX_DIR), { recursive: true, force: true });
    removed.push(`objects/pack/${MIDX_DIR}/`);
  }
  const info = await infoPacksMissing(gitdir, present);
  if (info !== null && info.length > 0) {
    const lines = [...present].sort().map((n) => `P ${n}.pack\n`);
    await writeFileAtomic(path.join(gitdir, 'objects', 'info', 'packs'), `${lines.join('')}\n`);
    removed.push('objects/info/packs (rewritten)');
  }
  return removed;
}
