// Why a cache no longer matches its node: the difference between the fingerprint a cache was made
// under (its provenance) and the node's fingerprint now, named field by field, and carried
// downstream along edges. Pure; the engine finds the provenance in history.
// Reason codes are a contract for runners (docs/staleness.md): codes may be added, never renamed.

import { canonicalJson } from '../json/hash.js';
import { isReferenceField } from './diff.js';
import { shortHash, type NodeFingerprint, type NodeProvenance } from './fingerprint.js';
import { cacheEntries } from './nodes.js';
import type { NbflowConfig, NbflowDocument, NbflowNode } from './types.js';

export type StaleCode =
  | 'prompt-changed'
  | 'model-changed'
  | 'reference-url-changed'
  | 'input-changed'
  | 'upstream-changed'
  | 'upstream-regenerated'
  | 'upstream-wiped'
  | 'upstream-stale'
  | 'upstream-connected'
  | 'upstream-disconnected'
  | 'fingerprint-changed'
  | 'cache-malformed';

export interface StaleReason {
  code: StaleCode;
  /** One line for a human: `model NB1 -> NB2`, `img-s03`. */
  detail: string;
  /** The input field, for the node's own inputs. */
  field?: string;
  /** Values before (as the cache was made) and after (now), when known. */
  before?: unknown;
  after?: unknown;
  /** The upstream node, for upstream-* codes. */
  node?: string;
}

/** What the engine could find of the state a cache was made under, beyond the compact record. */
export interface OriginState {
  /** The node's full generation inputs then (for prompt excerpts). */
  inputs?: Record<string, unknown>;
  /** Generation inputs of upstream pass-through nodes then, by id (to say what changed in them). */
  upstreamInputs?: Map<string, Record<string, unknown>>;
  /** The same nodes' generation inputs now. */
  upstreamNow?: Map<string, Record<string, unknown>>;
}

function fieldCode(key: string, before: unknown, after: unknown, config: NbflowConfig): StaleCode {
  if (config.promptFields.includes(key)) return 'prompt-changed';
  if (config.modelFields.includes(key)) return 'model-changed';
  if (isReferenceField(key, before, after)) return 'reference-url-changed';
  return 'input-changed';
}

const LONG_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/]+(?:\/[^/]*)*?((?:\/[^/]+){2})$/i;

/** A value for a one-line detail; a long URL keeps its last two path segments, which is where
 * `jane-v1.png` and `jane-v2.png` differ. The full values are in `before` and `after`. */
function show(value: unknown, max = 120): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string' && value.length > 60) {
    const tail = LONG_URL.exec(value)?.[1];
    if (tail) return `…${tail}`;
  }
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `"…tired but alert" -> "…tired and wired"`: the texts from shortly before their first difference. */
export function excerptPair(before: string, after: string, width = 40): [string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  const from = Math.max(0, start - 12);
  const cut = (text: string) => `${from > 0 ? '…' : ''}${text.slice(from, from + width)}${text.length > from + width ? '…' : ''}`;
  return [cut(before), cut(after)];
}

function fieldReasons(current: NodeFingerprint, recorded: NodeProvenance, config: NbflowConfig, origin: OriginState): StaleReason[] {
  const reasons: StaleReason[] = [];
  const inline = recorded.inputs ?? {};
  const hashes = recorded.hashes ?? {};
  const keys = new Set([...Object.keys(current.inputs), ...Object.keys(inline), ...Object.keys(hashes)]);
  for (const key of keys) {
    const now = current.inputs[key];
    const knownBefore = Object.hasOwn(inline, key);
    const hashedBefore = Object.hasOwn(hashes, key);
    let same: boolean;
    if (knownBefore) same = now !== undefined && canonicalJson(now) === canonicalJson(inline[key]);
    else if (hashedBefore) same = now !== undefined && shortHash(now) === hashes[key];
    else same = now === undefined;
    if (same) continue;
    const before = knownBefore ? inline[key] : origin.inputs?.[key];
    const code = fieldCode(key, before, now, config);
    let detail: string;
    if (code === 'prompt-changed' && typeof before === 'string' && typeof now === 'string') {
      const [a, b] = excerptPair(before, now);
      detail = `${key}: "${a}" -> "${b}"`;
    } else if (code === 'prompt-changed' && before === undefined && hashedBefore) {
      detail = `${key} edited`;
    } else {
      detail = `${key} ${show(before)} -> ${show(now)}`;
    }
    reasons.push({ code, detail, field: key, ...(before === undefined ? {} : { before }), ...(now === undefined ? {} : { after: now }) });
  }
  return reasons;
}

function upstreamReasons(current: NodeFingerprint, recorded: NodeProvenance, origin: OriginState): StaleReason[] {
  const reasons: StaleReason[] = [];
  const was = recorded.upstream ?? {};
  const seen = new Set<string>();
  for (const u of current.upstream) {
    if (seen.has(u.node)) continue;
    seen.add(u.node);
    const before = was[u.node];
    if (before === undefined) {
      reasons.push({ code: 'upstream-connected', detail: `${u.node} (newly connected)`, node: u.node });
    } else if (before !== u.contribution.slice(0, before.length)) {
      if (u.generation) {
        const code = u.hasOutput ? 'upstream-regenerated' : 'upstream-wiped';
        reasons.push({ code, detail: u.hasOutput ? `${u.node} has new outputs` : `${u.node} has no cached output`, node: u.node });
      } else {
        const then = origin.upstreamInputs?.get(u.node);
        const what = then ? describeInputChanges(then, origin.upstreamNow?.get(u.node) ?? {}) : 'its inputs changed';
        reasons.push({ code: 'upstream-changed', detail: `${u.node}: ${what}`, node: u.node });
      }
    }
  }
  for (const id of Object.keys(was)) {
    if (!seen.has(id)) reasons.push({ code: 'upstream-disconnected', detail: `${id} (no longer connected)`, node: id });
  }
  return reasons;
}

function describeInputChanges(then: Record<string, unknown>, now: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of new Set([...Object.keys(then), ...Object.keys(now)])) {
    if (canonicalJson(then[key] ?? null) === canonicalJson(now[key] ?? null)) continue;
    parts.push(`${key} ${show(then[key], 90)} -> ${show(now[key], 90)}`);
  }
  return parts.length ? parts.join('; ') : 'its own upstream changed';
}

/** Why the cache of `current` no longer matches `recorded`; empty when it still does. */
export function explainStale(
  current: NodeFingerprint,
  recorded: NodeProvenance,
  config: NbflowConfig,
  origin: OriginState = {},
): StaleReason[] {
  if (current.fingerprint === recorded.fingerprint) return [];
  const reasons = [...fieldReasons(current, recorded, config, origin), ...upstreamReasons(current, recorded, origin)];
  if (reasons.length === 0) {
    reasons.push({ code: 'fingerprint-changed', detail: 'the inputs hash differently than when this cache was made (nbv settings changed?)' });
  }
  return reasons;
}

/** A cache field that is not a list, or entries that are neither a URL string nor an object: no
 * runner wrote that, so the cache is not to be trusted ("when in doubt, wipe"). */
export function malformedCache(node: NbflowNode, config: NbflowConfig): StaleReason | null {
  const data = node.data ?? {};
  for (const field of config.cacheFields) {
    if (!Object.hasOwn(data, field)) continue;
    const value = data[field];
    if (value !== null && !Array.isArray(value)) return { code: 'cache-malformed', detail: `${field} is not a list`, field };
    const bad = cacheEntries(node, field).findIndex((e) => (typeof e === 'string' ? e.trim() === '' : e === null || typeof e !== 'object' || Array.isArray(e)));
    if (bad !== -1) return { code: 'cache-malformed', detail: `${field}[${bad}] is not an output (a URL or an object)`, field };
  }
  return null;
}

/** Downstream nodes of every node, per tab, following edges. */
export function downstreamEdges(doc: NbflowDocument): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tab of doc.tabs) {
    const ids = new Set(tab.nodes.map((n) => n.id));
    for (const edge of tab.edges ?? []) {
      if (typeof edge?.source !== 'string' || typeof edge.target !== 'string') continue;
      if (!ids.has(edge.source) || !ids.has(edge.target) || edge.source === edge.target) continue;
      const list = out.get(edge.source) ?? [];
      if (!list.includes(edge.target)) list.push(edge.target);
      out.set(edge.source, list);
    }
  }
  return out;
}

/**
 * Carries regeneration downstream: every node reachable from a `source` (through any nodes,
 * pass-through ones included) will get new inputs once the sources are regenerated. Returns, per
 * reached node, the nearest sources that reach it (breadth first, in document order).
 */
export function propagateDownstream(doc: NbflowDocument, sources: Iterable<string>): Map<string, string[]> {
  const downstream = downstreamEdges(doc);
  const reached = new Map<string, string[]>();
  for (const source of sources) {
    const queue = [...(downstream.get(source) ?? [])];
    const seen = new Set<string>([source]);
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = reached.get(id) ?? [];
      if (!list.includes(source)) list.push(source);
      reached.set(id, list);
      // A generation node in between is regenerated too and feeds its own downstream; a
      // pass-through node forwards what it is given. Either way the walk goes on.
      queue.push(...(downstream.get(id) ?? []));
    }
  }
  return reached;
}
