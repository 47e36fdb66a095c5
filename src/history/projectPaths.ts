// The containment invariant (docs/reliability.md): a path that comes from the store, the journal,
// an op record, the view cache, a config or a remote is project-relative and `/`-separated, and it
// is turned into an absolute path only here, only when it stays inside the project folder both as
// written (no `..`, no absolute path, no backslash, no NUL, not into `.nbv/`) and on disk (the
// real path of its deepest existing ancestor, or of the file itself, is inside the project's real
// path: no symlink leads out). A path that fails the first test is corruption of where it came
// from; one that fails the second is a project folder whose symlinks lead out, refused before
// anything is read or written.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';

/** The store folder's name (project.ts re-exports it). */
const STORE_DIR_NAME = '.nbv';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** Why `relative` is not a clean project-relative path, or null when it is. Pure: no disk. */
export function relativePathProblem(relative: string): string | null {
  if (relative === '') return 'is empty';
  if (relative.includes('\0')) return 'contains a NUL byte';
  if (CONTROL.test(relative)) return 'contains a control character';
  if (relative.includes('\\')) return 'contains a backslash';
  if (relative.startsWith('/') || /^[A-Za-z]:/.test(relative)) return 'is absolute';
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') return 'has an empty or "." component';
    if (part === '..') return "climbs out with '..'";
  }
  if (relative.split('/')[0]!.toLowerCase() === STORE_DIR_NAME) return `points into the store (${STORE_DIR_NAME}/)`;
  return null;
}

/** Throws CORRUPT_STORE naming `origin` unless `relative` is a clean project-relative path. */
export function assertRelativePath(relative: string, origin: string): void {
  const problem = relativePathProblem(relative);
  if (problem !== null) {
    throw new NbvError('CORRUPT_STORE', `${origin} names the path ${JSON.stringify(relative)}, which ${problem}: it would lead outside the project, so it is never followed`, {
      exitStatus: 1,
      details: { path: relative, origin },
    });
  }
}

/** Lexical only: the absolute path of a checked relative path. Prefer containedPath. */
export function joinChecked(root: string, relative: string, origin: string): string {
  assertRelativePath(relative, origin);
  return path.join(root, ...relative.split('/'));
}

const realRoots = new Map<string, string>();

async function realRoot(root: string): Promise<string> {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = await fs.realpath(root);
    realRoots.set(root, real);
  }
  return real;
}

function inside(realRootPath: string, candidate: string): boolean {
  const rel = path.relative(realRootPath, candidate);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
}

/** The real path of `absolute`'s deepest existing ancestor (or of itself when it exists), with
 * the missing components appended. */
async function realOfDeepestExisting(absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return missing.length === 0 ? real : path.join(real, ...missing.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * The absolute path of `relative` inside the project at `root`, refusing (see the file comment)
 * a path that leaves it. `origin` says where the path came from, for the error ("journal",
 * "op record of commit 1234abcd", ...).
 */
export async function containedPath(root: string, relative: string, origin: string): Promise<string> {
  const absolute = joinChecked(root, relative, origin);
  const rootReal = await realRoot(root);
  const real = await realOfDeepestExisting(absolute);
  if (!inside(rootReal, real)) {
    throw new NbvError('BAD_PATH', `leads outside the project through a symlink (to ${real}); nbv never reads or writes there`, {
      file: relative,
      details: { path: relative, origin, real },
    });
  }
  const rel = path.relative(rootReal, real).split(path.sep);
  if (rel[0]!.toLowerCase() === STORE_DIR_NAME) {
    throw new NbvError('BAD_PATH', `leads into the store (${STORE_DIR_NAME}/) through a symlink; nbv never writes there`, { file: relative });
  }
  return absolute;
}
