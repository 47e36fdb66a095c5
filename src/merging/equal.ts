// Content equality of JSON values: the same members with the same values, whatever their order.
// A merge decides "did this side change it?" at every level, so this must be cheap and stop at the
// first difference; comparing canonical serialisations of a 5 MB document at each level was not.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function contentEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!contentEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  for (const key of keysA) {
    if (!Object.hasOwn(recordB, key) || !contentEqual(recordA[key], recordB[key])) return false;
  }
  return true;
}

/** `undefined` stands for "absent": two absent values are equal, absent and present are not. */
export function sameOrAbsent(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return contentEqual(a, b);
}
