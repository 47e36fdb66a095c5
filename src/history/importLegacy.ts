// Taking in a hand-kept folder: every copy of a workflow that people made by hand (backups/,
// .bak, "copy", " (1)") becomes a commit, oldest first, so that their old states can be browsed,
// diffed and restored from the day nbv is adopted. The user's files are read, never written.
// The order and the names it knows are docs/import.md.
import fs from 'node:fs/promises';
import { isNbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { diffDocuments, MAX_NBFLOW_BYTES, parseNbflow, parseVersionedFileName, versionLabel, type DocumentDiff, type NbflowDocument, type ParsedNbflow } from '../nbflow/index.js';
import { backupsDirFor } from '../backups/names.js';
import { viewIndex } from './backupsView.js';
import { isUnplaceable, orderLegacyFiles, parseLegacyName, type LegacyName, type OrderableFile } from '../backups/legacyNames.js';
import { momentAt, momentFromIso, type Moment } from './clock.js';
import { contentInstants, mtimesLookReset, newestTimeInDocument, type DateSource } from '../backups/legacyDates.js';
import type { HistoryEntry } from './history.js';
import type { InferredOp } from './opRecord.js';
import { projectFile, type Project } from './project.js';
import { crashPoint } from './journal.js';
import { recordState, type PendingSteps, type RecordResult } from './record.js';

/** Where the paths read here come from, for the error when one leads out of the project. */
const ORIGIN = 'the folder being taken in';

export interface LegacyFile extends OrderableFile {
  blob: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface LegacyDiscovery {
  /** This workflow's hand-made copies (not the working file), in the order they are taken in. */
  files: LegacyFile[];
  skipped: SkippedFile[];
  /** Other workflows whose files share the folder: each is taken in by its own `nbv track`. */
  otherWorkflows: string[];
}

export interface ImportedState {
  commit: string;
  version: string;
  /** The time the state carries (from its name, else its mtime), ISO with zone. */
  date: string;
  inferred: InferredOp;
  /** Every file holding these bytes, in the order they were taken in. */
  paths: string[];
}

export interface ImportProgress {
  done: number;
  total: number;
  path: string;
}

export interface TakeInInput {
  workflow: string;
  version: string;
  /** The working file, project-relative. */
  file: string;
  working: ParsedNbflow;
  message: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Where imported dates come from (backups/legacyDates.ts); default `auto`. */
  dates?: DateSource;
}

export interface TakeInResult {
  imported: ImportedState[];
  /** The last commit: the working file, op `track`. */
  head: RecordResult;
  headInferred: InferredOp;
  /** Files of this workflow whose bytes are now in history (the working file included). */
  files: number;
  skipped: SkippedFile[];
  otherWorkflows: string[];
  /** Why the files' modification times were not trusted for dates, when they were not. */
  datesWarning: string | null;
}

function dirOf(relative: string): string {
  const i = relative.lastIndexOf('/');
  return i < 0 ? '' : relative.slice(0, i);
}

const join = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

/** Zone of imported times: the pinned clock's (NBV_NOW), else the machine's at that instant. */
function eastMinutesAt(project: Project, ms: number): number {
  const pinned = (project.context.env ?? process.env)['NBV_NOW'];
  if (pinned) return -momentFromIso(pinned, 'NBV_NOW').timezoneOffset;
  return -new Date(ms).getTimezoneOffset();
}

/** The file's mtime; when its name carries another day, noon of that day (the day is what
 * the user wrote down; the hour is not known). */
export function fileMoment(project: Project, file: OrderableFile): Moment {
  const mtime = momentAt(file.mtimeMs, eastMinutesAt(project, file.mtimeMs));
  if (file.name.date === null || file.name.date === mtime.date) return mtime;
  const [y, m, d] = file.name.date.split('-').map(Number) as [number, number, number];
  const noonUtc = Date.UTC(y, m - 1, d, 12);
  const east = eastMinutesAt(project, noonUtc);
  return momentAt(noonUtc - east * 60_000, east);
}

/** Dates for the states of one import: mtimes, unless they look reset (or the user says). */
function importDating(project: Project, source: DateSource, files: OrderableFile[]): { warning: string | null; moment: (file: OrderableFile, doc: unknown) => Moment } {
  const reset = source === 'auto' ? mtimesLookReset(files.map((f) => ({ mtimeMs: f.mtimeMs, nameDate: f.name.date }))) : null;
  if (source === 'mtime' || (source === 'auto' && reset === null)) return { warning: null, moment: (file) => fileMoment(project, file) };
  const noons = files.map((f) => (f.name.date === null ? null : Date.parse(fileMoment(project, { ...f, mtimeMs: Date.parse(`${f.name.date}T12:00:00Z`) }).iso)));
  const docs = new Map<number, unknown>();
  let instants: Array<number | null> | null = null;
  return {
    warning: reset ?? 'asked for with --dates content',
    moment: (file, doc) => {
      const index = files.indexOf(file);
      docs.set(index, doc);
      // Documents are read one by one as the chain is recorded; a state only needs earlier ones.
      instants = contentInstants(noons, (i) => (docs.has(i) ? newestTimeInDocument(docs.get(i)) : null));
      const ms = instants[index] ?? null;
      return ms === null ? fileMoment(project, file) : momentAt(ms, eastMinutesAt(project, ms));
    },
  };
}

function reasonOf(err: unknown, path: string): string {
  const text = err instanceof Error ? err.message.replace(/\s*\n\s*/g, ' ') : String(err);
  return text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
}

async function listFolder(project: Project, dir: string): Promise<Array<{ name: string; isFile: boolean; isLink: boolean }>> {
  // A folder that a symlink leads out of the project is refused (BAD_PATH), not read.
  const absolute = dir === '' ? project.root : await projectFile(project, dir, ORIGIN);
  try {
    const entries = await fs.readdir(absolute, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isFile: e.isFile(), isLink: e.isSymbolicLink() }));
  } catch {
    return [];
  }
}

/** Why a file whose name cannot be placed is left alone: what is wrong with its content if
 * anything, else what is wrong with its name. */
async function unplaceableReason(project: Project, path: string, nameProblem: string): Promise<string> {
  try {
    const absolute = await projectFile(project, path, ORIGIN);
    const stat = await fs.stat(absolute);
    if (stat.size > MAX_NBFLOW_BYTES) return `not a workflow nbv can read (${stat.size} bytes)`;
    parseNbflow(new Uint8Array(await fs.readFile(absolute)), path);
  } catch (err) {
    return `not a readable .nbflow: ${reasonOf(err, path)}`;
  }
  return nameProblem;
}

/** Finds every hand-made copy of `workflow` beside its working file and in its backups/. */
export async function discoverLegacy(
  project: Project,
  target: { workflow: string; version: string; file: string },
): Promise<LegacyDiscovery> {
  const versioned = parseVersionedFileName(target.file) !== null;
  const workingDir = dirOf(target.file);
  const folders = [...new Set([workingDir, backupsDirFor(target.file)])];
  const listings = await Promise.all(folders.map(async (dir) => ({ dir, entries: await listFolder(project, dir) })));
  const workingNames = new Set(listings[0]!.entries.filter((e) => e.isFile).map((e) => e.name));
  const [workMajor, workMinor] = target.version.slice(1).split('-').map(Number) as [number, number];
  const ours: Array<{ path: string; name: LegacyName }> = [];
  const skipped: SkippedFile[] = [];
  const others = new Set<string>();

  for (const { dir, entries } of listings) {
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (path === target.file) continue;
      const parsed = parseLegacyName(entry.name);
      if (parsed === null) continue;
      if (isUnplaceable(parsed)) {
        skipped.push({ path, reason: await unplaceableReason(project, path, `its name cannot be placed: ${parsed.problem}`) });
        continue;
      }
      if (parsed.workflow !== target.workflow) {
        // Another workflow's file, unless nothing in the folder makes that name a workflow.
        if (parsed.version !== null || workingNames.has(`${parsed.workflow}.nbflow`)) others.add(parsed.workflow);
        else skipped.push({ path, reason: await unplaceableReason(project, path, `no workflow ${parsed.workflow} here and no version in its name`) });
        continue;
      }
      if (!entry.isFile) {
        if (entry.isLink) skipped.push({ path, reason: 'is a symbolic link; nbv takes in only plain files' });
        continue;
      }
      if (parsed.version === null && versioned) {
        skipped.push({ path, reason: `its name carries no version (${target.workflow}-V0-N); rename it to place it` });
        continue;
      }
      const v = parsed.version ?? { major: workMajor, minor: workMinor };
      if (v.major > workMajor || (v.major === workMajor && v.minor > workMinor)) {
        skipped.push({ path, reason: `${versionLabel(v)} is newer than the working file's ${target.version}` });
        continue;
      }
      ours.push({ path, name: { ...parsed, version: v } });
    }
  }

  const files: LegacyFile[] = [];
  for (const { path, name } of ours) {
    try {
      const abs = await projectFile(project, path, ORIGIN);
      const stat = await fs.stat(abs);
      if (stat.size > MAX_NBFLOW_BYTES) throw new Error(`${stat.size} bytes is more than an .nbflow may have`);
      const blob = hashBlob(new Uint8Array(await fs.readFile(abs)));
      const mtimeMs = Math.floor(stat.mtimeMs);
      const mtimeDate = momentAt(mtimeMs, eastMinutesAt(project, mtimeMs)).date;
      files.push({ path, name, mtimeMs, mtimeDate, blob });
    } catch (err) {
      skipped.push({ path, reason: `cannot read: ${reasonOf(err, path)}` });
    }
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files: orderLegacyFiles(files), skipped, otherWorkflows: [...others].sort() };
}

/** Files with the same bytes are one state, placed where the first of them falls in the order. */
export function groupByBytes(files: readonly LegacyFile[]): LegacyFile[][] {
  const groups = new Map<string, LegacyFile[]>();
  for (const file of files) {
    const group = groups.get(file.blob);
    if (group) group.push(file);
    else groups.set(file.blob, [file]);
  }
  return [...groups.values()];
}

/** What a step most likely was, from what changed: a new version is a bump; a cache emptied is a
 * wipe; changed inputs are an edit; caches alone changing is a (re-)fill. */
export function inferOperation(diff: DocumentDiff, step: { first: boolean; versionChanged: boolean; seenBefore: boolean }): InferredOp {
  if (step.first) return 'start';
  if (step.versionChanged) return 'bump';
  if (step.seenBefore) return 'restore';
  const kinds = new Set(diff.nodes.flatMap((n) => n.changes.map((c) => c.kind)));
  if (kinds.has('cache-wiped')) return 'wipe';
  const cacheOnly = [...kinds].every((k) => k === 'cache-filled' || k === 'cache-changed');
  if (kinds.size > 0 && cacheOnly && diff.other.length === 0) return 'fill';
  if (kinds.size > 0 || diff.other.length > 0) return 'edit';
  return 'reformat';
}

function workingNameOf(target: TakeInInput, version: string): string {
  if (version === target.version) return target.file;
  const dir = dirOf(target.file);
  return join(dir, `${target.workflow}-${version}.nbflow`);
}

function describeImport(inferred: InferredOp, paths: string[]): string {
  const more = paths.length > 1 ? ` (and ${paths.slice(1).join(', ')}: the same bytes)` : '';
  return `${inferred}: taken in from ${paths[0]}${more}`;
}

/** The group's bytes parsed, or why they cannot be taken in. Never rejects, so that it can be
 * started ahead (reading and parsing the next file overlaps the writes of the current one). */
async function readGroup(project: Project, group: LegacyFile[]): Promise<ParsedNbflow | { reason: string }> {
  const first = group[0]!;
  try {
    const bytes = new Uint8Array(await fs.readFile(await projectFile(project, first.path, ORIGIN)));
    if (hashBlob(bytes) !== first.blob) throw new Error('it changed while nbv was taking it in');
    return parseNbflow(bytes, first.path);
  } catch (err) {
    return { reason: isNbvError(err) ? `not a valid .nbflow: ${reasonOf(err, first.path)}` : `cannot read: ${reasonOf(err, first.path)}` };
  }
}

/** The import chain and the working file on top, with the project lock held and no branch yet. */
export async function takeInHistory(project: Project, target: TakeInInput): Promise<TakeInResult> {
  const discovery = await discoverLegacy(project, target);
  const skipped = [...discovery.skipped];
  const workingBlob = hashBlob(target.working.bytes);
  let groups = groupByBytes(discovery.files);
  // The working file's own bytes, when they are the last state of its version, are that state:
  // one commit. (Equal bytes under an older version stay a state of that version, so that
  // `nbv restore V0-2` still finds what V0-2 ended in.)
  const last = groups[groups.length - 1];
  const lastIsWorking = last !== undefined && last[0]!.blob === workingBlob && versionLabel(last[0]!.name.version!) === target.version;
  const merged = lastIsWorking ? last : null;
  if (merged) groups = groups.slice(0, -1);

  const imported: ImportedState[] = [];
  const dating = importDating(project, target.dates ?? 'auto', groups.map((g) => g[0]!));
  const seen = new Set<string>();
  let parent: HistoryEntry | null = null;
  let parentDoc: NbflowDocument | null = null;
  let files = 1 + (merged?.length ?? 0);
  // One reading of the view for the whole chain: reading it per step would walk history n times.
  const viewTaken = await viewIndex(project);
  // All or nothing: the imported states are objects only, chained; the branch and its tags come
  // into being once, with the head, in one journal. A kill before that leaves no workflow, and
  // running `track` again starts afresh.
  let carry: PendingSteps | undefined;
  let ahead = groups.length > 0 ? readGroup(project, groups[0]!) : null;
  for (const [index, group] of groups.entries()) {
    const paths = group.map((f) => f.path);
    target.onProgress?.({ done: index, total: groups.length, path: paths[0]! });
    const parsed = await ahead!;
    ahead = index + 1 < groups.length ? readGroup(project, groups[index + 1]!) : null;
    if ('reason' in parsed) {
      skipped.push(...paths.map((path) => ({ path, reason: parsed.reason })));
      continue;
    }
    const version = versionLabel(group[0]!.name.version!);
    const diff = diffDocuments(parentDoc, parsed.doc, project.config);
    const inferred = inferOperation(diff, { first: parent === null, versionChanged: parent !== null && parent.op.version !== version, seenBefore: false });
    const moment = dating.moment(group[0]!, parsed.doc);
    const result = await recordState(project, {
      workflow: target.workflow,
      parent,
      op: 'import',
      version,
      file: workingNameOf(target, version),
      parsed,
      message: describeImport(inferred, paths),
      intent: { importedFrom: paths[0]!, inferred },
      view: paths.map((path) => ({ path, state: 'self' as const })),
      writeWorkingFile: false,
      moment,
      parentDoc,
      diff,
      viewTaken,
      deferRef: true,
      ...(carry ? { carry } : {}),
    });
    carry = result.pending;
    crashPoint('import-step');
    imported.push({ commit: result.entry.commit, version, date: moment.iso, inferred, paths });
    seen.add(group[0]!.blob);
    files += paths.length;
    parent = result.entry;
    parentDoc = parsed.doc;
  }
  target.onProgress?.({ done: groups.length, total: groups.length, path: target.file });

  const diff = diffDocuments(parentDoc, target.working.doc, project.config);
  const headInferred = inferOperation(diff, {
    first: parent === null,
    versionChanged: parent !== null && parent.op.version !== target.version,
    seenBefore: seen.has(workingBlob),
  });
  const mergedPaths = merged?.map((f) => f.path) ?? [];
  const head = await recordState(project, {
    workflow: target.workflow,
    parent,
    op: 'track',
    version: target.version,
    file: target.file,
    parsed: target.working,
    message: target.message,
    intent: parent === null && merged === null ? {} : { ...(merged ? { importedFrom: mergedPaths[0]! } : {}), inferred: headInferred },
    view: mergedPaths.map((path) => ({ path, state: 'self' as const })),
    writeWorkingFile: false,
    parentDoc,
    diff,
    viewTaken,
    ...(carry ? { carry } : {}),
  });
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { imported, head, headInferred, files, skipped, otherWorkflows: discovery.otherWorkflows, datesWarning: dating.warning };
}
