// Recording a bump, for the commands that make one (bump, wipe --bump): V0-N -> V0-N+1, the last
// recorded state of V0-N becomes backups/NAME-V0-N.nbflow. Callers hold the lock.
import fs from 'node:fs/promises';
import { NbvError } from '../errors.js';
import { parseNbflow, parseVersionLabel, type DocumentDiff } from '../nbflow/index.js';
import { supersededPath } from '../backups/names.js';
import type { HistoryEntry } from './history.js';
import { liveVersions } from './opLog.js';
import { hashBlob } from '../store/index.js';
import { newestEntry } from './historyIndex.js';
import { commitOnHead, requireWorkingFile } from './mutation.js';
import { findStrayFiles, type StrayFile } from './strayFiles.js';
import { projectFile, type Project } from './project.js';
import { recordState, type PendingSteps } from './record.js';
import type { WorkflowHead } from './workflows.js';
import { loadNamedWorkflowState, type WorkflowState } from './workflowState.js';

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

/** The number after the highest version live history holds: an undone bump's number is taken
 * again by the next bump (its abandoned states stay in history, and its tag at the first of them). */
async function nextVersion(project: Project, wf: WorkflowHead): Promise<{ major: number; minor: number }> {
  const current = parseVersionLabel(wf.head.op.version);
  if (!current) throw new NbvError('CORRUPT_STORE', `head of ${wf.name} has version '${wf.head.op.version}'`, { exitStatus: 1 });
  let highest = current.minor;
  for (const label of await liveVersions(project, wf)) {
    const v = parseVersionLabel(label);
    if (v && v.major === current.major) highest = Math.max(highest, v.minor);
  }
  return { major: current.major, minor: highest + 1 };
}

function bumpedFile(file: string, workflow: string, label: string): string {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  return `${dir}${workflow}-${label}.nbflow`;
}

/** The bump itself; the caller holds the lock. */
export async function recordBump(
  project: Project,
  workflowName: string,
  message: string | undefined,
  options: { deferRef?: boolean; state?: WorkflowState } = {},
): Promise<BumpResult> {
  const wf = options.state ?? (await loadNamedWorkflowState(project, workflowName));
  // The user bumped by hand already: `nbv bump` then means "record that bump".
  const stray = await findStrayFiles(project, wf);
  if (stray.handBump) return recordHandBump(project, wf, stray.handBump, message);
  requireWorkingFile(wf, wf.working);
  const parsed = await wf.currentDocument();
  const next = await nextVersion(project, wf);
  const label = `V${next.major}-${next.minor}`;
  const oldFile = wf.head.op.file;
  const newFile = bumpedFile(oldFile, wf.name, label);
  const newAbsolute = await projectFile(project, newFile, 'the bumped file name');
  try {
    await fs.access(newAbsolute);
    throw new NbvError('ALREADY_EXISTS', `a file is already there: if you saved ${label} by hand, 'nbv commit' records it as the bump; else move it away`, { file: newFile });
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
    parentDoc: (await wf.headDocument()).doc,
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


/** A bump the user made by hand (the next version's file saved beside or instead of the working
 * file), recorded with the bytes they saved. What the old file held last is recorded first: its
 * edits in place, or the copy they moved to backups/, so the bump's parent is what they had. */
export async function recordHandBump(project: Project, state: WorkflowState, stray: StrayFile, message: string | undefined): Promise<BumpResult & { savedCommit: string | null }> {
  let wf: WorkflowHead = state;
  const oldFile = wf.head.op.file;
  const backup = supersededPath(oldFile);
  const working = state.working;
  let last: Uint8Array | null = working.kind === 'modified' ? working.bytes : null;
  if (working.kind === 'missing') {
    const moved = await fs.readFile(await projectFile(project, backup)).then((b) => new Uint8Array(b), () => null);
    const movedBlob = moved && hashBlob(moved);
    if (moved && movedBlob !== wf.head.fileBlob && !(await newestEntry(project, wf, () => (row) => row.fileBlob === movedBlob))) last = moved;
  }
  let savedCommit: string | null = null;
  // The bump's parent document: the head's, or the last saved bytes once they are recorded.
  let parentDoc = last ? null : (await state.headDocument()).doc;
  if (last) {
    const lastParsed = working.kind === 'modified' ? await state.currentDocument() : parseNbflow(last, oldFile);
    const saved = await commitOnHead(project, state, {
      parsed: lastParsed,
      message: `${wf.head.op.version} as last saved, recorded before the hand-made bump to ${stray.version}`,
      intent: { auto: 'bump' },
    });
    wf = { ...wf, head: saved.entry };
    savedCommit = saved.entry.commit;
    parentDoc = lastParsed.doc;
  }
  const result = await recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'bump',
    version: stray.version,
    file: stray.file,
    parsed: stray.parsed,
    parentDoc,
    message: message ?? `${wf.head.op.version} -> ${stray.version} (saved by hand as ${stray.file})`,
    intent: {},
    view: [{ path: backup, state: 'parent' }],
    writeWorkingFile: true,
    retireFile: oldFile,
  });
  return {
    workflow: wf.name,
    from: { version: wf.head.op.version, file: oldFile },
    to: { version: stray.version, file: stray.file },
    backup: result.view[0]?.path ?? backup,
    entry: result.entry,
    diff: result.diff,
    savedCommit,
  };
}
