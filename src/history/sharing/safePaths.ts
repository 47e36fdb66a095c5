// Everything a remote sends is hostile until checked: a workflow name from a ref, a file name in
// an op record, a backups/ view path. Each becomes a path in the project only through here.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../../errors.js';
import { STORE_DIR, type Project } from '../project.js';

/** Why `relative` cannot be a project file written from history, or null when it can. */
export function unsafePathProblem(relative: string): string | null {
  if (relative === '' || relative.length > 1024) return 'is empty or too long';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\\]/.test(relative)) return 'holds a control character or a backslash';
  if (relative.startsWith('/') || /^[A-Za-z]:/.test(relative)) return 'is absolute';
  const parts = relative.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return "has an empty, '.' or '..' component";
  if (parts[0]!.toLowerCase() === STORE_DIR) return `is inside the store (${STORE_DIR}/)`;
  if (parts.some((p) => p.toLowerCase() === '.git')) return 'is inside a .git folder';
  return null;
}

export function assertSafeRecordedPath(relative: string, where: string): void {
  const problem = unsafePathProblem(relative);
  if (problem !== null) {
    throw new NbvError('CORRUPT_STORE', `${where}: the path ${JSON.stringify(relative.slice(0, 200))} ${problem}; refused`, { details: { path: relative } });
  }
}

/** A workflow name taken from a remote's ref: what `track` could have made. */
export function assertSafeWorkflowName(name: string, where: string): void {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > 200 || /[\x00-\x1f/\\]/.test(name) || name === '.' || name === '..') {
    throw new NbvError('CORRUPT_STORE', `${where}: ${JSON.stringify(name.slice(0, 100))} is not a workflow name; refused`);
  }
}

/** BAD_PATH when writing `relative` would go outside the project through a symlinked folder. */
export async function assertWritableInside(project: Project, relative: string): Promise<void> {
  assertSafeRecordedPath(relative, 'history');
  const root = await fs.realpath(project.root);
  let dir = path.dirname(path.join(project.root, ...relative.split('/')));
  // The deepest folder that exists decides where the write lands.
  for (;;) {
    try {
      const real = await fs.realpath(dir);
      const rel = path.relative(root, real);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new NbvError('BAD_PATH', `writing it would leave the project folder (a symlinked folder is in the way)`, { file: relative });
      }
      return;
    } catch (err) {
      if (err instanceof NbvError) throw err;
      const parent = path.dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }
}
