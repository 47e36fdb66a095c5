// Recording a bump, for the commands that make one (bump, wipe --bump): V0-N -> V0-N+1, the last
// recorded state of V0-N becomes backups/NAME-V0-N.nbflow. Callers hold the lock.
import fs from 'node:fs/promises';
import { NbvError } from '../errors.js';
import { parseNbflow, parseVersionLabel, type DocumentDiff } from '../nbflow/index.js';
import { supersededPath } from '../backups/names.js';
import { versionTagPrefix, type HistoryEntry } from './history.js';
import { requireWorkingFile } from './mutation.js';
import { projectFile, type Project } from './project.js';
import { recordState, type PendingSteps } from './record.js';
import { loadWorkflow, readWorkingFile, type WorkflowHead } from './workflows.js';

export interface BumpResult {
  workflow: string;
  from: { version: string; file: string };
  to: { version: string; file: string };
  backup: string;
  entry: HistoryEntry;
  diff: DocumentDiff;
  /** Set when asked to defer (wipe --bump): the ref move the caller's next step makes with its own. */
  pending?: PendingSteps;
}

/** Version numbers are never reused: after an undone bump the next one skips the abandoned number. */
async function nextVersion(project: Project, wf: WorkflowHead): Promise<{ major: number; minor: number }> {
  const current = parseVersionLabel(wf.head.op.version);
  if (!current) throw new NbvError('CORRUPT_STORE', `head of ${wf.name} has version '${wf.head.op.version}'`, { exitStatus: 1 });
  let highest = current.minor;
  const prefix = versionTagPrefix(wf.name);
  for (const tag of await project.store.listRefs(prefix)) {
    const v = parseVersionLabel(tag.ref.slice(prefix.length));
    if (v && v.major === current.major) highest = Math.max(highest, v.minor);
  }
  return { major: current.major, minor: highest + 1 };
}

function bumpedFile(file: string, workflow: string, label: string): string {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  return `${dir}${workflow}-${label}.nbflow`;
}

/** The bump itself; the caller holds the lock. */
export async function recordBump(project: Project, workflowName: string, message: string | undefined, options: { deferRef?: boolean } = {}): Promise<BumpResult> {
  const wf = await loadWorkflow(project, workflowName);
  const working = await readWorkingFile(project, wf);
  requireWorkingFile(wf, working);
  const bytes = working.kind === 'missing' ? new Uint8Array() : working.bytes;
  const parsed = parseNbflow(bytes, wf.head.op.file);
  const next = await nextVersion(project, wf);
  const label = `V${next.major}-${next.minor}`;
  const oldFile = wf.head.op.file;
  const newFile = bumpedFile(oldFile, wf.name, label);
  const newAbsolute = await projectFile(project, newFile, 'the bumped file name');
  try {
    await fs.access(newAbsolute);
    throw new NbvError('ALREADY_EXISTS', `a file is already there; move it away before bumping to ${label}`, { file: newFile });
  } catch (err) {
    if (err instanceof NbvError) throw err;
  }
  const backup = supersededPath(oldFile);
  const result = await recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'bump',
    version: label,
    file: newFile,
    parsed,
    message: message ?? `${wf.head.op.version} -> ${label}`,
    intent: {},
    view: [{ path: backup, state: 'parent' }],
    writeWorkingFile: true,
    retireFile: oldFile,
    ...(options.deferRef ? { deferRef: true } : {}),
  });
  return {
    workflow: wf.name,
    from: { version: wf.head.op.version, file: oldFile },
    to: { version: label, file: newFile },
    backup: result.view[0]?.path ?? backup,
    entry: result.entry,
    diff: result.diff,
    ...(result.pending ? { pending: result.pending } : {}),
  };
}

