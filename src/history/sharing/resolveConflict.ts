// Settling a conflict is done by merging again against a base in which the chosen side's value
// counts as the change: for --theirs the base takes OUR value at that place (so theirs is the
// one side that changed it, and the merge splices THEIR text in, in our layout), for --ours the
// base takes theirs. The merge function then does what it always does, byte-exact elsewhere.
import { mergeNbflow, type NbflowMergeResult } from '../../merging/index.js';
import type { NbflowConfig } from '../../nbflow/index.js';
import type { StoredConflict } from './mergeState.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

function findNode(doc: Json, tab: string | null, node: string): { list: unknown[]; index: number } | null {
  const tabs = Array.isArray(doc['tabs']) ? (doc['tabs'] as unknown[]) : [];
  for (const t of tabs) {
    if (!isObject(t) || (tab !== null && t['id'] !== tab) || !Array.isArray(t['nodes'])) continue;
    const index = (t['nodes'] as unknown[]).findIndex((n) => isObject(n) && n['id'] === node);
    if (index >= 0) return { list: t['nodes'] as unknown[], index };
  }
  return null;
}

function tabNodes(doc: Json, tab: string | null): unknown[] | null {
  const tabs = Array.isArray(doc['tabs']) ? (doc['tabs'] as unknown[]) : [];
  const t = tabs.find((x) => isObject(x) && (tab === null || x['id'] === tab));
  return isObject(t) && Array.isArray(t['nodes']) ? (t['nodes'] as unknown[]) : null;
}

/** Sets (or removes, for undefined) the value at `field` below `root`; false when the path
 * crosses something that is not a plain object member (a keyed array element). */
function setAt(root: Json, field: string, value: unknown): boolean {
  const tokens = field.split('/').slice(1).map(decodeToken);
  let current: Json = root;
  for (const [i, token] of tokens.entries()) {
    if (i === tokens.length - 1) {
      if (value === undefined) delete current[token];
      else current[token] = structuredClone(value);
      return true;
    }
    const next = current[token];
    if (!isObject(next)) return false;
    current = next;
  }
  return false;
}

/** The base with each settled conflict's place holding the side NOT chosen. */
export function settledBase(base: Json, ours: Json, theirs: Json, conflicts: StoredConflict[]): Json {
  const out = structuredClone(base);
  for (const c of conflicts) {
    if (!c.resolved) continue;
    const otherValue = c.resolved === 'theirs' ? c.ours : c.theirs;
    const otherDoc = c.resolved === 'theirs' ? ours : theirs;
    if (c.node !== null) {
      const at = findNode(out, c.tab, c.node);
      if (at !== null && c.field !== '' && isObject(at.list[at.index]) && setAt(at.list[at.index] as Json, c.field, otherValue)) continue;
      // The whole node: the base takes the other side's node (or loses it, when that side has none).
      const other = findNode(otherDoc, c.tab, c.node);
      const value = other === null ? undefined : structuredClone(other.list[other.index]);
      if (at !== null) {
        if (value === undefined) at.list.splice(at.index, 1);
        else at.list[at.index] = value;
      } else if (value !== undefined) tabNodes(out, c.tab)?.push(value);
    } else if (c.field !== '') {
      const tabs = Array.isArray(out['tabs']) ? (out['tabs'] as unknown[]) : [];
      const root = c.tab === null ? out : (tabs.find((t) => isObject(t) && t['id'] === c.tab) as Json | undefined);
      if (root) setAt(root, c.field, otherValue);
    }
  }
  return out;
}

export function remerge(baseBytes: Uint8Array, oursBytes: Uint8Array, theirsBytes: Uint8Array, conflicts: StoredConflict[], config: NbflowConfig): NbflowMergeResult {
  const parse = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Json;
  const base = settledBase(parse(baseBytes), parse(oursBytes), parse(theirsBytes), conflicts);
  return mergeNbflow(new TextEncoder().encode(JSON.stringify(base, null, 2)), oursBytes, theirsBytes, config);
}
