// The on-disk shape of a store: a bare git repository that the real git accepts, plus nbv's own
// small metadata files beside git's. Creating one is crash-aware: HEAD is written last, so a
// directory without HEAD is an unfinished init that a new init may complete.

import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../errors.js';
import { hasErrnoCode, mkdirDurable, removeFileDurable, writeFileAtomic } from './atomicFile.js';
import { guarded } from './storeErrors.js';

export const DEFAULT_BRANCH = 'main';

// Written by us rather than kept from isomorphic-git's init, which says `ignorecase = true` and
// `filemode = false` whatever the platform. `bare = true` is what makes git treat .nbv as a gitdir.
const CONFIG_TEXT = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

const STORE_DIRS = ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info'];

async function statOrNull(p: string) {
  try {
    return await fsp.stat(p);
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
}

/** Create an empty store at `gitdir`; ALREADY_EXISTS when one (or any non-folder) is there. */
export async function createStoreLayout(gitdir: string): Promise<void> {
  await guarded('cannot create the store', gitdir, async () => {
    const dir = await statOrNull(gitdir);
    if (dir !== null && !dir.isDirectory()) {
      throw new NbvError('ALREADY_EXISTS', `${gitdir} exists and is not a folder`, { file: gitdir });
    }
    if ((await statOrNull(path.join(gitdir, 'HEAD'))) !== null) {
      throw new NbvError('ALREADY_EXISTS', `a store already exists at ${gitdir}`, { file: gitdir });
    }
    for (const sub of STORE_DIRS) await mkdirDurable(path.join(gitdir, ...sub.split('/')));
    await writeFileAtomic(path.join(gitdir, 'config'), CONFIG_TEXT);
    await writeFileAtomic(path.join(gitdir, 'HEAD'), `ref: refs/heads/${DEFAULT_BRANCH}\n`);
  });
}

/** NOT_A_PROJECT unless `gitdir` holds a git directory (HEAD, objects/, refs/). */
export async function assertStoreLayout(gitdir: string): Promise<void> {
  await guarded('cannot open the store', gitdir, async () => {
    const [head, objects, refs] = await Promise.all(
      ['HEAD', 'objects', 'refs'].map((name) => statOrNull(path.join(gitdir, name))),
    );
    if (!head?.isFile() || !objects?.isDirectory() || !refs?.isDirectory()) {
      throw new NbvError('NOT_A_PROJECT', `no nbv store at ${gitdir} ('nbv init' creates one)`, { file: gitdir });
    }
    await assertFoldersInside(gitdir);
  });
}

/** The folders nbv writes into must be the store's own: a `refs/` or `objects/pack/` that is a
 * symlink out of it would send every ref or pack elsewhere (a hostile .nbv/, docs/reliability.md). */
const WRITTEN_DIRS = ['objects', 'objects/pack', 'objects/info', 'refs', 'refs/heads', 'refs/tags'];

export async function assertFoldersInside(gitdir: string, dirs: string[] = WRITTEN_DIRS): Promise<void> {
  const root = await fsp.realpath(gitdir);
  for (const dir of dirs) {
    const absolute = path.join(gitdir, ...dir.split('/'));
    let real: string;
    try {
      real = await fsp.realpath(absolute);
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT', 'ENOTDIR')) continue;
      throw err;
    }
    const rel = path.relative(root, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new NbvError('CORRUPT_STORE', `${dir} leads outside the store (to ${real}); nbv never writes there`, { file: absolute, exitStatus: 1 });
    }
  }
}

// Names git (or the lock) owns in a gitdir; metadata must never overwrite them.
const RESERVED_META = new Set([
  'head', 'config', 'description', 'index', 'packed-refs', 'shallow', 'objects', 'refs', 'info',
  'hooks', 'logs', 'branches', 'worktrees', 'modules', 'commondir', 'gitdir', 'lfs', 'rr-cache',
]);

/** Throw BAD_FILE_NAME unless `name` is a safe metadata file name directly under the gitdir. */
export function assertMetaName(name: string): void {
  const lower = name.toLowerCase();
  let problem: string | null = null;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) problem = 'must be letters, digits, . _ - (no / and not starting with .)';
  else if (name.includes('..')) problem = "contains '..'";
  else if (name.length > 100) problem = 'is longer than 100 characters';
  else if (RESERVED_META.has(lower) || lower.endsWith('_head')) problem = 'is reserved by git';
  else if (lower.endsWith('.lock') || lower.startsWith('nbv.lock')) problem = 'is reserved for locks';
  if (problem !== null) {
    throw new NbvError('BAD_FILE_NAME', `metadata name ${JSON.stringify(name)} ${problem}`, { details: { name } });
  }
}

/** The bytes of metadata file `name`, or null when it does not exist. */
export async function readMetaFile(gitdir: string, name: string): Promise<Uint8Array | null> {
  assertMetaName(name);
  const file = path.join(gitdir, name);
  return guarded(`cannot read ${name}`, file, async () => {
    try {
      return new Uint8Array(await fsp.readFile(file));
    } catch (err) {
      if (hasErrnoCode(err, 'ENOENT')) return null;
      throw err;
    }
  });
}

/** Replace metadata file `name` atomically and durably. */
export async function writeMetaFile(gitdir: string, name: string, bytes: Uint8Array): Promise<void> {
  assertMetaName(name);
  const file = path.join(gitdir, name);
  await guarded(`cannot write ${name}`, file, () => writeFileAtomic(file, bytes));
}

/** Remove metadata file `name`; a missing one is fine. */
export async function deleteMetaFile(gitdir: string, name: string): Promise<void> {
  assertMetaName(name);
  const file = path.join(gitdir, name);
  await guarded(`cannot delete ${name}`, file, () => removeFileDurable(file));
}
