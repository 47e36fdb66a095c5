// Bringing the project folder in line with history after a clone or a pull: each workflow's
// working file at its head, and the backups/ view. A file that holds bytes history does not know
// is never overwritten: it is reported instead (it may be the only copy of something).
import { materializeFile } from '../journal.js';
import { checkBackups } from '../backupsCheck.js';
import type { Project } from '../project.js';
import { loadWorkflow } from '../workflows.js';

export interface Materialized {
  written: string[];
  /** Files left alone because they hold other bytes. */
  kept: string[];
}

/** Writes the working file of `workflow` at its head unless a file with unknown bytes is there;
 * `replaceable` names the blobs it may replace (the previous head's). */
export async function writeWorkingFile(project: Project, workflow: string, replaceable: string[], out: Materialized): Promise<void> {
  const wf = await loadWorkflow(project, workflow);
  const ok = await materializeFile(project, { path: wf.head.op.file, blob: wf.head.fileBlob, replaceable });
  (ok ? out.written : out.kept).push(wf.head.op.file);
}

/** Writes every file of the backups/ view that is missing. */
export async function syncMissingView(project: Project, out: Materialized): Promise<void> {
  const view = await checkBackups(project, { hash: false });
  for (const file of view.missing) {
    const ok = await materializeFile(project, { path: file.path, blob: file.blob, replaceable: [] });
    (ok ? out.written : out.kept).push(file.path);
  }
}
