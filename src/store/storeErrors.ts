// Turning whatever isomorphic-git or the file system throws into an NbvError, so callers see a
// stable code and a one-line message naming the file, never a library's stack trace.

import { NbvError } from '../errors.js';

/** isomorphic-git's error names that mean "the object is not there or not what it should be". */
const OBJECT_PROBLEMS = new Set(['NotFoundError', 'ObjectTypeError', 'InternalError', 'ParseError', 'AmbiguousError']);

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** True for an isomorphic-git NotFoundError. */
export function isNotFound(err: unknown): boolean {
  return codeOf(err) === 'NotFoundError';
}

/**
 * Wrap `err` raised while doing `what` in the store at `file`: errno errors (EACCES, ENOSPC, ...)
 * become IO; missing, mistyped or undecodable objects become CORRUPT_STORE. NbvErrors pass through.
 */
export function wrapStoreError(err: unknown, what: string, file: string): NbvError {
  if (err instanceof NbvError) return err;
  const code = codeOf(err);
  const reason = err instanceof Error ? err.message : String(err);
  const isErrno = code !== undefined && /^E[A-Z0-9]+$/.test(code);
  if (isErrno) return new NbvError('IO', `${what}: ${reason}`, { file, cause: err, details: { errno: code } });
  const kind = code !== undefined && OBJECT_PROBLEMS.has(code) ? code : 'undecodable object';
  return new NbvError('CORRUPT_STORE', `${what}: ${reason}`, { file, cause: err, details: { kind } });
}

/** Run `fn`, wrapping any failure with wrapStoreError. */
export async function guarded<T>(what: string, file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrapStoreError(err, what, file);
  }
}
