// Resolving an abbreviated object id (what users type: `3f2a9c1`) to exactly one full id.

import { NbvError } from '../errors.js';

/** The prefix in lowercase; UNKNOWN_REF unless it is 7 to 40 hex digits (git's shortest default). */
export function normalizeOidPrefix(prefix: string): string {
  const short = prefix.toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(short)) {
    throw new NbvError('UNKNOWN_REF', `${JSON.stringify(prefix)} is not a commit id prefix (7 to 40 hex digits)`, {
      details: { prefix },
    });
  }
  return short;
}

/** The single match; UNKNOWN_REF when there is none, AMBIGUOUS_REF (listing them) when several. */
export function pickOidMatch(prefix: string, matches: Iterable<string>): string {
  const unique = [...new Set(matches)].sort();
  const [only] = unique;
  if (unique.length === 1 && only !== undefined) return only;
  if (only === undefined) throw new NbvError('UNKNOWN_REF', `no commit matches ${prefix}`, { details: { prefix } });
  const shown = unique.map((oid) => oid.slice(0, 12)).join(', ');
  throw new NbvError('AMBIGUOUS_REF', `${prefix} matches ${unique.length} objects (${shown}); give more digits`, {
    details: { prefix, matches: unique },
  });
}
