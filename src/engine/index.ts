// The engine's public operations: one function per command, each taking a Project, and the types
// of their options and results. Internals (cache analysis, provenance, the history index) are not
// exported: tests that need them import them from their own module.
export { initProject, openProject, findProjectRoot, type Project, type OperationContext } from '../history/project.js';
export { track, trackAll, importLegacy, type TrackOptions, type TrackResult, type TrackAllResult } from './track.js';
export type { ImportedState, ImportProgress, SkippedFile } from '../history/importLegacy.js';
export { commit, type CommitOptions, type CommitResult } from './commit.js';
export { bump, type BumpOptions, type BumpResult } from './bump.js';
export { wipe, describeSummary, type WipeOptions, type WipeResult, type WipeSummary } from './wipe.js';
export { restore, type RestoreOptions, type RestoreResult } from './restore.js';
export { undo, type UndoOptions, type UndoResult } from './undo.js';
export { redo, type RedoOptions, type RedoResult } from './redo.js';
export { untrack, type UntrackOptions, type UntrackResult } from './untrack.js';
export { log, type LogItem, type LogOptions } from './log.js';
export { show, type ShowOptions, type ShowResult } from './show.js';
export { diff, type DiffOptions, type DiffResult } from './diff.js';
export { status, type StatusOptions, type StatusReport, type StaleNode } from './status.js';
export { verify, type VerifyProblem, type VerifyReport, type VerifyAnchor, type VerifyHead, type VerifyOptions } from './verify.js';
export { blame, type BlameOptions, type BlameResult, type BlameLine } from './blame.js';
export { audit, auditToCsv, auditToJsonl, type AuditOptions, type AuditRecord, type PatchSummary } from './audit.js';
export { listWorkflowNames } from '../history/workflows.js';
export type { HistoryEntry } from '../history/history.js';
export type { OpRecord, OpKind } from '../history/opRecord.js';
export { OP_KINDS } from '../history/opRecord.js';
export { plan, type PlanOptions, type PlanResult, type PlanItem, type PlanReason } from './plan.js';
export { reroll, type RerollOptions, type RerollResult } from './reroll.js';
export { run, type RunOptions, type RunResult, type RunStart } from './run.js';
export { watch, type WatchOptions, type WatchHandle, type WatchRecord } from './watch.js';
export type { CacheReport, CacheState } from '../history/stale.js';
export type { Decision, AdviceRow } from '../history/advice.js';
export { gc, type GcResult } from './gc.js';
export { syncBackups, checkBackups, type SyncResult, type ViewCheck } from './backups.js';
export { variants, type VariantsOptions, type VariantsResult, type NodeVariant, type NodeVariants } from './variants.js';
