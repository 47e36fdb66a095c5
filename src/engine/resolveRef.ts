// REF forms (SPEC.md): a version (V0-2: its newest state), a commit id prefix (7+ hex), HEAD,
// HEAD~N, or a path to any file, found by the hash of its bytes so that backups/ files work.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { readEntry, walkEntries, type HistoryEntry } from './history.js';
import type { Project } from './project.js';
import type { WorkflowHead } from './workflows.js';

const HEAD_N = /^HEAD(?:~(\d+))?$/;
const VERSION = /^V\d+-\d+$/;
const HEX = /^[0-9a-f]{7,40}$/i;

// Resolving a REF walks history, so each walk reads only what its test needs: commit objects
// for HEAD~N and id prefixes, trees for a file's content; op records only for versions.

async function headAncestor(project: Project, wf: WorkflowHead, n: number, ref: string): Promise<HistoryEntry> {
  let seen = 0;
  for await (const commit of project.store.walkFirstParent(wf.head.commit, { limit: n + 1 })) {
    if (seen++ === n) return readEntry(project, commit.oid);
  }
  throw new NbvError('UNKNOWN_REF', `${ref}: ${wf.name} has only ${seen} recorded state${seen === 1 ? '' : 's'}`);
}

async function newestMatching(project: Project, wf: WorkflowHead, test: (e: HistoryEntry) => boolean): Promise<HistoryEntry | null> {
  for await (const entry of walkEntries(project, wf.head.commit)) if (test(entry)) return entry;
  return null;
}

async function readIfFile(userPath: string): Promise<Uint8Array | null> {
  try {
    const stat = await fs.stat(userPath);
    if (!stat.isFile()) return null;
    return new Uint8Array(await fs.readFile(userPath));
  } catch {
    return null;
  }
}

async function byCommitPrefix(project: Project, wf: WorkflowHead, ref: string): Promise<HistoryEntry | null> {
  const prefix = ref.toLowerCase();
  const matches: string[] = [];
  for await (const commit of project.store.walkFirstParent(wf.head.commit)) if (commit.oid.startsWith(prefix)) matches.push(commit.oid);
  if (matches.length > 1) {
    throw new NbvError('AMBIGUOUS_REF', `${ref} matches ${matches.length} commits of ${wf.name}; give more digits`);
  }
  return matches[0] === undefined ? null : readEntry(project, matches[0]);
}

/** The newest state whose .nbflow bytes have this blob id: one tree read per commit. */
async function byContent(project: Project, wf: WorkflowHead, blob: string): Promise<HistoryEntry | null> {
  for await (const commit of project.store.walkFirstParent(wf.head.commit)) {
    const tree = await project.store.readTree(commit.tree);
    if (Object.entries(tree).some(([name, oid]) => oid === blob && name.endsWith('.nbflow'))) return readEntry(project, commit.oid);
  }
  return null;
}

/** The recorded state of `wf` that `ref` names. `cwd` anchors relative paths. */
export async function resolveStateRef(project: Project, wf: WorkflowHead, ref: string, cwd = process.cwd()): Promise<HistoryEntry> {
  const head = HEAD_N.exec(ref);
  if (head) return headAncestor(project, wf, Number(head[1] ?? 0), ref);

  if (VERSION.test(ref)) {
    const found = await newestMatching(project, wf, (e) => e.op.version === ref);
    if (found) return found;
    throw new NbvError('UNKNOWN_REF', `${wf.name} has no version ${ref}`);
  }

  const bytes = ref.includes('\0') ? null : await readIfFile(path.resolve(cwd, ref));
  if (bytes !== null) {
    const found = await byContent(project, wf, hashBlob(bytes));
    if (found) return found;
    throw new NbvError('UNKNOWN_REF', `its bytes match no recorded state of ${wf.name}; 'nbv track' or 'nbv commit' records a file first`, {
      file: ref,
    });
  }

  if (HEX.test(ref)) {
    const found = await byCommitPrefix(project, wf, ref);
    if (found) return found;
  }
  throw new NbvError('UNKNOWN_REF', `'${ref}' is no version, commit, HEAD~N or file of ${wf.name}`);
}
