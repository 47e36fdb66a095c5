// nbv as a library: the same operations the CLI runs, with typed options and results.
export * from './engine/index.js';
export { NbvError, isNbvError, type NbvErrorCode, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.js';
export type { NodeSelector, NbflowConfig, DocumentDiff, NodeDiff, NodeRef } from './nbflow/types.js';
export { mergeNbflow, describeConflict, type NbflowMergeResult, type MergeConflict, type MergeChange, type MergeOptions, type CacheDecision } from './merging/index.js';
