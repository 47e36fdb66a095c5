// The engine's public operations: one function per command, each taking a Project.
export { initProject, openProject, findProjectRoot, type Project, type OperationContext } from './project.js';
export { track, type TrackOptions, type TrackResult } from './track.js';
export { commit, type CommitOptions, type CommitResult } from './commit.js';
export { bump, type BumpOptions, type BumpResult } from './bump.js';
export { wipe, describeSummary, type WipeOptions, type WipeResult, type WipeSummary } from './wipe.js';
export { restore, type RestoreOptions, type RestoreResult } from './restore.js';
export { undo, type UndoOptions, type UndoResult } from './undo.js';
export { log, logItem, type LogItem, type LogOptions } from './log.js';
export { show, type ShowOptions, type ShowResult } from './show.js';
export { diff, type DiffOptions, type DiffResult } from './diff.js';
export { status, type StatusOptions, type StatusReport, type StaleNode } from './status.js';
export { verify, type VerifyProblem, type VerifyReport } from './verify.js';
export { listWorkflowNames, resolveWorkflow } from './workflows.js';
export type { HistoryEntry } from './history.js';
export type { OpRecord, OpKind } from './opRecord.js';
