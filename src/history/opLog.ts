// The operation log that undo and redo read (docs/undo.md). Recorded operations are the branch's
// commits; an undo is a commit that names the one it undoes (`intent.undoes`), a redo one that
// names the undo it takes back. A command that changed nothing leaves a note (not a commit) so that
// the `undo` typed right after it does not silently reach past it to an older operation.
import * as z from 'zod';
import type { HistoryEntry } from './history.js';
import { newestEntry, scanHistory, type IndexRow, type RowVisitor } from './historyIndex.js';
import type { Project } from './project.js';
import type { WorkflowHead } from './workflows.js';

/** Operations undo never reaches past: the start of a workflow's history. */
export const UNDO_FLOOR = new Set(['track', 'import']);

/** Rows that are undone, seen newest first: an undo hides the op it undoes, a redo hides its undo. */
function undoneTracker(): { undone: Set<string>; see: (row: IndexRow) => void } {
  const undone = new Set<string>();
  return {
    undone,
    see: (row) => {
      if (undone.has(row.commit)) return;
      if ((row.op.op === 'undo' || row.op.op === 'redo') && row.op.intent.undoes) undone.add(row.op.intent.undoes);
    },
  };
}

/** The newest operation that is neither an undo nor undone (a redo can be undone like any op). */
export async function lastUndoable(project: Project, wf: WorkflowHead): Promise<HistoryEntry | null> {
  const visitor = (): RowVisitor => {
    const { undone, see } = undoneTracker();
    return (row) => {
      const hidden = undone.has(row.commit);
      see(row);
      return !hidden && row.op.op !== 'undo';
    };
  };
  return newestEntry(project, wf, visitor);
}

/** The undo that `redo` takes back: the newest undo not yet redone, as long as only undos and
 * redos were recorded since it (new work ends what can be redone, as in every editor). */
export async function lastRedoable(project: Project, wf: WorkflowHead): Promise<HistoryEntry | null> {
  const visitor = (): RowVisitor => {
    const redone = new Set<string>();
    let stop = false;
    return (row) => {
      if (stop) return false;
      if (row.op.op === 'redo') {
        if (row.op.intent.undoes) redone.add(row.op.intent.undoes);
        return false;
      }
      if (row.op.op === 'undo' && !redone.has(row.commit)) return true;
      if (row.op.op === 'undo') return false;
      stop = true;
      return false;
    };
  };
  return newestEntry(project, wf, visitor);
}

/** Versions that live history holds (an undone bump's number is free again). */
export async function liveVersions(project: Project, wf: WorkflowHead): Promise<Set<string>> {
  const versions = new Set<string>();
  const { undone, see } = undoneTracker();
  const scan = await scanHistory(project, wf, (row) => {
    if (!undone.has(row.commit)) versions.add(row.op.version);
    see(row);
  });
  // What the scan learnt is kept, as every other reader of the index keeps it: else each bump
  // read again every commit made since the index was last written.
  await scan.save();
  return versions;
}

// ---- notes of commands that changed nothing ---------------------------------------------------

const NOOP_META = 'nbv-noops.json';
const noopSchema = z.record(z.string(), z.object({ head: z.string(), what: z.string(), time: z.string() }).strict());
export type NoopNote = { head: string; what: string; time: string };

async function readNotes(project: Project): Promise<Record<string, NoopNote>> {
  const bytes = await project.store.readMeta(NOOP_META).catch(() => null);
  if (!bytes) return {};
  try {
    const parsed = noopSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // a note is a courtesy: a damaged one is as good as none
  }
}

async function writeNotes(project: Project, notes: Record<string, NoopNote>): Promise<void> {
  await project.store.writeMeta(NOOP_META, new TextEncoder().encode(JSON.stringify(notes) + '\n')).catch(() => undefined);
}

/** Remembers that `what` ran on `wf` and recorded nothing. Callers hold the lock. */
export async function noteNoop(project: Project, wf: WorkflowHead, what: string, time: string): Promise<void> {
  const notes = await readNotes(project);
  notes[wf.name] = { head: wf.head.commit, what, time };
  await writeNotes(project, notes);
}

/** The no-op note that still stands (nothing was recorded since), consumed: a second `undo` goes on. */
export async function takeNoop(project: Project, wf: WorkflowHead): Promise<NoopNote | null> {
  const notes = await readNotes(project);
  const note = notes[wf.name];
  if (!note) return null;
  delete notes[wf.name];
  await writeNotes(project, notes);
  return note.head === wf.head.commit ? note : null;
}
