// What git's drivers for .nbflow files do (`nbv git-setup` points git at them): the diff driver
// (`diff.nbflow.command`, run by `git diff`), the textconv (run by `git log -p` and `git show`),
// and the merge driver (`merge.nbflow.driver`, run by `git merge`, `git rebase`, `git cherry-pick`).
// They work in the user's own git repository, not in an nbv store: the only nbv thing they read
// is the settings of the nearest nbv project, for which fields are caches and inputs.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isNbvError, NbvError } from '../errors.js';
import { mergeNbflow, type NbflowMergeResult } from '../merging/index.js';
import { DEFAULT_CONFIG, diffDocuments, diffEdges, parseNbflow, type DocumentDiff, type EdgeChange, type NbflowConfig, type NbflowDocument } from '../nbflow/index.js';
import { outlineDocument } from '../nbflow/outline.js';
import { writeFileAtomic } from '../store/index.js';
import { openProject } from '../history/project.js';

/** The settings of the nbv project holding `dir`, or the defaults when there is none. */
export async function driverConfig(dir: string): Promise<NbflowConfig> {
  try {
    return (await openProject(dir)).config;
  } catch (err) {
    if (isNbvError(err) && err.code === 'NOT_A_PROJECT') return DEFAULT_CONFIG;
    throw err;
  }
}

const NO_FILE = '/dev/null';

async function readSide(file: string): Promise<Uint8Array | null> {
  if (file === NO_FILE) return null;
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new NbvError('FILE_NOT_FOUND', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
}

export interface GitDiffInput {
  /** The path git names (relative to the repository's top, where git runs drivers). */
  path: string;
  oldFile: string;
  newFile: string;
  cwd: string;
}

export interface GitDiffResult {
  path: string;
  status: 'modified' | 'added' | 'deleted';
  before: NbflowDocument | null;
  after: NbflowDocument | null;
  diff: DocumentDiff;
  edges: EdgeChange[];
}

export async function gitDiff(input: GitDiffInput): Promise<GitDiffResult> {
  const config = await driverConfig(path.dirname(path.resolve(input.cwd, input.path)));
  const [oldBytes, newBytes] = await Promise.all([readSide(input.oldFile), readSide(input.newFile)]);
  const before = oldBytes === null ? null : parseNbflow(oldBytes, `${input.path} (old side)`).doc;
  const after = newBytes === null ? null : parseNbflow(newBytes, `${input.path} (new side)`).doc;
  const status = before === null ? 'added' : after === null ? 'deleted' : 'modified';
  const diff = after === null ? everyNodeRemoved(before!, config) : diffDocuments(before, after, config);
  const edges = after === null ? diffEdges(before, { tabs: [] }) : diffEdges(before, after);
  return { path: input.path, status, before, after, diff, edges };
}

/** A deleted file: the diff of nothing against the old document, with its additions turned round. */
function everyNodeRemoved(before: NbflowDocument, config: NbflowConfig): DocumentDiff {
  const added = diffDocuments(null, before, config);
  return { nodes: added.nodes.map((node) => ({ ...node, changes: [{ kind: 'removed' }] })), other: [] };
}

/** The textconv: the file as a per-node outline; bytes that are not an .nbflow pass unchanged, so
 * that git still shows their text diff. */
export async function gitTextconv(file: string, cwd: string): Promise<Uint8Array> {
  const bytes = (await readSide(file)) ?? new Uint8Array();
  try {
    const doc = parseNbflow(bytes, file).doc;
    return new TextEncoder().encode(outlineDocument(doc, await driverConfig(cwd)));
  } catch (err) {
    if (isNbvError(err)) return bytes;
    throw err;
  }
}

export interface MergeDriverInput {
  base: string;
  /** Ours: git reads the result from this file. */
  ours: string;
  theirs: string;
  /** The path being merged, for names and for finding the project's settings. */
  path: string;
  cwd: string;
}

export type MergeDriverResult =
  | { kind: 'merged'; result: NbflowMergeResult }
  /** A side is not an .nbflow: the file holds git's own line merge (with conflict markers, if the
   * lines conflict), as if no driver were set. */
  | { kind: 'fallback'; error: NbvError; textConflicts: boolean };

export async function mergeDriver(input: MergeDriverInput): Promise<MergeDriverResult> {
  const config = await driverConfig(path.dirname(path.resolve(input.cwd, input.path)));
  const [base, ours, theirs] = await Promise.all([readSide(input.base), readSide(input.ours), readSide(input.theirs)]);
  let result: NbflowMergeResult;
  try {
    // git gives an empty base when both sides added the file: there is no common state.
    result = mergeNbflow(base === null || base.length === 0 ? null : base, ours ?? new Uint8Array(), theirs ?? new Uint8Array(), config, {
      labels: { base: input.path, ours: input.path, theirs: input.path },
    });
  } catch (err) {
    if (!isNbvError(err)) throw err;
    return { kind: 'fallback', error: err, textConflicts: await lineMerge(input) };
  }
  if (result.bytes !== ours) await writeFileAtomic(input.ours, result.bytes);
  return { kind: 'merged', result };
}

/** git's own three-way line merge into the ours file; true when it left conflict markers. The file
 * is replaced whole or not at all. */
async function lineMerge(input: MergeDriverInput): Promise<boolean> {
  const run = spawnSync('git', ['merge-file', '--stdout', '-L', 'ours', '-L', 'base', '-L', 'theirs', input.ours, input.base, input.theirs], {
    cwd: input.cwd,
    maxBuffer: 1 << 30,
  });
  if (run.status === null || run.status < 0 || run.error !== undefined) return true;
  await writeFileAtomic(input.ours, new Uint8Array(run.stdout));
  return run.status > 0;
}
