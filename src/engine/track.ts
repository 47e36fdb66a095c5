// `nbv track FILE`: starts the history of a workflow. By default the hand-made copies of it
// beside the file and in backups/ are taken in first (importLegacy.ts), so the history begins
// where the user's own discipline began. The user's files are read, never written.
import fs from 'node:fs/promises';
import path from 'node:path';
import { isNbvError, NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { parseLegacyName } from '../backups/legacyNames.js';
import { compareVersions, parseNbflow, parseVersionedFileName, parseVersionLabel, validateWorkflowName, versionLabel, type ParsedNbflow } from '../nbflow/index.js';
import { baseName, branchRef, readEntry, walkEntries, type HistoryEntry } from '../history/history.js';
import { discoverLegacy, takeInHistory, type ImportedState, type ImportProgress, type SkippedFile } from '../history/importLegacy.js';
import { underLock } from '../history/mutation.js';
import type { DateSource } from '../backups/legacyDates.js';
import type { InferredOp } from '../history/opRecord.js';
import { projectFile, projectRelativePath, type Project } from '../history/project.js';
import { recordState } from '../history/record.js';
import type { DocumentDiff } from '../nbflow/index.js';

export interface TrackOptions {
  file: string;
  message?: string;
  /** Take in the hand-made copies (backups/, .bak, copies) first; true unless `--no-history`. */
  history?: boolean;
  /** Track a file whose name has no version (NAME.nbflow) as V0-1; refused without it, since a
   * stray `nbv track "My Workflow.nbflow"` would otherwise become a second workflow. */
  unversioned?: boolean;
  /** Where imported states' dates come from: `auto` (modification times unless they look reset
   * by a copy), `mtime`, or `content` (backup names and the document). */
  dates?: DateSource;
  /** Called as each imported state is recorded (a progress bar for big folders). */
  onProgress?: (progress: ImportProgress) => void;
}

export interface TrackResult {
  workflow: string;
  version: string;
  file: string;
  entry: HistoryEntry;
  /** False when the workflow was already tracked with these very bytes (tracking twice is harmless). */
  created: boolean;
  diff: DocumentDiff | null;
  /** States taken in from hand-made copies, oldest first (the working file is `entry`). */
  imported: ImportedState[];
  /** What the working file's step most likely was, when it has imported states before it. */
  inferred: InferredOp | null;
  /** Files of this workflow whose bytes are in history after tracking (the working file included). */
  files: number;
  /** Commits this call created (0 when already tracked). */
  states: number;
  /** First and last version in history. */
  versions: { first: string; last: string };
  /** Files that look like .nbflow copies but were left alone, and why. */
  skipped: SkippedFile[];
  /** Other workflows with files in the same folders: each needs its own `nbv track`. */
  otherWorkflows: string[];
  /** Why imported dates come from names and documents rather than modification times. */
  datesWarning?: string | null;
}

/** Workflow name and version from a file name; an unversioned name starts at V0-1. */
export function identifyWorkflowFile(file: string): { workflow: string; version: string } {
  const base = baseName(file);
  const versioned = parseVersionedFileName(base);
  if (versioned) return { workflow: versioned.name, version: versionLabel(versioned) };
  if (!base.endsWith('.nbflow')) {
    throw new NbvError('BAD_FILE_NAME', `is not a .nbflow file (expected NAME-V0-N.nbflow)`, { file });
  }
  const workflow = base.slice(0, -'.nbflow'.length);
  validateWorkflowName(workflow, file);
  return { workflow, version: 'V0-1' };
}

async function readWorking(project: Project, file: string, userPath: string): Promise<ParsedNbflow> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(await projectFile(project, file, 'the file to track')));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NbvError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'IO', code === 'ENOENT' ? 'no such file' : (err as Error).message, {
      file: userPath,
    });
  }
  return parseNbflow(bytes, userPath);
}

/** Tracking twice: nothing is recorded again; files whose bytes history lacks are listed. */
type UnchangedFields = Omit<TrackResult, 'entry' | 'versions' | 'skipped' | 'otherWorkflows' | 'files'>;

async function alreadyTracked(project: Project, head: HistoryEntry, base: UnchangedFields, history: boolean): Promise<TrackResult> {
  const blobs = new Set<string>();
  let first = head.op.version;
  for await (const entry of walkEntries(project, head.commit)) {
    blobs.add(entry.fileBlob);
    first = entry.op.version;
  }
  const discovery = history
    ? await discoverLegacy(project, { workflow: base.workflow, version: base.version, file: base.file })
    : { files: [], skipped: [], otherWorkflows: [] };
  const known = discovery.files.filter((f) => blobs.has(f.blob));
  const unknown = discovery.files
    .filter((f) => !blobs.has(f.blob))
    .map((f) => ({ path: f.path, reason: `not in history: ${base.workflow} was already tracked, so nothing more is taken in` }));
  return {
    ...base,
    entry: head,
    files: 1 + known.length,
    versions: { first, last: head.op.version },
    skipped: [...discovery.skipped, ...unknown].sort((a, b) => (a.path < b.path ? -1 : 1)),
    otherWorkflows: discovery.otherWorkflows,
  };
}

export async function track(project: Project, options: TrackOptions): Promise<TrackResult> {
  const file = await projectRelativePath(project, options.file);
  const { workflow, version } = identifyWorkflowFile(file);
  const parsed = await readWorking(project, file, options.file);
  if (!parseVersionedFileName(baseName(file)) && !options.unversioned) {
    throw new NbvError('BAD_FILE_NAME', `has no version in its name (NAME-V0-N.nbflow): rename it, e.g. to '${workflow}-V0-1.nbflow', or 'nbv track --unversioned FILE' tracks it as ${workflow} V0-1`, { file: options.file });
  }
  const history = options.history ?? true;
  const message = options.message ?? `start tracking ${baseName(file)}`;

  return underLock(project, async () => {
    const existing = await project.store.resolveRef(branchRef(workflow));
    if (existing !== null) {
      const head = await readEntry(project, existing);
      if (head.fileBlob === hashBlob(parsed.bytes) && head.op.file === file) {
        const base = { workflow, version: head.op.version, file, created: false, diff: null, imported: [], inferred: null, states: 0 };
        return alreadyTracked(project, head, base, history);
      }
      const later = parseVersionLabel(version) && parseVersionLabel(head.op.version) && compareVersions(parseVersionLabel(version)!, parseVersionLabel(head.op.version)!) > 0;
      const hint = later
        ? `${baseName(file)} looks like ${head.op.version}'s next version saved by hand: 'nbv commit' records it as the bump`
        : `'nbv commit' records new changes`;
      throw new NbvError('ALREADY_EXISTS', `workflow ${workflow} is already tracked (as ${head.op.file}); ${hint}`, {
        file: options.file,
      });
    }
    if (!history) {
      const result = await recordState(project, {
        workflow, parent: null, op: 'track', version, file, parsed, message, intent: {}, view: [], writeWorkingFile: false,
      });
      return {
        workflow, version, file, entry: result.entry, created: true, diff: result.diff, imported: [], inferred: null,
        files: 1, states: 1, versions: { first: version, last: version }, skipped: [], otherWorkflows: [],
      };
    }
    const taken = await takeInHistory(project, {
      workflow, version, file, working: parsed, message, ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.dates ? { dates: options.dates } : {}),
    });
    return {
      workflow,
      version,
      file,
      entry: taken.head.entry,
      created: true,
      diff: taken.head.diff,
      imported: taken.imported,
      inferred: taken.imported.length > 0 || taken.head.entry.op.intent.importedFrom !== undefined ? taken.headInferred : null,
      files: taken.files,
      states: taken.imported.length + 1,
      versions: { first: taken.imported[0]?.version ?? version, last: version },
      skipped: taken.skipped,
      otherWorkflows: taken.otherWorkflows,
      datesWarning: taken.datesWarning,
    };
  });
}

/** Takes in a hand-kept folder: `track` with its history (the library's name for the benchmark
 * and for scripts that adopt many projects). */
export function importLegacy(project: Project, options: Omit<TrackOptions, 'history'>): Promise<TrackResult> {
  return track(project, { ...options, history: true });
}

/** The working files of a folder: per workflow, the plain `NAME-V<m>-<n>.nbflow` (or
 * `NAME.nbflow`) with the highest version. Copies (.bak, "copy", " (1)") are never working files. */
export async function findWorkingFiles(dir: string): Promise<string[]> {
  const newest = new Map<string, { name: string; major: number; minor: number }>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.nbflow')) continue;
    const parsed = parseLegacyName(entry.name);
    if (parsed === null || 'problem' in parsed || parsed.variant !== 'plain') continue;
    const v = parsed.version ?? { major: 0, minor: 1 };
    const best = newest.get(parsed.workflow);
    if (!best || v.major > best.major || (v.major === best.major && v.minor > best.minor)) newest.set(parsed.workflow, { name: entry.name, ...v });
  }
  return [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, best]) => path.join(dir, best.name));
}

export interface TrackAllResult {
  tracked: TrackResult[];
  /** Working files that could not be tracked, and why (the others were tracked all the same). */
  failed: Array<{ file: string; code: string; message: string }>;
}

/** `nbv track --all`: every workflow whose working file is in `dir`, each with its own history. */
export async function trackAll(project: Project, options: { dir: string } & Omit<TrackOptions, 'file' | 'message'>): Promise<TrackAllResult> {
  const files = await findWorkingFiles(options.dir);
  if (files.length === 0) throw new NbvError('NOTHING_TO_DO', `no working file (NAME-V0-N.nbflow) in this folder`, { file: options.dir });
  const result: TrackAllResult = { tracked: [], failed: [] };
  for (const file of files) {
    try {
      result.tracked.push(await track(project, { ...options, file }));
    } catch (err) {
      if (!isNbvError(err)) throw err;
      result.failed.push({ file: path.relative(options.dir, file), code: err.code, message: err.message });
    }
  }
  return result;
}
