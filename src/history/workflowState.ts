// One workflow as a command finds it under the lock, loaded once and carried through planning and
// recording: the head entry, the working file's bytes, and each document parsed at most once.
// Commands used to re-read the working file and re-parse the same bytes at every step (a clean
// `wipe` parsed its document eight times); a state passed along makes that impossible to do by
// accident, since the only way to a document is through its memo.
import { parseNbflow, parseRecordedNbflow, type ParsedNbflow } from '../nbflow/index.js';
import { readState, type HistoryEntry } from './history.js';
import type { Project } from './project.js';
import { loadWorkflow, readWorkingFile, resolveWorkflow, type WorkflowHead, type WorkingFileState } from './workflows.js';

export interface WorkflowState extends WorkflowHead {
  working: WorkingFileState;
  /** The head's recorded document. */
  headDocument(): Promise<ParsedNbflow>;
  /** What the user has now: the working file (parsed strictly when it differs from the head), or
   * the head's document when the file is clean or missing. */
  currentDocument(): Promise<ParsedNbflow>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let memo: Promise<T> | undefined;
  return () => (memo ??= make());
}

export function workflowState(project: Project, wf: WorkflowHead, working: WorkingFileState, head?: ParsedNbflow): WorkflowState {
  const headDocument = once(async () => {
    if (head) return head;
    // Clean bytes are the head's bytes: parse what is in hand instead of reading the store.
    if (working.kind === 'clean') return parseRecordedNbflow(working.bytes, wf.head.op.file);
    return readState(project, wf.head);
  });
  const currentDocument = once(async () =>
    working.kind === 'modified' ? parseNbflow(working.bytes, wf.head.op.file) : headDocument(),
  );
  return { ...wf, working, headDocument, currentDocument };
}

/** The workflow named by `arg` (or the only one), with its working file read once. */
export async function loadWorkflowState(project: Project, arg: string | undefined): Promise<WorkflowState> {
  const wf = await resolveWorkflow(project, arg);
  return workflowState(project, wf, await readWorkingFile(project, wf));
}

/** A workflow by its exact name. */
export async function loadNamedWorkflowState(project: Project, name: string): Promise<WorkflowState> {
  const wf = await loadWorkflow(project, name);
  return workflowState(project, wf, await readWorkingFile(project, wf));
}

/** The state after this command recorded `entry` from `parsed`: the new head's document is the one
 * just recorded, and the working file holds it when the step wrote it (or it was already there). */
export function afterRecord(project: Project, state: WorkflowState, entry: HistoryEntry, parsed: ParsedNbflow): WorkflowState {
  return workflowState(project, { ...state, head: entry }, { kind: 'clean', bytes: parsed.bytes }, parsed);
}
