// The store's public API: a content-addressed history over a bare git repository.

export { Store } from './store.js';
export { hashBlob } from './gitFormat.js';
export { writeFileAtomic, removeFileDurable } from './atomicFile.js';
export { acquireProjectLock, LOCK_FILE_NAME, type LockHolder, type LockOptions, type ReleaseLock } from './lock.js';
export { refNameProblem, assertValidRefName, isFullOid } from './refNames.js';
export type { Signature, StoredCommit, RefEntry, WriteCommitInput } from './types.js';
export { packObjects, MAX_DELTA_DEPTH, type PackOptions, type PackResult } from './pack.js';
export { storeObjectStats, type StoreObjectStats } from './objectFiles.js';
export { HASH_MISMATCH } from './objectReader.js';
export { removeDeadTemps, removeStoreTemps, STALE_TEMP_MS } from './tempFiles.js';
export { gitAuxProblems, dropStaleGitAux } from './gitAux.js';
export {
  listRemoteRefs, fetchObjects, pushRefs, startLocalRepository, parseRemoteUrl, scrubUrl, CONFIG_REF,
  listRemoteEntries, findRemoteEntry, addRemoteEntry, removeRemoteEntry, assertRemoteName,
  type RemoteUrl, type RemoteKind, type PushUpdate, type TransportOptions, type TransferProgress, type RemoteEntry,
} from './remote/transport.js';
