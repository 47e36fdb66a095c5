// Workflows are branches. A command names one by its name (`XYZG3`), by a file of it, or not at
// all when the project has just one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { parseVersionedFileName } from '../nbflow/index.js';
import { branchRef, readEntry, workflowOfBranchRef, type HistoryEntry } from './history.js';
import { projectFile, type Project } from './project.js';

export interface WorkflowHead {
  name: string;
  ref: string;
  head: HistoryEntry;
}

export async function listWorkflowNames(project: Project): Promise<string[]> {
  const refs = await project.store.listRefs('refs/heads/');
  return refs.map((r) => workflowOfBranchRef(r.ref)).sort();
}

export async function loadWorkflow(project: Project, name: string): Promise<WorkflowHead> {
  const ref = branchRef(name);
  const oid = await project.store.resolveRef(ref);
  if (!oid) throw new NbvError('UNKNOWN_WORKFLOW', `no workflow '${name}' is tracked here; 'nbv track FILE' starts one`);
  return { name, ref, head: await readEntry(project, oid) };
}

function workflowNameOfArgument(arg: string): string {
  const base = path.basename(arg);
  const versioned = parseVersionedFileName(base);
  if (versioned) return versioned.name;
  return base.endsWith('.nbflow') ? base.slice(0, -'.nbflow'.length) : arg;
}

/** The workflow a command acts on. `arg` may be a name, a file of the workflow, or absent. */
export async function resolveWorkflow(project: Project, arg: string | undefined): Promise<WorkflowHead> {
  const names = await listWorkflowNames(project);
  if (arg === undefined) {
    if (names.length === 0) throw new NbvError('UNKNOWN_WORKFLOW', `nothing is tracked yet; 'nbv track FILE' starts a workflow`);
    if (names.length > 1) {
      throw new NbvError('AMBIGUOUS_WORKFLOW', `this project has ${names.length} workflows (${names.join(', ')}); name one`);
    }
    return loadWorkflow(project, names[0]!);
  }
  if (names.includes(arg)) return loadWorkflow(project, arg);
  const name = workflowNameOfArgument(arg);
  if (names.includes(name)) return loadWorkflow(project, name);
  throw new NbvError('UNKNOWN_WORKFLOW', `'${arg}' names no tracked workflow${names.length ? ` (tracked: ${names.join(', ')})` : ''}`);
}

export type WorkingFileState =
  | { kind: 'clean'; bytes: Uint8Array }
  /** `blob`: the git blob id of `bytes`, computed once here for every caller that compares it. */
  | { kind: 'modified'; bytes: Uint8Array; blob: string }
  | { kind: 'missing' };

/** How the working file stands against the branch head: equal bytes, other bytes, or gone. */
export async function readWorkingFile(project: Project, wf: WorkflowHead): Promise<WorkingFileState> {
  let bytes: Uint8Array;
  const file = await projectFile(project, wf.head.op.file, `the op record of ${wf.name}'s head`);
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new NbvError('IO', `cannot read: ${(err as Error).message}`, { file: wf.head.op.file });
  }
  const blob = hashBlob(bytes);
  return blob === wf.head.fileBlob ? { kind: 'clean', bytes } : { kind: 'modified', bytes, blob };
}
