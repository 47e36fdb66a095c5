// Files of a workflow that nbv did not write but the user's habits did: the next version saved by
// hand (the seed's "move V0-5 to backups/, save V0-6"), and edits saved into a working file that a
// bump retired (the editor still had V0-14 open). status shows them, commit records them; both
// read them through here so that they agree on what is there.
import fs from 'node:fs/promises';
import { isNbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { compareVersions, diffDocuments, parseNbflow, parseVersionedFileName, parseVersionLabel, versionLabel, type DocumentDiff, type ParsedNbflow } from '../nbflow/index.js';
import { readState, type HistoryEntry } from './history.js';
import { newestEntry } from './historyIndex.js';
import { projectFile, type Project } from './project.js';
import type { WorkflowHead } from './workflows.js';

export interface StrayFile {
  /** Project-relative path. */
  file: string;
  version: string;
  parsed: ParsedNbflow;
  blob: string;
  /** What it is compared with: the head for a hand bump, else the newest recorded state of its
   * version (null: history never had that version). */
  base: HistoryEntry | null;
  diff: DocumentDiff | null;
}

export interface StrayFiles {
  /** A file of a later version than the head, beside (or instead of) the working file. */
  handBump: StrayFile | null;
  /** Earlier versions' working files holding bytes history does not have. */
  retired: StrayFile[];
  /** Files that look like one of these but cannot be read as a .nbflow (a save in progress). */
  unreadable: Array<{ file: string; problem: string }>;
}

const dirOf = (file: string) => (file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '');

async function listDir(project: Project, dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir === '' ? project.root : await projectFile(project, dir.slice(0, -1), 'the working file'));
  } catch {
    return [];
  }
}

async function readCandidate(project: Project, file: string): Promise<ParsedNbflow | { problem: string } | null> {
  try {
    const where = await projectFile(project, file, 'a workflow file');
    const stat = await fs.lstat(where);
    if (!stat.isFile()) return null;
    return parseNbflow(new Uint8Array(await fs.readFile(where)), file);
  } catch (err) {
    if (isNbvError(err)) return { problem: err.message };
    return null;
  }
}

export async function findStrayFiles(project: Project, wf: WorkflowHead): Promise<StrayFiles> {
  const out: StrayFiles = { handBump: null, retired: [], unreadable: [] };
  const current = parseVersionLabel(wf.head.op.version);
  if (!current) return out;
  const dir = dirOf(wf.head.op.file);
  const candidates: Array<{ file: string; version: { major: number; minor: number } }> = [];
  for (const name of await listDir(project, dir)) {
    const v = parseVersionedFileName(name);
    const file = `${dir}${name}`;
    if (!v || v.name !== wf.name || file === wf.head.op.file || !name.endsWith('.nbflow')) continue;
    candidates.push({ file, version: { major: v.major, minor: v.minor } });
  }
  candidates.sort((a, b) => compareVersions(a.version, b.version));
  for (const candidate of candidates) {
    const later = compareVersions(candidate.version, current) > 0;
    if (later && out.handBump) continue; // the nearest later version is the one saved by hand
    const parsed = await readCandidate(project, candidate.file);
    if (parsed === null) continue;
    if ('problem' in parsed) {
      out.unreadable.push({ file: candidate.file, problem: parsed.problem });
      continue;
    }
    const blob = hashBlob(parsed.bytes);
    const version = versionLabel(candidate.version);
    if (!later) {
      // A retired file matters only when it holds bytes history lacks (a leftover copy of a
      // recorded state says nothing new).
      const recorded = await newestEntry(project, wf, () => (row) => row.fileBlob === blob);
      if (recorded) continue;
    }
    // A hand bump carries the head's state on; a retired file's edits are against its own version.
    const base = later ? wf.head : await newestEntry(project, wf, () => (row) => row.op.version === version);
    const diff = base ? diffDocuments((await readState(project, base)).doc, parsed.doc, project.config) : null;
    const stray = { file: candidate.file, version, parsed, blob, base, diff };
    if (later) out.handBump = stray;
    else out.retired.push(stray);
  }
  return out;
}
