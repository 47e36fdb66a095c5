// What changed between two versions of a document, node by node, in the terms that decide whether
// a cache is still valid: prompt, model, references, other inputs, the cache itself, presentation.
// Nodes are matched by id, so moving a node between tabs is a change of that node, not a
// removal plus an addition.

import { canonicalJson } from '../json/hash.js';
import { jsonEqual, jsonSameContent } from '../json/equal.js';
import { encodePointerToken } from '../json/pointer.js';
import { cacheEntries, nodeKind, nodeTitle } from './nodes.js';
import type { CacheChangeSummary, DocumentDiff, FieldChange, NbflowConfig, NbflowDocument, NbflowNode, NbflowTab, NodeDiff } from './types.js';

interface Placed {
  node: NbflowNode;
  tab: NbflowTab;
}

function byId(doc: NbflowDocument | null): Map<string, Placed> {
  const map = new Map<string, Placed>();
  for (const tab of doc?.tabs ?? []) for (const node of tab.nodes) map.set(node.id, { node, tab });
  return map;
}

/** Key order and formatting are not content: `{a,b}` and `{b,a}` are the same value. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return jsonEqual(a, b) || jsonSameContent(a, b);
}

function unionKeys(a: object | undefined, b: object | undefined, skip: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})]);
  for (const key of skip) keys.delete(key);
  return [...keys];
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const REFERENCE_KEY = /(?:Ref|Refs|Url|Urls|URL|URLs)$|^(?:ref|refs|url|urls)$/;

function looksLikeUrl(value: unknown): boolean {
  if (typeof value === 'string') return URL_LIKE.test(value.trim());
  return Array.isArray(value) && value.some((item) => typeof item === 'string' && URL_LIKE.test(item.trim()));
}

export function isReferenceField(key: string, before: unknown, after: unknown): boolean {
  return REFERENCE_KEY.test(key) || looksLikeUrl(before) || looksLikeUrl(after);
}

/** Entries are matched by content as a multiset (key order aside): a re-ordered cache adds and
 * removes nothing. Most entries match on their serialisation as it is, which is cheap; only the
 * rest are compared canonically. Pairing exact twins first cannot lose a match: within one
 * canonical class any pairing matches as many entries as there are on the smaller side. */
export function summarizeCacheChange(field: string, before: readonly unknown[], after: readonly unknown[]): CacheChangeSummary {
  const unmatched = (entries: readonly unknown[], key: (entry: unknown) => string, against: readonly unknown[]) => {
    const remaining = new Map<string, number>();
    for (const entry of entries) {
      const k = key(entry);
      remaining.set(k, (remaining.get(k) ?? 0) + 1);
    }
    const extra: unknown[] = [];
    for (const entry of against) {
      const k = key(entry);
      const count = remaining.get(k) ?? 0;
      if (count > 0) remaining.set(k, count - 1);
      else extra.push(entry);
    }
    const left = entries.filter((entry) => {
      const k = key(entry);
      const count = remaining.get(k) ?? 0;
      if (count === 0) return false;
      remaining.set(k, count - 1);
      return true;
    });
    return { left, extra };
  };
  const exact = unmatched(before, (entry) => JSON.stringify(entry) ?? 'undefined', after);
  // The canonical text itself is the key: hashing it too only cost time.
  const canonical = unmatched(exact.left, (entry) => canonicalJson(entry), exact.extra);
  return { field, before: before.length, after: after.length, added: canonical.extra.length, removed: canonical.left.length };
}

function cacheChange(field: string, before: NbflowNode, after: NbflowNode): FieldChange {
  const a = cacheEntries(before, field);
  const b = cacheEntries(after, field);
  const cache = summarizeCacheChange(field, a, b);
  if (a.length === 0 && b.length > 0) return { kind: 'cache-filled', field, cache };
  if (a.length > 0 && b.length === 0) return { kind: 'cache-wiped', field, cache };
  return { kind: 'cache-changed', field, cache };
}

function dataChange(key: string, before: unknown, after: unknown, config: NbflowConfig): FieldChange {
  const change = (kind: FieldChange['kind']): FieldChange => ({ kind, field: key, before, after });
  if (config.presentationFields.includes(key)) return change('presentation-changed');
  if (config.inputFields !== null && !config.inputFields.includes(key)) return change('other-changed');
  if (config.promptFields.includes(key)) return change('prompt-edited');
  if (config.modelFields.includes(key)) return change('model-changed');
  if (isReferenceField(key, before, after)) return change('reference-changed');
  return change('input-changed');
}

function nodeChanges(before: Placed, after: Placed, config: NbflowConfig): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.tab.id !== after.tab.id) changes.push({ kind: 'other-changed', field: 'tab', before: before.tab.id, after: after.tab.id });
  for (const key of unionKeys(before.node, after.node, ['id', 'data'])) {
    const a = before.node[key];
    const b = after.node[key];
    if (sameValue(a, b)) continue;
    const kind = config.presentationFields.includes(key) ? 'presentation-changed' : 'other-changed';
    changes.push({ kind, field: key, before: a, after: b });
  }
  const dataBefore = before.node.data;
  const dataAfter = after.node.data;
  if ((dataBefore === undefined) !== (dataAfter === undefined) && Object.keys(dataBefore ?? dataAfter ?? {}).length === 0) {
    changes.push({ kind: 'other-changed', field: 'data', before: dataBefore, after: dataAfter });
  }
  for (const key of unionKeys(dataBefore, dataAfter)) {
    const a = dataBefore?.[key];
    const b = dataAfter?.[key];
    if (sameValue(a, b)) continue;
    changes.push(config.cacheFields.includes(key) ? cacheChange(key, before.node, after.node) : dataChange(key, a, b, config));
  }
  return changes;
}

function describe(placed: Placed, config: NbflowConfig, changes: FieldChange[]): NodeDiff {
  return { node: placed.node.id, tab: placed.tab.id, title: nodeTitle(placed.node), kind: nodeKind(placed.node, config), changes };
}

export function diffDocuments(before: NbflowDocument | null, after: NbflowDocument, config: NbflowConfig): DocumentDiff {
  const beforeNodes = byId(before);
  const afterNodes = byId(after);
  const nodes: NodeDiff[] = [];
  for (const placed of afterNodes.values()) {
    const old = beforeNodes.get(placed.node.id);
    if (old === undefined) {
      nodes.push(describe(placed, config, [{ kind: 'added' }]));
      continue;
    }
    // Most nodes are untouched between versions; a member-by-member walk settles them cheaply.
    if (old.tab.id === placed.tab.id && jsonEqual(old.node, placed.node)) continue;
    const changes = nodeChanges(old, placed, config);
    if (changes.length > 0) nodes.push(describe(placed, config, changes));
  }
  for (const placed of beforeNodes.values()) {
    if (!afterNodes.has(placed.node.id)) nodes.push(describe(placed, config, [{ kind: 'removed' }]));
  }
  return { nodes, other: otherChanges(before, after) };
}

/** Changes outside nodes, as coarse JSON pointers into the after-document. */
function otherChanges(before: NbflowDocument | null, after: NbflowDocument): string[] {
  const other: string[] = [];
  for (const key of unionKeys(before ?? undefined, after, ['tabs'])) {
    if (!sameValue(before?.[key], after[key])) other.push(`/${encodePointerToken(key)}`);
  }
  const beforeTabs = new Map((before?.tabs ?? []).map((tab) => [tab.id, tab]));
  const afterIds = new Set(after.tabs.map((tab) => tab.id));
  after.tabs.forEach((tab, index) => {
    const old = beforeTabs.get(tab.id);
    if (old === undefined) {
      other.push(`/tabs/${index}`);
      return;
    }
    for (const key of unionKeys(old, tab, ['nodes'])) {
      if (!sameValue(old[key], tab[key])) other.push(`/tabs/${index}/${encodePointerToken(key)}`);
    }
    const oldIds = new Set(old.nodes.map((node) => node.id));
    const newIds = new Set(tab.nodes.map((node) => node.id));
    const oldOrder = old.nodes.map((node) => node.id).filter((id) => newIds.has(id));
    const newOrder = tab.nodes.map((node) => node.id).filter((id) => oldIds.has(id));
    if (oldOrder.join('\u0000') !== newOrder.join('\u0000')) other.push(`/tabs/${index}/nodes`);
  });
  const removedTab = (before?.tabs ?? []).some((tab) => !afterIds.has(tab.id));
  const commonBefore = (before?.tabs ?? []).filter((tab) => afterIds.has(tab.id)).map((tab) => tab.id);
  const commonAfter = after.tabs.filter((tab) => beforeTabs.has(tab.id)).map((tab) => tab.id);
  if (removedTab || commonBefore.join('\u0000') !== commonAfter.join('\u0000')) other.push('/tabs');
  return other;
}
