// Refs, read the way git reads them (a loose file `<gitdir>/<ref>` shadows an entry of
// `packed-refs`) and written only by compare-and-swap with an atomic file replace. isomorphic-git's
// writeRef rewrites the file in place and checks nothing, so the store never uses it.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../errors.js';
import { hasErrnoCode, mkdirDurable, writeFileAtomic } from './atomicFile.js';
import { assertFullOid, assertValidRefName, isFullOid, refNameProblem } from './refNames.js';
import type { RefEntry } from './types.js';
import { assertFoldersInside } from './storeLayout.js';

const MAX_SYMREF_DEPTH = 5;

function refPath(gitdir: string, ref: string): string {
  return path.join(gitdir, ...ref.split('/'));
}

function ioError(message: string, file: string, cause: unknown): NbvError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NbvError('IO', `${message}: ${reason}`, { file, cause });
}

function corrupt(message: string, file: string): NbvError {
  return new NbvError('CORRUPT_STORE', message, { file });
}

/** The raw loose value of `ref`: an oid, `ref: <target>`, or null when there is no loose file. */
async function readLoose(gitdir: string, ref: string): Promise<string | null> {
  const file = refPath(gitdir, ref);
  try {
    return (await fsp.readFile(file, 'utf8')).trim();
  } catch (err) {
    // EISDIR: `ref` is a namespace of other refs; ENOTDIR: a shorter ref is a file. Neither is this ref.
    if (hasErrnoCode(err, 'ENOENT', 'EISDIR', 'ENOTDIR')) return null;
    throw ioError(`cannot read ref ${ref}`, file, err);
  }
}

/** Every entry of `<gitdir>/packed-refs` (ref -> oid); peeled `^` lines are skipped. */
export async function readPackedRefs(gitdir: string): Promise<Map<string, string>> {
  const file = path.join(gitdir, 'packed-refs');
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return new Map();
    throw ioError('cannot read packed-refs', file, err);
  }
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    const oid = line.slice(0, space);
    const ref = line.slice(space + 1).trimEnd();
    if (space < 0 || !isFullOid(oid) || ref === '') throw corrupt(`malformed packed-refs line: ${JSON.stringify(line)}`, file);
    // A name git would refuse could lead a ref file out of refs/: the store is not one nbv wrote.
    if (refNameProblem(ref) !== null) throw corrupt(`packed-refs names an invalid ref ${JSON.stringify(ref)} (${refNameProblem(ref)})`, file);
    refs.set(ref, oid);
  }
  return refs;
}

/**
 * The oid `ref` points at, following symbolic refs (`HEAD` -> `refs/heads/main`), or null when the
 * ref does not exist. `ref` is a full name (`refs/...`) or `HEAD`.
 */
export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  let name = ref;
  for (let depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
    if (name !== 'HEAD') assertValidRefName(name);
    const loose = await readLoose(gitdir, name);
    if (loose === null) return (await readPackedRefs(gitdir)).get(name) ?? null;
    if (isFullOid(loose)) return loose;
    if (!loose.startsWith('ref: ')) throw corrupt(`ref ${name} holds ${JSON.stringify(loose.slice(0, 60))}, not an object id`, refPath(gitdir, name));
    name = loose.slice('ref: '.length).trim();
  }
  throw corrupt(`ref ${ref}: symbolic refs nested deeper than ${MAX_SYMREF_DEPTH}`, refPath(gitdir, ref));
}

async function listLooseRefNames(gitdir: string, dirRef: string): Promise<string[]> {
  const dir = refPath(gitdir, dirRef);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return [];
    throw ioError('cannot list refs', dir, err);
  }
  const names: string[] = [];
  for (const entry of entries) {
    // Hidden names are our temp files; `.lock` files are real git's in-flight updates.
    if (entry.name.startsWith('.') || entry.name.endsWith('.lock')) continue;
    const child = `${dirRef}/${entry.name}`;
    if (entry.isDirectory()) names.push(...(await listLooseRefNames(gitdir, child)));
    else if (entry.isFile()) names.push(child);
  }
  return names;
}

/** All refs whose full name starts with `prefix` (e.g. `refs/heads/`), sorted by name. */
export async function listRefs(gitdir: string, prefix: string): Promise<RefEntry[]> {
  const found = new Map<string, string>();
  for (const [ref, oid] of await readPackedRefs(gitdir)) {
    if (ref.startsWith(prefix)) found.set(ref, oid);
  }
  for (const ref of await listLooseRefNames(gitdir, 'refs')) {
    if (!ref.startsWith(prefix)) continue;
    const oid = await readRef(gitdir, ref).catch((err: unknown) => {
      // A loose file with an invalid name is not a ref git would see either: skip it.
      if (err instanceof NbvError && err.code === 'BAD_USAGE') return null;
      throw err;
    });
    if (oid !== null) found.set(ref, oid);
  }
  return [...found.entries()]
    .map(([ref, oid]) => ({ ref, oid }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

function refConflict(ref: string, expected: string | null, actual: string | null, why?: string): NbvError {
  const show = (oid: string | null) => (oid === null ? 'nothing' : oid);
  const message =
    why ?? `ref ${ref} moved: expected ${show(expected)}, found ${show(actual)}; another nbv may have written it`;
  return new NbvError('REF_CONFLICT', message, { details: { ref, expected, actual } });
}

/** Throw REF_CONFLICT unless `ref` holds `expected` (null: does not exist); returns its value. */
export async function assertRefAt(gitdir: string, ref: string, expected: string | null): Promise<string | null> {
  const actual = await readRef(gitdir, ref);
  if (actual !== expected) throw refConflict(ref, expected, actual);
  return actual;
}

/**
 * Compare-and-swap `ref` from `expectedOld` (null: must not exist) to `newOid`. The CALLER MUST
 * HOLD THE PROJECT LOCK: the read and the write are two steps, made atomic only by the lock.
 * Tags (`refs/tags/...`) are write-once: `expectedOld` must be null.
 * Throws REF_CONFLICT when the ref holds something else or clashes with a ref namespace.
 */
export async function updateRef(gitdir: string, ref: string, newOid: string, expectedOld: string | null): Promise<void> {
  assertValidRefName(ref);
  assertFullOid(newOid);
  if (expectedOld !== null) assertFullOid(expectedOld, 'expected object id');
  if (ref.startsWith('refs/tags/') && expectedOld !== null) {
    throw new NbvError('BAD_USAGE', `tag ${ref} cannot be moved; tags are written once`, { details: { ref } });
  }
  const actual = await assertRefAt(gitdir, ref, expectedOld);

  // A ref cannot be both a file and a directory (refs/heads/a vs refs/heads/a/b); git agrees.
  for (const packed of (await readPackedRefs(gitdir)).keys()) {
    if (packed.startsWith(`${ref}/`) || ref.startsWith(`${packed}/`)) {
      throw refConflict(ref, expectedOld, actual, `ref ${ref} clashes with the existing ref ${packed}`);
    }
  }
  const file = refPath(gitdir, ref);
  // A folder of refs/ that is a symlink out of the store is refused, not written through.
  await assertFoldersInside(gitdir, [path.relative(gitdir, path.dirname(file)).split(path.sep).join('/')]);
  try {
    await mkdirDurable(path.dirname(file));
    await writeFileAtomic(file, `${newOid}\n`);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY')) {
      throw refConflict(ref, expectedOld, actual, `ref ${ref} clashes with an existing ref namespace (a file or folder under refs/ is in the way)`);
    }
    throw ioError(`cannot write ref ${ref}`, file, err);
  }
}

/**
 * Compare-and-swap delete: `ref` must hold `expectedOld`. The caller holds the project lock. Used
 * for refs nbv owns outright (remote-tracking refs, an unpushed version tag being renumbered).
 */
export async function deleteRef(gitdir: string, ref: string, expectedOld: string): Promise<void> {
  assertValidRefName(ref);
  assertFullOid(expectedOld, 'expected object id');
  await assertRefAt(gitdir, ref, expectedOld);
  const packed = await readPackedRefs(gitdir);
  if (packed.has(ref)) {
    const file = path.join(gitdir, 'packed-refs');
    const text = await fsp.readFile(file, 'utf8');
    const lines = text.split('\n');
    const kept: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) {
        if (lines[i + 1]?.startsWith('^')) i++; // its peeled line goes with it
        continue;
      }
      kept.push(line);
    }
    await writeFileAtomic(file, kept.join('\n'));
  }
  const file = refPath(gitdir, ref);
  try {
    await fsp.unlink(file);
  } catch (err) {
    if (!hasErrnoCode(err, 'ENOENT')) throw ioError(`cannot delete ref ${ref}`, file, err);
  }
}
