// `nbv backups sync | check`: the view rebuilt from history, or checked against it.
// sync: A deleted backup comes back; an edited one
// comes back too, after its edited bytes are kept under .nbv/displaced/ (nothing is ever lost).
import fs from 'node:fs/promises';
import path from 'node:path';
import { hashBlob, writeFileAtomic } from '../store/index.js';
import { underLock } from '../history/mutation.js';
import { operationTime, projectFile, type Project } from '../history/project.js';
import { NbvError } from '../errors.js';
import { materializeFile } from '../history/journal.js';
import { checkBackups, type ViewCheck } from '../history/backupsCheck.js';
import { findStrayFiles } from '../history/strayFiles.js';
import { listWorkflowNames, loadWorkflow, readWorkingFile } from '../history/workflows.js';

export { checkBackups, type ViewCheck };

export interface SyncResult {
  before: ViewCheck;
  written: string[];
  /** Edited backups: where their edited bytes were kept before the view's bytes came back. */
  displaced: Array<{ path: string; keptAt: string }>;
  unknown: string[];
  /** Working files that were missing and were brought back as their head holds them. */
  working: string[];
  /** Files the retention rule leaves off the disk that were removed (their bytes stay in history). */
  removed: string[];
}

export interface SyncOptions {
  /** Write every file history defines, ignoring the retention rule. */
  all?: boolean;
}

/** Removes a file only while it still holds exactly `blob`: a file the user changed is never removed. */
async function removeIfExactly(file: string, blob: string): Promise<boolean> {
  try {
    if (hashBlob(new Uint8Array(await fs.readFile(file))) !== blob) return false;
    await fs.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function syncBackups(project: Project, options: SyncOptions = {}): Promise<SyncResult> {
  return underLock(project, async () => {
    const before = await checkBackups(project, { all: options.all === true });
    if (before.outside.length > 0) {
      // Nothing is written while any part of the view leads out of the project.
      throw new NbvError('BAD_PATH', `the backups/ view leads outside the project, nothing was written: ${before.outside[0]}`);
    }
    const written: string[] = [];
    const displaced: SyncResult['displaced'] = [];
    const stamp = operationTime(project).iso.replace(/[:]/g, '');
    for (const file of before.altered) {
      const keptAt = path.join(project.gitdir, 'displaced', `${file.path.replace(/\//g, '__')}.${stamp}.${file.actualBlob.slice(0, 8)}`);
      await fs.mkdir(path.dirname(keptAt), { recursive: true });
      await writeFileAtomic(keptAt, new Uint8Array(await fs.readFile(await projectFile(project, file.path, 'the backups/ view'))));
      displaced.push({ path: file.path, keptAt });
    }
    // Retention drops a file from the disk only when its bytes are exactly the recorded ones (an
    // edited one was just kept under displaced/ above): history still holds every one of them.
    const removed: string[] = [];
    const ORIGIN = 'the backups/ view';
    for (const file of [...before.beyond, ...before.altered.filter((f) => f.beyondRetention)]) {
      const absolute = await projectFile(project, file.path, ORIGIN);
      const blob = 'actualBlob' in file ? (file as { actualBlob: string }).actualBlob : file.blob;
      if (await removeIfExactly(absolute, blob)) removed.push(file.path);
    }
    for (const file of [...before.missing, ...before.altered.filter((f) => !f.beyondRetention)]) {
      const replaceable = 'actualBlob' in file ? [(file as { actualBlob: string }).actualBlob] : [];
      if (await materializeFile(project, { path: file.path, blob: file.blob, replaceable }, undefined, 'the backups/ view')) written.push(file.path);
    }
    // The working file is part of what history defines: a missing one comes back too (unless a
    // later version was saved by hand in its place: that is for 'nbv commit' to record).
    const working: string[] = [];
    for (const name of await listWorkflowNames(project)) {
      const wf = await loadWorkflow(project, name);
      if ((await readWorkingFile(project, wf)).kind !== 'missing' || (await findStrayFiles(project, wf)).handBump) continue;
      if (await materializeFile(project, { path: wf.head.op.file, blob: wf.head.fileBlob, replaceable: [] })) working.push(wf.head.op.file);
    }
    return { before, written, displaced, unknown: before.unknown, working, removed };
  });
}
