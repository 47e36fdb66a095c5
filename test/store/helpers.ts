// Shared test helpers: temp projects, the real git CLI as an independent checker, child processes.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NbvError, type NbvErrorCode } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import type { Signature } from '../../src/store/types.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A fresh temp folder; `cleanup` removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nbv-store-'));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Run the real git against `gitdir`; returns stdout bytes, throws on a non-zero exit. */
export function git(gitdir: string, args: string[], input?: Uint8Array): Buffer {
  return execFileSync('git', ['--git-dir', gitdir, ...args], {
    input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' },
  });
}

/** `git fsck --strict` must pass (stderr notices such as an unborn HEAD are fine). */
export function fsckStrict(gitdir: string): void {
  git(gitdir, ['fsck', '--strict', '--no-dangling']);
}

export interface CommitFilesInput {
  /** Full ref name, e.g. `refs/heads/XYZG3`. */
  ref: string;
  /** Compare-and-swap: the oid the ref must hold now, or null when it must not exist yet. */
  expectedOld: string | null;
  parents: string[];
  /** A flat tree: file name -> exact bytes. Names have no `/`. */
  files: Record<string, Uint8Array>;
  message: string;
  author: Signature;
  /** Defaults to the author. */
  committer?: Signature;
}

/** A commit of `files` as a flat tree on `ref`, moved from `expectedOld` (REF_CONFLICT else): how
 * these tests build histories through the store's own steps (the engine records through
 * history/record.ts). */
export async function commitFiles(store: Store, input: CommitFilesInput): Promise<string> {
  const blobs: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(input.files)) blobs[name] = await store.writeBlob(bytes);
  const tree = await store.writeTree(blobs);
  const oid = await store.writeCommit({ tree, parents: input.parents, message: input.message, author: input.author, committer: input.committer ?? input.author });
  await store.updateRef(input.ref, oid, input.expectedOld);
  return oid;
}

/** The bytes of file `name` in commit `commitOid`. */
export async function readFileAt(store: Store, commitOid: string, name: string): Promise<Uint8Array> {
  const tree = await store.readTree((await store.readCommit(commitOid)).tree);
  if (!Object.hasOwn(tree, name)) throw new Error(`commit ${commitOid} has no file ${name}`);
  return store.readBlob(tree[name]!);
}

export const JANE: Signature = { name: 'Jane Doe', email: 'jane@example.com', timestamp: 1_747_000_000, timezoneOffset: -120 };

/** Await `promise` and return the NbvError it rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<NbvError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NbvError) return err;
    throw err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Expect `promise` to reject with an NbvError of `code`; returns it for more checks. */
export async function rejectsWith(promise: Promise<unknown>, code: NbvErrorCode): Promise<NbvError> {
  const err = await rejection(promise);
  if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
  return err;
}

/** Spawn `node` with tsx loaded (so children can import the TypeScript sources), cwd = repo root. */
export function spawnNode(args: string[], options: { stdio?: 'pipe' | 'ignore' } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: options.stdio ?? 'pipe' });
}

/** Resolves with the first stdout line of `child` that contains `marker`. */
export function waitForOutput(child: ChildProcess, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errText = '';
    child.stderr?.on('data', (chunk: Buffer) => (errText += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((l) => l.includes(marker));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${marker}: ${errText}`)));
  });
}

/** Resolves with the exit code once `child` has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
