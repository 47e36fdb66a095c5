// The merging layer's public surface: a three-way merge of .nbflow documents that keeps our bytes.
// Pure: bytes and settings in, bytes and reports out. Imports only src/json, src/nbflow, src/errors.

export { mergeNbflow, type MergeChange, type MergeConflict, type MergeOptions, type MergePlace, type MergeSideName, type NbflowMergeResult } from './mergeNbflow.js';
export type { CacheDecision, CacheReason } from './caches.js';
export type { ConflictReason, Side } from './merge3.js';
export { describeConflict } from './describe.js';
