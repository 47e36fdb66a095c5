// `nbv backups adopt FILE`: a copy someone made by hand in backups/ is taken into history, so it
// stops being "unknown" and `backups check` can pass again. Its bytes are recorded as an imported
// state (the way `track` takes in a hand-kept folder, docs/import.md) whose view entry is the file
// itself, followed by a `track` step back to the head's own state: the branch ends where it was, and the
// working file is never read or written.
import fs from 'node:fs/promises';
import path from 'node:path';
import { hashBlob } from '../store/index.js';
import { NbvError } from '../errors.js';
import { parseNbflow, parsePreChangeBackupName, parseVersionedFileName } from '../nbflow/index.js';
import { underLock } from '../history/mutation.js';
import { projectFile, projectRelativePath, type Project } from '../history/project.js';
import { listWorkflowNames, loadWorkflow, type WorkflowHead } from '../history/workflows.js';
import { readState } from '../history/history.js';
import { expectedView } from '../history/backupsView.js';
import { BACKUPS_DIR, backupsDirFor } from '../backups/names.js';
import { recordState } from '../history/record.js';

export interface AdoptResult {
  path: string;
  workflow: string;
  /** The commit whose state is the adopted bytes; null when the file was in the view already. */
  commit: string | null;
}

function refuse(file: string, why: string): NbvError {
  return new NbvError('BAD_USAGE', `cannot adopt: ${why}`, { file });
}

/** The workflow a backups/ file name belongs to: `XYZG3-V0-3.nbflow`, `XYZG3-V0-3 (copy).nbflow`,
 * `XYZG3-V0-3.nbflow.bak-...` all name XYZG3. */
function workflowOfName(base: string, names: string[]): string | null {
  const bak = parsePreChangeBackupName(base);
  const versioned = parseVersionedFileName(bak ? bak.file : base);
  if (versioned && names.includes(versioned.name)) return versioned.name;
  // A hand copy's name is often the original's with something added: the longest prefix wins.
  const prefixed = names.filter((n) => base.startsWith(`${n}-V`)).sort((a, b) => b.length - a.length);
  return prefixed[0] ?? null;
}

async function chooseWorkflow(project: Project, file: string, relative: string): Promise<WorkflowHead> {
  const dir = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
  const base = relative.slice(relative.lastIndexOf('/') + 1);
  if (dir !== BACKUPS_DIR && !dir.endsWith(`/${BACKUPS_DIR}`)) throw refuse(file, `not in a backups/ folder`);
  const names: string[] = [];
  for (const name of await listWorkflowNames(project)) {
    if (backupsDirFor((await loadWorkflow(project, name)).head.op.file) === dir) names.push(name);
  }
  const name = workflowOfName(base, names);
  if (name === null) throw refuse(file, `its name belongs to no tracked workflow whose backups are in ${dir}/`);
  return loadWorkflow(project, name);
}

export async function adoptBackup(project: Project, file: string): Promise<AdoptResult> {
  return underLock(project, async () => {
    const relative = await projectRelativePath(project, file);
    let stat;
    try {
      stat = await fs.lstat(path.resolve(file));
    } catch {
      throw new NbvError('FILE_NOT_FOUND', 'no such file', { file });
    }
    if (stat.isSymbolicLink()) throw refuse(file, 'it is a symlink (adopt takes the copy itself)');
    if (!stat.isFile()) throw refuse(file, 'not a regular file');
    const wf = await chooseWorkflow(project, file, relative);
    const bytes = new Uint8Array(await fs.readFile(await projectFile(project, relative, 'the file to adopt')));
    const blob = hashBlob(bytes);
    const known = (await expectedView(project)).filter((f) => f.path === relative);
    if (known.some((f) => f.blob === blob)) return { path: relative, workflow: wf.name, commit: null };
    if (known.length > 0) throw refuse(file, `history already defines it with other bytes ('nbv backups sync' keeps your edit under .nbv/displaced/)`);
    let parsed;
    try {
      parsed = parseNbflow(bytes, relative);
    } catch (err) {
      throw refuse(file, `not an .nbflow document (${(err as Error).message})`);
    }
    const head = wf.head;
    const message = `adopt ${relative}: a hand-made copy taken into history`;
    const first = await recordState(project, {
      workflow: wf.name,
      parent: head,
      op: 'import',
      version: head.op.version,
      file: head.op.file,
      parsed,
      message,
      intent: { importedFrom: relative, auto: 'adopt' },
      view: [{ path: relative, state: 'self' }],
      writeWorkingFile: false,
      deferRef: true,
    });
    if (first.view[0]?.path !== relative) throw new NbvError('IO', `${relative} changed while it was being adopted; nothing was recorded`, { file });
    await recordState(project, {
      workflow: wf.name,
      parent: first.entry,
      // As `track` ends an import (docs/import.md): the branch ends in a tracked state, never an imported one.
      op: 'track',
      version: head.op.version,
      file: head.op.file,
      parsed: await readState(project, head),
      message: `back to ${head.op.version} as it was before adopting ${relative}`,
      intent: { auto: 'adopt' },
      view: [],
      writeWorkingFile: false,
      ...(first.pending ? { carry: first.pending } : {}),
    });
    return { path: relative, workflow: wf.name, commit: first.entry.commit };
  });
}
