// `nbv track FILE`: the first commit of a workflow. The file is read, never written.
import fs from 'node:fs/promises';
import { NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { parseNbflow, parseVersionedFileName, validateWorkflowName, versionLabel } from '../nbflow/index.js';
import { baseName, branchRef, readEntry, type HistoryEntry } from './history.js';
import { underLock } from './mutation.js';
import { absolutePath, projectRelativePath, type Project } from './project.js';
import { recordState } from './record.js';
import type { DocumentDiff } from '../nbflow/index.js';

export interface TrackOptions {
  file: string;
  message?: string;
}

export interface TrackResult {
  workflow: string;
  version: string;
  file: string;
  entry: HistoryEntry;
  /** False when the workflow was already tracked with these very bytes (tracking twice is harmless). */
  created: boolean;
  diff: DocumentDiff | null;
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

export async function track(project: Project, options: TrackOptions): Promise<TrackResult> {
  const file = await projectRelativePath(project, options.file);
  const { workflow, version } = identifyWorkflowFile(file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(absolutePath(project, file)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NbvError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'IO', code === 'ENOENT' ? 'no such file' : (err as Error).message, {
      file: options.file,
    });
  }
  const parsed = parseNbflow(bytes, options.file);

  return underLock(project, async () => {
    const existing = await project.store.resolveRef(branchRef(workflow));
    if (existing !== null) {
      const head = await readEntry(project, existing);
      if (head.fileBlob === hashBlob(bytes) && head.op.file === file) {
        return { workflow, version: head.op.version, file, entry: head, created: false, diff: null };
      }
      throw new NbvError('ALREADY_EXISTS', `workflow ${workflow} is already tracked (as ${head.op.file}); 'nbv commit' records new changes`, {
        file: options.file,
      });
    }
    const result = await recordState(project, {
      workflow,
      parent: null,
      op: 'track',
      version,
      file,
      parsed,
      message: options.message ?? `start tracking ${baseName(file)}`,
      intent: {},
      view: [],
      writeWorkingFile: false,
    });
    return { workflow, version, file, entry: result.entry, created: true, diff: result.diff };
  });
}
