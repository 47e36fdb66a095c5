// `nbv commit`: records the working file as it is now; the change is classified per node. It also
// takes in what the user saved where nbv did not expect it (history/strayFiles.ts): the next
// version saved by hand is recorded as the bump it is, and edits saved into a working file a bump
// retired are recorded on the current version. Without a message, one is written from the change.
import { NbvError } from '../errors.js';
import { diffDocuments, type DocumentDiff } from '../nbflow/index.js';
import { recordHandBump } from '../history/bumpState.js';
import type { HistoryEntry } from '../history/history.js';
import { commitOnHead, requireWorkingFile, underLock } from '../history/mutation.js';
import { noteNoop } from '../history/opLog.js';
import { operationTime, type Project } from '../history/project.js';
import { findStrayFiles } from '../history/strayFiles.js';
import { summarizeChange } from '../history/changeSummary.js';
import { loadWorkflowState } from '../history/workflowState.js';

export interface CommitOptions {
  workflow?: string;
  /** Absent: a message is written from the classified change ("Scene 03: prompt edited"). */
  message?: string;
}

export type CommitResult =
  | {
      recorded: true;
      workflow: string;
      entry: HistoryEntry;
      diff: DocumentDiff;
      /** What was recorded: the working file, a hand-made bump, or a retired file's edits. */
      kind: 'working' | 'hand-bump' | 'retired';
      /** The file whose bytes were recorded, when it is not the working file it became. */
      from: string | null;
      /** A commit recorded first (the old version's last saved state, before a hand bump). */
      savedCommit: string | null;
    }
  | { recorded: false; workflow: string; entry: HistoryEntry; reason: string };

export async function commit(project: Project, options: CommitOptions): Promise<CommitResult> {
  if (options.message !== undefined && !options.message.trim()) throw new NbvError('BAD_USAGE', `a commit message cannot be empty (leave -m out and nbv writes one)`);
  return underLock(project, async () => {
    const wf = await loadWorkflowState(project, options.workflow);
    const stray = await findStrayFiles(project, wf);
    if (stray.handBump) {
      const bumped = await recordHandBump(project, wf, stray.handBump, options.message);
      return { recorded: true, workflow: wf.name, entry: bumped.entry, diff: bumped.diff, kind: 'hand-bump', from: null, savedCommit: bumped.savedCommit };
    }
    const working = wf.working;
    const retired = stray.retired[0];
    if (retired && working.kind !== 'modified') {
      // The working file is as recorded, so taking the retired file's bytes loses nothing: the
      // state they replace is the head, one 'nbv undo' away.
      const result = await commitOnHead(project, wf, {
        parsed: { ...retired.parsed, file: wf.head.op.file },
        message: options.message ?? `edits saved into ${retired.file} after the bump, taken into ${wf.head.op.version}`,
        intent: { importedFrom: retired.file },
        writeWorkingFile: true,
        retireFile: retired.file,
      });
      return { recorded: true, workflow: wf.name, entry: result.entry, diff: result.diff, kind: 'retired', from: retired.file, savedCommit: null };
    }
    if (retired && working.kind === 'modified') {
      throw new NbvError('UNCOMMITTED_CHANGES', `${retired.file} (a retired ${retired.version} file) and ${wf.head.op.file} both hold unrecorded edits: keep the ones you want in ${wf.head.op.file}, remove ${retired.file}, then 'nbv commit'`, { file: retired.file });
    }
    requireWorkingFile(wf, working);
    if (working.kind !== 'modified') {
      await noteNoop(project, wf, 'commit: nothing to commit', operationTime(project).iso);
      return { recorded: false, workflow: wf.name, entry: wf.head, reason: `${wf.head.op.file} is as recorded; nothing to commit` };
    }
    // One parse of each side and one diff serve the message and the record.
    const parsed = await wf.currentDocument();
    const headDoc = (await wf.headDocument()).doc;
    const diff = diffDocuments(headDoc, parsed.doc, project.config);
    const result = await commitOnHead(project, wf, { parsed, diff, message: options.message ?? summarizeChange(diff), intent: {} });
    return { recorded: true, workflow: wf.name, entry: result.entry, diff: result.diff, kind: 'working', from: null, savedCommit: null };
  });
}
