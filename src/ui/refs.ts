// What a REF from the page may be. The CLI also takes a path to any file (resolved by its hash);
// the page never does: a request must not make nbv read files the user did not name.
import { NbvError } from '../errors.js';

export const WORKING = 'working';
const STATE_REF = /^(?:HEAD(?:~\d{1,6})?|V\d{1,6}-\d{1,6}|[0-9a-f]{7,40})$/i;

export function checkStateRef(ref: unknown, what = 'ref'): string {
  if (typeof ref !== 'string' || !STATE_REF.test(ref)) {
    throw new NbvError('BAD_USAGE', `${what} must be HEAD, HEAD~N, a version (V0-2) or a commit id (7+ hex)`);
  }
  return ref;
}

/** A ref, or `working` for the working file as it is on disk now. */
export function checkViewRef(ref: unknown, what = 'ref'): string {
  return ref === WORKING ? WORKING : checkStateRef(ref, what);
}
