// A project is a folder with a `.nbv/` store beside the user's .nbflow files. This handle is what
// every engine operation takes: where things are, the store, the project's document settings.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { Store } from '../store/index.js';
import { DEFAULT_CONFIG, parseConfig } from '../nbflow/index.js';
import type { NbflowConfig } from '../nbflow/index.js';
import { resolveAuthor, type Author } from './author.js';
import { now, type Moment } from './clock.js';
import { containedPath, joinChecked } from './projectPaths.js';

export const STORE_DIR = '.nbv';
export const CONFIG_META = 'nbv-config.json';

/** What an operation needs to know about its caller: who, when, and how long to wait for the lock. */
export interface OperationContext {
  author?: string;
  env?: NodeJS.ProcessEnv;
  lockWaitMs?: number;
  /** The command line's arguments (no environment), recorded in op.json's intent. */
  argv?: string[];
}

export interface Project {
  /** Absolute path of the folder that holds `.nbv/`. */
  root: string;
  gitdir: string;
  store: Store;
  config: NbflowConfig;
  context: OperationContext;
}

export async function initProject(dir: string, context: OperationContext = {}): Promise<Project> {
  const root = path.resolve(dir);
  const gitdir = path.join(root, STORE_DIR);
  const store = await Store.init(gitdir);
  const configBytes = new TextEncoder().encode(JSON.stringify(DEFAULT_CONFIG, null, 2) + '\n');
  await store.writeMeta(CONFIG_META, configBytes);
  return { root, gitdir, store, config: DEFAULT_CONFIG, context };
}

/** Finds the project that holds `start` (the folder itself or one of its parents). */
export async function findProjectRoot(start: string): Promise<string> {
  let dir = path.resolve(start);
  for (;;) {
    try {
      const stat = await fs.stat(path.join(dir, STORE_DIR));
      if (stat.isDirectory()) return dir;
    } catch {
      // not here; look one level up
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new NbvError('NOT_A_PROJECT', `no nbv project here (${path.resolve(start)}); run 'nbv init' first`);
    }
    dir = parent;
  }
}

export async function openProject(start: string, context: OperationContext = {}): Promise<Project> {
  const root = await findProjectRoot(start);
  const gitdir = path.join(root, STORE_DIR);
  const store = await Store.open(gitdir);
  const raw = await store.readMeta(CONFIG_META);
  let config = DEFAULT_CONFIG;
  if (raw !== null) {
    const where = path.join(gitdir, CONFIG_META);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch (err) {
      throw new NbvError('BAD_CONFIG', `not valid JSON: ${(err as Error).message}`, { file: where });
    }
    config = parseConfig(value, where);
  }
  return { root, gitdir, store, config, context };
}

export function operationAuthor(project: Project): Author {
  return resolveAuthor(project.context.author, project.context.env);
}

export function operationTime(project: Project): Moment {
  return now(project.context.env);
}

/** Absolute path of a project-relative, `/`-separated path, checked as written only (no `..`,
 * nothing absolute): CORRUPT_STORE naming `origin` otherwise. Reads and writes use projectFile. */
export function absolutePath(project: Project, relative: string, origin = 'a recorded path'): string {
  return joinChecked(project.root, relative, origin);
}

/** Absolute path of a project-relative path that came from the store, the journal, an op record,
 * a config or a remote: refused unless it stays inside the project, symlinks included
 * (projectPaths.ts). Every read or write of such a path goes through here. */
export async function projectFile(project: Project, relative: string, origin = 'a recorded path'): Promise<string> {
  return containedPath(project.root, relative, origin);
}

/** Turns a user-given path into a project-relative `/` path, refusing anything outside the project
 * (including through a symlink) so that no command ever reads or writes outside it. */
export async function projectRelativePath(project: Project, userPath: string): Promise<string> {
  if (userPath.includes('\0')) throw new NbvError('BAD_PATH', `path contains a NUL byte`, { file: userPath });
  const absolute = path.resolve(userPath);
  let real = absolute;
  try {
    real = await fs.realpath(absolute);
  } catch {
    // a file that does not exist yet: judge it by its parent folder
    try {
      real = path.join(await fs.realpath(path.dirname(absolute)), path.basename(absolute));
    } catch {
      real = absolute;
    }
  }
  const realRoot = await fs.realpath(project.root);
  const relative = path.relative(realRoot, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new NbvError('BAD_PATH', `is outside the project folder ${project.root}`, { file: userPath });
  }
  const parts = relative.split(path.sep);
  if (parts[0] === STORE_DIR) throw new NbvError('BAD_PATH', `is inside the store (${STORE_DIR}/)`, { file: userPath });
  return parts.join('/');
}
