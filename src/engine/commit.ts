// `nbv commit`: records the working file as it is now; the change is classified per node.
import { NbvError } from '../errors.js';
import type { DocumentDiff } from '../nbflow/index.js';
import type { HistoryEntry } from '../history/history.js';
import { recordWorkingFile, requireWorkingFile, underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { readWorkingFile, resolveWorkflow } from '../history/workflows.js';

export interface CommitOptions {
  workflow?: string;
  message: string;
}

export type CommitResult =
  | { recorded: true; workflow: string; entry: HistoryEntry; diff: DocumentDiff }
  | { recorded: false; workflow: string; entry: HistoryEntry; reason: string };

export async function commit(project: Project, options: CommitOptions): Promise<CommitResult> {
  if (!options.message.trim()) throw new NbvError('BAD_USAGE', `a commit needs a message (-m MSG)`);
  return underLock(project, async () => {
    const wf = await resolveWorkflow(project, options.workflow);
    const working = await readWorkingFile(project, wf);
    requireWorkingFile(wf, working);
    if (working.kind !== 'modified') {
      return { recorded: false, workflow: wf.name, entry: wf.head, reason: `${wf.head.op.file} is as recorded; nothing to commit` };
    }
    const result = await recordWorkingFile(project, wf, working.bytes, options.message);
    return { recorded: true, workflow: wf.name, entry: result.entry, diff: result.diff };
  });
}
