// The journal makes "move the ref, then rewrite the working file and backups/" one step. It is
// written after the commit's objects and before the ref moves; whoever next takes the project lock
// finishes it (the ref moved: write the files) or drops it (the ref did not move: the commit never
// happened). Every file step names the bytes it may replace, so recovery never clobbers a file the
// user changed in between.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NbvError } from '../errors.js';
import { hashBlob, removeFileDurable, writeFileAtomic } from '../store/index.js';
import { absolutePath, type Project } from './project.js';
import { assertWritableInside } from './sharing/safePaths.js';

export const JOURNAL_META = 'nbv-journal.json';

const fileWriteSchema = z.object({
  path: z.string(),
  blob: z.string(),
  /** Blobs the file may hold now and still be replaced; a file with other bytes is left alone. */
  replaceable: z.array(z.string()),
});
const fileDeleteSchema = z.object({ path: z.string(), removable: z.array(z.string()) });

const journalSchema = z.object({
  format: z.literal('nbv-journal/1'),
  ref: z.string(),
  oldOid: z.string().nullable(),
  newOid: z.string(),
  tags: z.array(z.object({ name: z.string(), oid: z.string() })),
  writes: z.array(fileWriteSchema),
  deletes: z.array(fileDeleteSchema),
});

export type Journal = z.infer<typeof journalSchema>;
export type FileWrite = z.infer<typeof fileWriteSchema>;
export type FileDelete = z.infer<typeof fileDeleteSchema>;

async function currentBlob(file: string): Promise<string | null> {
  try {
    return hashBlob(new Uint8Array(await fs.readFile(file)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes a blob's bytes to a project file unless it holds bytes we were not told we may replace.
 * Returns false when it left the file alone. */
export async function materializeFile(project: Project, step: FileWrite, bytes?: Uint8Array): Promise<boolean> {
  // Paths come from op records, which a remote may have written: never outside the project.
  await assertWritableInside(project, step.path);
  const target = absolutePath(project, step.path);
  const existing = await currentBlob(target);
  if (existing === step.blob) return true;
  if (existing !== null && !step.replaceable.includes(existing)) return false;
  const content = bytes ?? (await project.store.readBlob(step.blob));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, content);
  return true;
}

async function removeIfOurs(project: Project, step: FileDelete): Promise<void> {
  const target = absolutePath(project, step.path);
  const existing = await currentBlob(target);
  if (existing !== null && step.removable.includes(existing)) await removeFileDurable(target);
}

/** A file step that failed (a full disk, a read-only folder): the ref has moved, so the change is
 * recorded and the journal stays for the next command. Say so, naming the file, in one line. */
function unfinished(step: { path: string }, err: unknown): NbvError {
  if (err instanceof NbvError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new NbvError('IO', `cannot write: ${reason}; the change is recorded, and the next nbv command that changes anything finishes writing the files`, {
    file: step.path,
    cause: err,
  });
}

async function applyFileSteps(project: Project, journal: Journal, known: Map<string, Uint8Array>): Promise<void> {
  for (const step of journal.writes) await materializeFile(project, step, known.get(step.blob)).catch((err: unknown) => Promise.reject(unfinished(step, err)));
  for (const step of journal.deletes) await removeIfOurs(project, step).catch((err: unknown) => Promise.reject(unfinished(step, err)));
}

async function createMissingTags(project: Project, journal: Journal): Promise<void> {
  for (const tag of journal.tags) {
    const existing = await project.store.resolveRef(`refs/tags/${tag.name}`);
    if (existing === null) await project.store.createTag(tag.name, tag.oid);
  }
}

/** Fault injection for the crash harness (test/reliability): NBV_CRASH_AT=<point> kills this
 * process at that point, so the windows between objects, ref and files are hit on purpose. */
function crashPoint(point: string): void {
  if (process.env['NBV_CRASH_AT'] === point) process.kill(process.pid, 'SIGKILL');
}

/** Moves the ref and brings the files in line, with the journal guarding the gap between them. */
export async function runJournaled(project: Project, journal: Journal, known: Map<string, Uint8Array>): Promise<void> {
  const encoded = new TextEncoder().encode(JSON.stringify(journalSchema.parse(journal)) + '\n');
  if (journal.writes.length === 0 && journal.deletes.length === 0 && journal.tags.length === 0) {
    // Nothing follows the ref (a plain commit): its compare-and-swap is the whole step, atomic
    // by itself, so there is no gap for a journal to guard.
    crashPoint('before-ref');
    await project.store.updateRef(journal.ref, journal.newOid, journal.oldOid);
    crashPoint('after-ref');
    return;
  }
  crashPoint('before-journal');
  await project.store.writeMeta(JOURNAL_META, encoded);
  crashPoint('before-ref');
  try {
    await project.store.updateRef(journal.ref, journal.newOid, journal.oldOid);
  } catch (err) {
    await project.store.deleteMeta(JOURNAL_META);
    throw err;
  }
  crashPoint('after-ref');
  await createMissingTags(project, journal);
  await applyFileSteps(project, journal, known);
  crashPoint('after-files');
  await project.store.deleteMeta(JOURNAL_META);
}

/** Finishes or drops an operation that a crash interrupted. Call with the project lock held. */
export async function recoverJournal(project: Project): Promise<'none' | 'finished' | 'dropped'> {
  const raw = await project.store.readMeta(JOURNAL_META);
  if (raw === null) return 'none';
  let journal: Journal;
  try {
    journal = journalSchema.parse(JSON.parse(new TextDecoder().decode(raw)));
  } catch (err) {
    // The journal is written atomically, so a malformed one was not written by nbv.
    throw new NbvError('CORRUPT_STORE', `${JOURNAL_META} is unreadable (${(err as Error).message}); inspect and remove it`, {
      file: path.join(project.gitdir, JOURNAL_META),
      exitStatus: 1,
    });
  }
  const current = await project.store.resolveRef(journal.ref);
  if (current !== journal.newOid) {
    await project.store.deleteMeta(JOURNAL_META);
    return 'dropped';
  }
  await createMissingTags(project, journal);
  await applyFileSteps(project, journal, new Map());
  await project.store.deleteMeta(JOURNAL_META);
  return 'finished';
}
