// Names in the backups/ view. The seed's users name backups by hand; nbv names them the same way
// so that people and their tools find them where they always looked.
import { preChangeBackupName } from '../nbflow/index.js';

export const BACKUPS_DIR = 'backups';

/** `pre-<what>` for each operation that replaces the working file's bytes. */
export const PRE_CHANGE_LABEL = {
  wipe: 'cache-wipe',
  restore: 'restore',
  undo: 'undo',
} as const;

function joinDir(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir}/${name}`;
}

function dirOf(relativeFile: string): string {
  const i = relativeFile.lastIndexOf('/');
  return i < 0 ? '' : relativeFile.slice(0, i);
}

function baseOf(relativeFile: string): string {
  const i = relativeFile.lastIndexOf('/');
  return i < 0 ? relativeFile : relativeFile.slice(i + 1);
}

/** The backups/ folder beside a working file (project-relative). */
export function backupsDirFor(relativeFile: string): string {
  return joinDir(dirOf(relativeFile), BACKUPS_DIR);
}

/** `backups/XYZG3-V0-3.nbflow`: a version that a bump superseded. */
export function supersededPath(relativeFile: string): string {
  return joinDir(backupsDirFor(relativeFile), baseOf(relativeFile));
}

/** `backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe`: the state before a destructive step. */
export function preChangePath(relativeFile: string, date: string, what: string): string {
  return joinDir(backupsDirFor(relativeFile), preChangeBackupName(baseOf(relativeFile), date, what));
}

/** The n-th alternative (n >= 2) for a name already holding other bytes: `X (2).nbflow` for
 * .nbflow names, `X-2` for .bak names, so neither ever overwrites the other. */
export function alternativePath(path: string, n: number): string {
  return path.endsWith('.nbflow') ? `${path.slice(0, -'.nbflow'.length)} (${n}).nbflow` : `${path}-${n}`;
}
