// `nbv merge --continue | --abort`: finishing or undoing a pull that stopped on conflicts.
// --continue records each waiting merge from its working file: the merge as `resolve` left it, or
// as the user edited it by hand (it must parse). --abort puts our head's bytes back, byte for byte;
// a working file edited by hand meanwhile is kept under .nbv/displaced/ first.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { hashBlob, removeFileDurable, writeFileAtomic } from '../store/index.js';
import { branchRef, readEntry, type HistoryEntry } from '../history/history.js';
import { materializeFile } from '../history/journal.js';
import { underLock } from '../history/mutation.js';
import { absolutePath, operationTime, type Project } from '../history/project.js';
import { recordPendingMerge } from '../history/sharing/integrate.js';
import { syncMissingView } from '../history/sharing/materialize.js';
import { readMergeState, writeMergeState, type MergeState } from '../history/sharing/mergeState.js';

export interface MergeContinueResult {
  merged: Array<{ workflow: string; entry: HistoryEntry; handEdited: boolean }>;
}

export interface MergeAbortResult {
  restored: Array<{ workflow: string; file: string; commit: string }>;
  /** Hand edits made during the conflict, kept before our bytes came back. */
  displaced: string[];
}

async function requireMerge(project: Project): Promise<MergeState> {
  const state = await readMergeState(project);
  if (state === null) throw new NbvError('NO_MERGE', `no merge is in progress (a pull that stops on conflicts starts one)`);
  return state;
}

async function readBytes(project: Project, file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await fs.readFile(absolutePath(project, file)));
  } catch {
    return null;
  }
}

export async function mergeContinue(project: Project): Promise<MergeContinueResult> {
  return underLock(project, async () => {
    const state = await requireMerge(project);
    const merged: MergeContinueResult['merged'] = [];
    // Check every waiting merge before recording any, so a refusal changes nothing.
    const ready: Array<{ bytes: Uint8Array; handEdited: boolean }> = [];
    for (const pending of state.pending) {
      const bytes = await readBytes(project, pending.file);
      if (bytes === null) throw new NbvError('FILE_NOT_FOUND', `the merged working file is missing; 'nbv merge --abort' brings ours back`, { file: pending.file });
      const handEdited = hashBlob(bytes) !== pending.writtenBlob;
      const open = pending.conflicts.filter((c) => !c.resolved);
      if (!handEdited && open.length > 0) {
        const where = open.map((c) => `${c.node ?? c.tab ?? 'document'}${c.field}`).join(', ');
        throw new NbvError('MERGE_IN_PROGRESS', `${pending.workflow}: ${open.length} conflict${open.length === 1 ? '' : 's'} not settled (${where}); 'nbv resolve ${pending.workflow} --node ID (--ours|--theirs)', or edit the file and continue`, { file: pending.file });
      }
      const head = await project.store.resolveRef(branchRef(pending.workflow));
      if (head !== pending.ours) throw new NbvError('REF_CONFLICT', `${pending.workflow} moved since the pull; 'nbv merge --abort' and pull again`);
      ready.push({ bytes, handEdited });
    }
    for (const [i, pending] of state.pending.entries()) {
      const entry = await recordPendingMerge(project, pending, ready[i]!.bytes, state.remote);
      merged.push({ workflow: pending.workflow, entry, handEdited: ready[i]!.handEdited });
    }
    await writeMergeState(project, null);
    await syncMissingView(project, { written: [], kept: [] });
    return { merged };
  });
}

export async function mergeAbort(project: Project): Promise<MergeAbortResult> {
  return underLock(project, async () => {
    const state = await requireMerge(project);
    const restored: MergeAbortResult['restored'] = [];
    const displaced: string[] = [];
    const stamp = operationTime(project).iso.replace(/[:]/g, '');
    for (const pending of state.pending) {
      const ours = await readEntry(project, pending.ours);
      const bytes = await readBytes(project, pending.file);
      const blob = bytes === null ? null : hashBlob(bytes);
      if (bytes !== null && blob !== pending.writtenBlob && blob !== ours.fileBlob) {
        const keptAt = path.join(project.gitdir, 'displaced', `${pending.file.replace(/\//g, '__')}.${stamp}.${blob!.slice(0, 8)}`);
        await fs.mkdir(path.dirname(keptAt), { recursive: true });
        await writeFileAtomic(keptAt, bytes);
        displaced.push(keptAt);
      }
      if (pending.file !== ours.op.file && blob !== null) await removeFileDurable(absolutePath(project, pending.file));
      await materializeFile(project, { path: ours.op.file, blob: ours.fileBlob, replaceable: blob === null ? [] : [blob] });
      restored.push({ workflow: pending.workflow, file: ours.op.file, commit: ours.commit });
    }
    await writeMergeState(project, null);
    return { restored, displaced };
  });
}
