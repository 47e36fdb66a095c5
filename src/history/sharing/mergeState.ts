// A pull that stopped on conflicts leaves `.nbv/nbv-merge.json`: per workflow, both sides, their
// common state, the conflicts with every value, and the choices `resolve` made. The working file
// meanwhile holds the merged document with OUR values at conflicting places, so it stays valid
// JSON that the editor opens. `merge --continue` records it; `merge --abort` puts back our head's
// bytes (the pull recorded any unrecorded edits first, so that is exactly what the user had).
import { z } from 'zod';
import { NbvError } from '../../errors.js';
import type { Project } from '../project.js';

export const MERGE_META = 'nbv-merge.json';
const OID = z.string().regex(/^[0-9a-f]{40}$/);

const conflictSchema = z.object({
  tab: z.string().nullable(),
  node: z.string().nullable(),
  field: z.string(),
  reason: z.string(),
  base: z.unknown().optional(),
  ours: z.unknown().optional(),
  theirs: z.unknown().optional(),
  detail: z.string().optional(),
  /** Set by `resolve`. */
  resolved: z.enum(['ours', 'theirs']).optional(),
});

const pendingSchema = z.object({
  workflow: z.string(),
  ours: OID,
  theirs: OID,
  base: OID.nullable(),
  /** The working file the merge is written to, and the version the merge takes. */
  file: z.string(),
  version: z.string(),
  /** Our head's working file when it had another name (the other side bumped): retired on continue. */
  retireFile: z.string().nullable(),
  /** The blob of the bytes nbv last wrote to the working file: other bytes mean a hand edit. */
  writtenBlob: OID,
  conflicts: z.array(conflictSchema),
});

const stateSchema = z.object({ format: z.literal('nbv-merge/1'), remote: z.string(), pending: z.array(pendingSchema) });

export type MergeState = z.infer<typeof stateSchema>;
export type PendingMerge = z.infer<typeof pendingSchema>;
export type StoredConflict = z.infer<typeof conflictSchema>;

export async function readMergeState(project: Project): Promise<MergeState | null> {
  const raw = await project.store.readMeta(MERGE_META);
  if (raw === null) return null;
  try {
    return stateSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)));
  } catch (err) {
    throw new NbvError('CORRUPT_STORE', `${MERGE_META} is unreadable (${(err as Error).message.split('\n')[0]}); 'nbv merge --abort' cannot use it, inspect it`, {
      file: `${project.gitdir}/${MERGE_META}`,
      exitStatus: 1,
    });
  }
}

export async function writeMergeState(project: Project, state: MergeState | null): Promise<void> {
  if (state === null || state.pending.length === 0) return project.store.deleteMeta(MERGE_META);
  await project.store.writeMeta(MERGE_META, new TextEncoder().encode(JSON.stringify(stateSchema.parse(state), null, 2) + '\n'));
}

export async function assertNoMerge(project: Project, doing: string): Promise<void> {
  const state = await readMergeState(project);
  if (state !== null) {
    const names = state.pending.map((p) => p.workflow).join(', ');
    throw new NbvError('MERGE_IN_PROGRESS', `a pull stopped on conflicts in ${names}; before ${doing}, settle them ('nbv status' lists them, 'nbv resolve' picks a side, 'nbv merge --continue' records) or 'nbv merge --abort'`);
  }
}
