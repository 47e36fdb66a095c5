// Equality of JSON values as their serialisations would compare (`JSON.stringify(a) ===
// JSON.stringify(b)`: same members in the same order), without building the strings. Deciding that
// the untouched nodes of a 1 MB workflow are untouched was the largest cost of a diff.

/** True when `a` and `b` serialise to the same JSON text. Depth is bounded by the strict parser. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i] || !jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** True when `a` and `b` are the same content, whatever the order of their members: what
 * `canonicalJson(a) === canonicalJson(b)` decides, without building the two strings (a changed
 * cache array of a 1 MB workflow was serialised twice to find it changed). Members that are
 * `undefined` count as absent, as JSON has no such value. */
export function jsonSameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonSameContent(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keysA = Object.keys(ra).filter((k) => ra[k] !== undefined);
  let countB = 0;
  for (const k of Object.keys(rb)) if (rb[k] !== undefined) countB++;
  if (keysA.length !== countB) return false;
  for (const key of keysA) if (!Object.hasOwn(rb, key) || !jsonSameContent(ra[key], rb[key])) return false;
  return true;
}
