// Derived data kept in .nbv so that a command on a long history reads only what is new: the
// backups/ view (backupsView.ts), the provenance a status found (provenance.ts) and what it quoted
// of the states stale caches were made under (stale.ts). All follow one protocol, kept here so
// that it is written once:
//
// - A file per kind, `{format: 'nbv-derived/1', kind, workflows: {name: {head, key, data}}}`: per
//   workflow, what was derived from its history up to `head`, under settings summed up in `key`
//   (the config hash where the data depends on it). The data is validated with the kind's schema
//   when read; a file or a slot that fails is no cache, never an error.
// - A slot is trusted only for its own head or a descendant of it: commit ids hash their whole
//   first-parent ancestry, so data derived up to an ancestor is still right for it, and only the
//   commits since are read (`commitsSince`). A head that does not descend from the slot's (a
//   rewritten branch, an undo that moved the ref back) means rebuilding from history.
// - Written best effort (`Store#writeMeta`: temp file, rename), never under the lock: two writers
//   write equally valid data and the last one wins. verify and audit never read derived data.
// - Read once per process and project: a command that asks twice (status checks the view, then
//   looks for a file in it) reads and validates the file once.
//
// The history index (historyIndex.ts) is derived data too, but not a slot per head: it is a table
// of rows, one per commit, in which any commit is a place to stop, in a format of its own that is
// cheap to decode at 1,000 rows. It follows the same rules: trusted for descendants, rebuilt when in
// doubt, written best effort, never read by verify.
import * as z from 'zod';
import { walkEntries, type HistoryEntry } from './history.js';
import type { Project } from './project.js';

const FORMAT = 'nbv-derived/1';

export interface DerivedSlot<T> {
  head: string;
  key: string;
  data: T;
}

export interface DerivedKind<T> {
  /** The file in .nbv. */
  meta: string;
  /** Its name inside the file: a file of another kind is no cache of this one. */
  kind: string;
  data: z.ZodType<T>;
}

type Slots = Map<string, DerivedSlot<unknown>>;
const memo = new WeakMap<Project, Map<string, Slots>>();

function memoOf(project: Project): Map<string, Slots> {
  let perKind = memo.get(project);
  if (!perKind) memo.set(project, (perKind = new Map()));
  return perKind;
}

const fileSchema = z.object({
  format: z.literal(FORMAT),
  kind: z.string(),
  workflows: z.record(z.string(), z.object({ head: z.string(), key: z.string(), data: z.unknown() })),
});

async function readSlots<T>(project: Project, kind: DerivedKind<T>): Promise<Map<string, DerivedSlot<T>>> {
  const hit = memoOf(project).get(kind.meta);
  if (hit) return hit as Map<string, DerivedSlot<T>>;
  const slots = new Map<string, DerivedSlot<T>>();
  try {
    const raw = await project.store.readMeta(kind.meta);
    const file = raw === null ? null : fileSchema.safeParse(JSON.parse(new TextDecoder().decode(raw)));
    if (file?.success && file.data.kind === kind.kind) {
      for (const [name, slot] of Object.entries(file.data.workflows)) {
        const data = kind.data.safeParse(slot.data);
        if (data.success) slots.set(name, { head: slot.head, key: slot.key, data: data.data });
      }
    }
  } catch {
    // unreadable or not JSON: no cache
  }
  memoOf(project).set(kind.meta, slots as Slots);
  return slots;
}

/** The slot of `workflow`, when one was made under `key`; its head may be any commit. */
export async function readDerived<T>(project: Project, kind: DerivedKind<T>, workflow: string, key = ''): Promise<DerivedSlot<T> | null> {
  const slot = (await readSlots(project, kind)).get(workflow);
  return slot !== undefined && slot.key === key ? slot : null;
}

/** Replaces the slots given and keeps the others (those `keep` accepts, when given); best effort. */
export async function writeDerived<T>(project: Project, kind: DerivedKind<T>, updates: Map<string, DerivedSlot<T>>, keep?: (name: string) => boolean): Promise<void> {
  if (updates.size === 0 && keep === undefined) return;
  const slots = await readSlots(project, kind);
  if (keep) for (const name of [...slots.keys()]) if (!keep(name)) slots.delete(name);
  for (const [name, slot] of updates) slots.set(name, slot);
  const workflows = Object.fromEntries(slots);
  const bytes = new TextEncoder().encode(JSON.stringify({ format: FORMAT, kind: kind.kind, workflows }) + '\n');
  // A reader that cannot write the cache still has the right answer.
  await project.store.writeMeta(kind.meta, bytes).catch(() => undefined);
}

/** The commits on `head`'s first-parent line newer than `stop`, newest first, and whether `stop`
 * was met: when it was not (or `stop` is null), `newer` is the whole line. */
export async function commitsSince(project: Project, head: string, stop: string | null): Promise<{ newer: HistoryEntry[]; reachedStop: boolean }> {
  const newer: HistoryEntry[] = [];
  for await (const entry of walkEntries(project, head)) {
    if (entry.commit === stop) return { newer, reachedStop: true };
    newer.push(entry);
  }
  return { newer, reachedStop: stop === null };
}
