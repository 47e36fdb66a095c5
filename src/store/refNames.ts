// Which ref names the store accepts: git check-ref-format's rules, so the real git can read every
// ref we write, and the file-system form `<gitdir>/<ref>` can never escape the gitdir.

import { NbvError } from '../errors.js';

/** Characters git forbids anywhere in a ref name: controls, DEL, space, ~ ^ : ? * [ \ */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;

/** Why `ref` is not a valid full ref name (refs/...), or null when it is. */
export function refNameProblem(ref: string): string | null {
  if (!ref.startsWith('refs/')) return 'must start with refs/';
  if (FORBIDDEN_CHARS.test(ref)) return 'contains a control character, space, or one of ~ ^ : ? * [ \\';
  if (ref.includes('..')) return "contains '..'";
  if (ref.includes('@{')) return "contains '@{'";
  if (ref.endsWith('/')) return "ends with '/'";
  if (ref.endsWith('.')) return "ends with '.'";
  if (/\p{Surrogate}/u.test(ref)) return 'is not well-formed Unicode';
  for (const part of ref.split('/')) {
    if (part === '') return "contains an empty component ('//')";
    if (part.startsWith('.')) return `has a component starting with '.' (${part})`;
    if (part.endsWith('.lock')) return `has a component ending in '.lock' (${part})`;
  }
  if (ref.split('/').length < 3) return 'needs a name after its namespace (refs/<kind>/<name>)';
  return null;
}

/** Throw NbvError BAD_USAGE unless `ref` is a valid full ref name. */
export function assertValidRefName(ref: string): void {
  const problem = refNameProblem(ref);
  if (problem !== null) {
    throw new NbvError('BAD_USAGE', `invalid ref name ${JSON.stringify(ref)}: ${problem}`, { details: { ref } });
  }
}

const FULL_OID = /^[0-9a-f]{40}$/;

/** True for a full lowercase SHA-1 object id. */
export function isFullOid(value: string): boolean {
  return FULL_OID.test(value);
}

/** Throw NbvError BAD_USAGE unless `oid` is a full lowercase SHA-1 object id. */
export function assertFullOid(oid: string, what = 'object id'): void {
  if (!isFullOid(oid)) {
    throw new NbvError('BAD_USAGE', `not a full ${what}: ${JSON.stringify(oid)}`, { details: { oid } });
  }
}
