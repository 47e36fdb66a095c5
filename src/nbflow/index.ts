// The document layer's public surface: pure functions over .nbflow bytes and values. Nothing here
// knows about git, the store or the file system.

export * from './types.js';
export { DEFAULT_CONFIG, parseConfig } from './config.js';
export { MAX_NBFLOW_BYTES, decodeNbflowText, parseNbflow, parseRecordedNbflow, validateNbflowValue } from './parse.js';
export {
  cacheEntries,
  filledCacheFields,
  findNode,
  generationInputs,
  hasCacheField,
  listNodes,
  nodeKind,
  nodeRef,
  nodeTitle,
  sceneNumber,
  type NodeLocation,
} from './nodes.js';
export { describeSelector, formatSceneRanges, parseSceneSelector, selectNodes } from './select.js';
export { transplantCache, wipeCache, type CacheFieldChange, type TransplantResult, type WipeResult } from './cacheEdit.js';
export { diffDocuments, isReferenceField, summarizeCacheChange } from './diff.js';
export { formatWordDiff, wordDiff, type WordDiffPart } from './wordDiff.js';
export { describeEdgeChange, diffEdges, type EdgeChange } from './edgeDiff.js';
export { outlineDocument } from './outline.js';
export {
  MAX_WORKFLOW_NAME_LENGTH,
  NBFLOW_EXTENSION,
  compareVersions,
  formatVersionedFileName,
  parsePreChangeBackupName,
  parseVersionLabel,
  parseVersionedFileName,
  preChangeBackupName,
  supersededBackupName,
  validateWorkflowName,
  versionLabel,
  workflowNameProblem,
  type PreChangeBackupName,
  type Version,
  type VersionedFileName,
} from './fileName.js';

export * from '../json/index.js';
export * from './fingerprint.js';
export * from './staleness.js';
