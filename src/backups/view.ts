// The backups/ view as history defines it: every op record lists the view files its commit brings
// into being and which state each holds. The view is the union of those lists, so it can be
// rebuilt at any time and nothing in it is ever the only copy of anything.
import { listWorkflowNames, loadWorkflow } from '../engine/workflows.js';
import { readEntry, walkEntries } from '../engine/history.js';
import type { Project } from '../engine/project.js';

export interface ViewFile {
  path: string;
  /** Git blob id of the bytes the file must hold. */
  blob: string;
  workflow: string;
  /** The commit whose op record put it in the view. */
  commit: string;
  /** The commit whose state it holds. */
  stateCommit: string;
}

/** Every file of the view, oldest commit first. */
export async function expectedView(project: Project): Promise<ViewFile[]> {
  const files: ViewFile[] = [];
  for (const name of await listWorkflowNames(project)) {
    const wf = await loadWorkflow(project, name);
    const perWorkflow: ViewFile[] = [];
    for await (const entry of walkEntries(project, wf.head.commit)) {
      for (const item of entry.op.view) {
        if (item.state === 'self') {
          perWorkflow.push({ path: item.path, blob: entry.fileBlob, workflow: name, commit: entry.commit, stateCommit: entry.commit });
        } else if (entry.parent !== null) {
          const parent = (await readEntry(project, entry.parent)).fileBlob;
          perWorkflow.push({ path: item.path, blob: parent, workflow: name, commit: entry.commit, stateCommit: entry.parent });
        }
      }
    }
    files.push(...perWorkflow.reverse());
  }
  return files;
}

/** path -> blob, for choosing free names. */
export async function viewIndex(project: Project): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for (const file of await expectedView(project)) index.set(file.path, file.blob);
  return index;
}
