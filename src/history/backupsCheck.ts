// `nbv backups check`: the view on disk against the view history defines. Files history does not
// know are reported, never deleted: they may be the only copy of something.
import fs from 'node:fs/promises';
import { hashBlob } from '../store/index.js';
import { absolutePath, type Project } from './project.js';
import { listWorkflowNames, loadWorkflow } from './workflows.js';
import { BACKUPS_DIR, backupsDirFor } from '../backups/names.js';
import { expectedView, type ViewFile } from './backupsView.js';

export interface AlteredFile extends ViewFile {
  actualBlob: string;
}

export interface ViewCheck {
  ok: boolean;
  expected: number;
  missing: ViewFile[];
  altered: AlteredFile[];
  unknown: string[];
}

async function blobOnDisk(project: Project, relative: string): Promise<string | null> {
  try {
    return hashBlob(new Uint8Array(await fs.readFile(absolutePath(project, relative))));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function viewFolders(project: Project, view: ViewFile[]): Promise<string[]> {
  // Only backups folders are scanned for unknown files: hand-made copies taken in from the
  // project folder itself are in the view, but the project folder is not a backups folder.
  const dirs = new Set(
    view.map((f) => f.path.slice(0, Math.max(0, f.path.lastIndexOf('/')))).filter((d) => d === BACKUPS_DIR || d.endsWith(`/${BACKUPS_DIR}`)),
  );
  for (const name of await listWorkflowNames(project)) dirs.add(backupsDirFor((await loadWorkflow(project, name)).head.op.file));
  return [...dirs].sort();
}

async function listFolder(project: Project, dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(absolutePath(project, dir), { withFileTypes: true });
    // Dot files are nbv's own temporaries (atomic writes) or the user's tooling, not backups.
    return entries.filter((e) => !e.name.startsWith('.') && !e.isDirectory()).map((e) => `${dir}/${e.name}`);
  } catch {
    return [];
  }
}

async function exists(project: Project, relative: string): Promise<boolean> {
  try {
    await fs.access(absolutePath(project, relative));
    return true;
  } catch {
    return false;
  }
}

export interface CheckOptions {
  /** Hash every file to find altered ones (default). Without it only presence is checked: what
   * `status` needs on every call, without reading hundreds of megabytes of backups. */
  hash?: boolean;
  /** Read the view from every commit instead of the derived cache (verify's choice). */
  cached?: boolean;
}

export async function checkBackups(project: Project, options: CheckOptions = {}): Promise<ViewCheck> {
  const view = await expectedView(project, { cached: options.cached !== false });
  const expectedPaths = new Set(view.map((f) => f.path));
  const missing: ViewFile[] = [];
  const altered: AlteredFile[] = [];
  for (const file of view) {
    if (options.hash === false) {
      if (!(await exists(project, file.path))) missing.push(file);
      continue;
    }
    const actual = await blobOnDisk(project, file.path);
    if (actual === null) missing.push(file);
    else if (actual !== file.blob) altered.push({ ...file, actualBlob: actual });
  }
  const unknown: string[] = [];
  for (const dir of await viewFolders(project, view)) {
    for (const file of await listFolder(project, dir)) if (!expectedPaths.has(file)) unknown.push(file);
  }
  return { ok: missing.length + altered.length + unknown.length === 0, expected: view.length, missing, altered, unknown };
}
