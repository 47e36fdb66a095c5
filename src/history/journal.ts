// The journal makes "move the ref, then rewrite the working file and backups/" one step. It is
// written after the commit's objects and before the ref moves; whoever next takes the project lock
// finishes it (the ref moved: write the files) or drops it (the ref did not move: the commit never
// happened). Every file step names the bytes it may replace, so recovery never clobbers a file the
// user changed in between.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NbvError } from '../errors.js';
import { hashBlob, removeDeadTemps, removeFileDurable, writeFileAtomic } from '../store/index.js';
import { projectFile, type Project } from './project.js';
import { storedPathSchema } from './opRecord.js';
import { refNameProblem } from '../store/refNames.js';

export const JOURNAL_META = 'nbv-journal.json';

// Every path and ref in a journal is checked before recovery acts on it: a journal is a file in
// .nbv/, and .nbv/ may have been written by someone else (docs/reliability.md, threat model).
const oidSchema = z.string().regex(/^[0-9a-f]{40}$/);
const refSchema = z.string().refine((ref) => refNameProblem(ref) === null, 'is not a valid ref name');
const fileWriteSchema = z.object({
  path: storedPathSchema,
  blob: oidSchema,
  /** Blobs the file may hold now and still be replaced; a file with other bytes is left alone. */
  replaceable: z.array(z.string()),
});
const fileDeleteSchema = z.object({ path: storedPathSchema, removable: z.array(z.string()) });

const journalSchema = z.object({
  format: z.literal('nbv-journal/1'),
  ref: refSchema.refine((ref) => ref.startsWith('refs/heads/'), 'is not a workflow branch'),
  oldOid: oidSchema.nullable(),
  newOid: oidSchema,
  tags: z.array(z.object({ name: z.string().refine((name) => refNameProblem(`refs/tags/${name}`) === null, 'is not a valid tag name'), oid: oidSchema })),
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
export async function materializeFile(project: Project, step: FileWrite, bytes?: Uint8Array, origin = 'the journal'): Promise<boolean> {
  const target = await projectFile(project, step.path, origin);
  const existing = await currentBlob(target);
  if (existing === step.blob) return true;
  if (existing !== null && !step.replaceable.includes(existing)) return false;
  const content = bytes ?? (await project.store.readBlob(step.blob));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, content);
  return true;
}

async function removeIfOurs(project: Project, step: FileDelete): Promise<void> {
  const target = await projectFile(project, step.path, 'the journal');
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
export function crashPoint(point: string): void {
  if (process.env['NBV_CRASH_AT'] === point) process.kill(process.pid, 'SIGKILL');
}

/** Every file a journal would write or remove, checked to stay inside the project before anything
 * is written: a backups/ that is a symlink out of the project is refused here, not followed. */
export async function assertJournalPaths(project: Project, journal: Pick<Journal, 'writes' | 'deletes'>, origin: string): Promise<void> {
  await assertInsideProject(project, [...journal.writes, ...journal.deletes].map((step) => step.path), origin);
}

export async function assertInsideProject(project: Project, paths: string[], origin: string): Promise<void> {
  for (const relative of paths) await projectFile(project, relative, origin);
}

/** Moves the ref and brings the files in line, with the journal guarding the gap between them. */
export async function runJournaled(project: Project, journal: Journal, known: Map<string, Uint8Array>): Promise<void> {
  await assertJournalPaths(project, journal, 'this operation');
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
  // A kill during the file steps may have left an atomic write's temp beside its target.
  for (const dir of new Set([...journal.writes, ...journal.deletes].map((step) => step.path.slice(0, Math.max(0, step.path.lastIndexOf('/')))))) {
    const absolute = dir === '' ? project.root : await projectFile(project, dir, 'the journal').catch(() => null);
    if (absolute !== null) await removeDeadTemps(absolute);
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
