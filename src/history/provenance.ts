// Provenance: for each cached node, the fingerprint its cache was made under. Written into op.json
// by record.ts (provenanceForRecord) and found again by one walk back along the branch
// (lookupProvenance), which a derived cache file lets start where the last walk ended.
// docs/staleness.md has the rules.
import * as z from 'zod';
import { contentHash } from '../json/hash.js';
import { readDerived, writeDerived, type DerivedKind } from './derivedCache.js';
import { provenanceMapProblem } from '../nbflow/fingerprint.js';
import {
  fingerprintDocument,
  hasOutput,
  isGenerationNode,
  provenanceOf,
  type DocumentDiff,
  type NbflowDocument,
  type NbflowNode,
  type NodeProvenance,
  type ProvenanceMap,
} from '../nbflow/index.js';
import { readEntry, readState, walkEntries, type HistoryEntry } from './history.js';
import type { OpRecord } from './opRecord.js';
import type { Project } from './project.js';

/** Where a cache's provenance was found. */
export interface FoundProvenance {
  record: NodeProvenance;
  /** The commit whose state the cache was made under; null: the working file (not yet recorded). */
  origin: string | null;
  /** When the origin state was recorded (ISO 8601), null for the working file. */
  time: string | null;
  version: string | null;
  /** The origin's own op record holds this record whole: a state brought back may then record a
   * reference to it (`{fingerprint, from}`) instead of a copy. */
  stored?: true;
}

export interface PendingReroll {
  commit: string;
  message: string;
  time: string;
}

export interface ProvenanceLookup {
  found: Map<string, FoundProvenance>;
  /** Re-rolls asked for after the node's cache was last made. */
  rerolls: Map<string, PendingReroll>;
  /** Commits read by the walk (for the benchmark and tests). */
  walked: number;
}

const CACHE_KINDS = new Set(['cache-filled', 'cache-changed', 'added']);

export async function documentAt(project: Project, commit: string, cache: Map<string, NbflowDocument>): Promise<NbflowDocument> {
  let doc = cache.get(commit);
  if (!doc) {
    const entry = await readEntry(project, commit);
    doc = (await readState(project, entry)).doc;
    cache.set(commit, doc);
  }
  return doc;
}

/**
 * For each wanted node, the newest provenance record at or before `head`. One walk, stopped as soon
 * as every wanted node is resolved. A cache with no record (a store written before nbv kept
 * provenance) is taken as made under the inputs of the newest commit that filled or changed it.
 */
export async function lookupProvenance(
  project: Project,
  head: HistoryEntry,
  wanted: Iterable<string>,
  options: { useCache?: boolean } = {},
): Promise<ProvenanceLookup> {
  const open = new Set(wanted);
  const found = new Map<string, FoundProvenance>();
  const rerolls = new Map<string, PendingReroll>();
  const legacy = new Map<string, string>();
  const cached = options.useCache ? await readLookupCache(project, head.op.workflow) : null;
  let walked = 0;
  /** Records that point at an older origin (a restore's or an undo's): each costs reading it. */
  let originReads = 0;
  if (open.size > 0) {
    for await (const entry of walkEntries(project, head.commit)) {
      if (cached !== null && entry.commit === cached.head) {
        // Everything older was resolved by the walk that wrote the cache.
        for (const [id, f] of Object.entries(cached.found)) {
          if (!open.delete(id)) continue;
          found.set(id, f);
          // No newer record was met, so a re-roll pending then is pending still.
          const reroll = cached.rerolls[id];
          if (reroll && !rerolls.has(id)) rerolls.set(id, reroll);
        }
        if (open.size === 0) break;
      }
      walked++;
      const { op } = entry;
      if (op.op === 'reroll') {
        for (const id of op.intent.nodes ?? []) {
          if (open.has(id) && !rerolls.has(id)) rerolls.set(id, { commit: entry.commit, message: op.message, time: op.time });
        }
      }
      for (const [id, record] of Object.entries(op.provenance ?? {})) {
        if (!open.delete(id)) continue;
        if (record.from !== undefined && record.from !== entry.commit) originReads++;
        found.set(id, await resolveFound(project, id, record, entry));
      }
      if (op.provenance === undefined) {
        for (const change of op.changes) {
          if (open.has(change.node) && change.kinds.some((k) => CACHE_KINDS.has(k))) {
            open.delete(change.node);
            legacy.set(change.node, entry.commit);
          }
        }
      }
      if (open.size === 0) break;
    }
  }
  const docs = new Map<string, NbflowDocument>();
  for (const [id, commit] of legacy) {
    const fp = fingerprintDocument(await documentAt(project, commit, docs), project.config).get(id);
    const entry = await readEntry(project, commit);
    if (fp) found.set(id, { record: provenanceOf(fp), origin: commit, time: entry.op.time, version: entry.op.version });
  }
  // Worth keeping when the walk read more than the head, or resolved a restore's origins (one
  // entry each: a whole-file restore at 1,000 states names hundreds of them).
  if (options.useCache && cached?.head !== head.commit && (walked > 1 || originReads > 0)) await writeLookupCache(project, head, found, rerolls);
  return { found, rerolls, walked };
}

// The lookup cache: `<gitdir>/nbv-stale-cache.json`, derived data (derivedCache.ts). It holds, per
// workflow, what the last walk found at its head; the next walk stops when it reaches that commit.
// Keyed by commit id, so a cache can be old but never wrong for its head; its key, the settings
// hash, guards the fingerprints computed for records-less (older) stores.
export const LOOKUP_CACHE_META = 'nbv-stale-cache.json';

interface CachedLookup {
  found: Record<string, FoundProvenance>;
  rerolls: Record<string, PendingReroll>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringOrNull = (v: unknown) => v === null || typeof v === 'string';
const FOUND_KEYS = new Set(['record', 'origin', 'time', 'version', 'stored']);
const REROLL_KEYS = new Set(['commit', 'message', 'time']);

/** The cache's data checked by hand with the rules a schema would state: at 1,000 states it holds
 * every cached node's record (200 KB), which zod took 12 ms of each status to check. */
function isCachedLookup(value: unknown): value is CachedLookup {
  if (!isObject(value) || !isObject(value['found']) || !isObject(value['rerolls']) || Object.keys(value).length !== 2) return false;
  for (const [id, f] of Object.entries(value['found'])) {
    if (!isObject(f) || Object.keys(f).some((k) => !FOUND_KEYS.has(k))) return false;
    if (!stringOrNull(f['origin']) || !stringOrNull(f['time']) || !stringOrNull(f['version']) || (f['stored'] !== undefined && f['stored'] !== true)) return false;
    if (provenanceMapProblem({ [id]: f['record'] }) !== null) return false;
  }
  for (const r of Object.values(value['rerolls'])) {
    if (!isObject(r) || Object.keys(r).some((k) => !REROLL_KEYS.has(k)) || ![r['commit'], r['message'], r['time']].every((x) => typeof x === 'string')) return false;
  }
  return true;
}

const LOOKUP_CACHE: DerivedKind<CachedLookup> = {
  meta: LOOKUP_CACHE_META,
  kind: 'provenance',
  data: z.custom<CachedLookup>(isCachedLookup),
};

async function readLookupCache(project: Project, workflow: string): Promise<(CachedLookup & { head: string }) | null> {
  const slot = await readDerived(project, LOOKUP_CACHE, workflow, contentHash(project.config));
  return slot === null ? null : { head: slot.head, ...slot.data };
}

async function writeLookupCache(project: Project, head: HistoryEntry, found: Map<string, FoundProvenance>, rerolls: Map<string, PendingReroll>): Promise<void> {
  const data = { found: Object.fromEntries(found), rerolls: Object.fromEntries(rerolls) };
  // A read-only store or a full disk: status still answers, the next one walks again.
  await writeDerived(project, LOOKUP_CACHE, new Map([[head.op.workflow, { head: head.commit, key: contentHash(project.config), data }]]));
}

/** A record that names its origin and holds nothing else: a restore's or an undo's reference to
 * the record the origin's op.json holds whole. */
const isReference = (record: NodeProvenance) => record.from !== undefined && record.inputs === undefined && record.hashes === undefined && record.upstream === undefined;

async function resolveFound(project: Project, id: string, record: NodeProvenance, entry: HistoryEntry): Promise<FoundProvenance> {
  if (record.from === undefined || record.from === entry.commit) {
    return { record, origin: entry.commit, time: entry.op.time, version: entry.op.version, stored: true };
  }
  const origin = await readEntry(project, record.from).catch(() => null);
  const base = { origin: record.from, time: origin?.op.time ?? null, version: origin?.op.version ?? null };
  const whole = expandFrom(origin, id, record);
  return whole ? { ...base, record: whole, stored: true } : { ...base, record };
}

/** The whole record a reference names, from its origin's op.json: one level only, and only when
 * the fingerprints agree (a store edited by other tools may hold anything). */
function expandFrom(origin: HistoryEntry | null, id: string, record: NodeProvenance): NodeProvenance | null {
  const there = origin?.op.provenance?.[id];
  if (!there || there.fingerprint !== record.fingerprint || (there.from !== undefined && there.from !== origin!.commit)) return null;
  const { from: _from, ...rest } = there;
  return { ...rest, from: record.from! };
}

/** A node's record as `commit` holds it, a reference expanded: what variants and staleness read. */
export async function recordedProvenance(project: Project, entry: HistoryEntry, id: string): Promise<NodeProvenance | undefined> {
  const record = entry.op.provenance?.[id];
  if (!record || !isReference(record)) return record;
  return expandFrom(await readEntry(project, record.from!).catch(() => null), id, record) ?? record;
}

/** The record to keep when a state is brought back. Its origin's op.json holds it whole, so a
 * reference does (a restore of an old state at 1 MB names hundreds: copies made its op.json 180 KB);
 * a record computed for an older store without records is kept whole. */
function copied(found: FoundProvenance): NodeProvenance {
  if (found.origin === null) return found.record;
  return found.stored ? { fingerprint: found.record.fingerprint, from: found.origin } : { ...found.record, from: found.origin };
}

interface RecordContext {
  op: OpRecord['op'];
  parent: HistoryEntry | null;
  intent: OpRecord['intent'];
  doc: NbflowDocument;
}

/** The state a restore or undo brings back, whose provenance the restored caches keep. */
async function sourceState(project: Project, input: RecordContext): Promise<HistoryEntry | null> {
  if (input.op === 'restore' && input.intent.ref) return readEntry(project, input.intent.ref).catch(() => null);
  if (input.op === 'undo' && input.intent.undoes) {
    const undone = await readEntry(project, input.intent.undoes).catch(() => null);
    return undone?.parent ? readEntry(project, undone.parent) : null;
  }
  return null;
}

/** How far back a brought-back state may lie for lookupAtSource to start from the parent. */
const RECENT = 64;

/**
 * The provenance at `source` of the `wanted` nodes. A walk from `source` would go back until every
 * node is resolved, which for a node last recorded at the start of history is all of it: an undo
 * at 1,000 states read a thousand op records. When `source` is a recent ancestor of `parent` (an
 * undo, a redo, a restore of a recent state), a node no commit since recorded has the same answer
 * at both, and `atParent` (the lookup at the parent, which the lookup cache answers) has it; only
 * the nodes recorded since are walked from `source`. Anything else (an old state, another line,
 * a partial restore) walks from `source` as before.
 */
async function lookupAtSource(project: Project, source: HistoryEntry, parent: HistoryEntry | null, wanted: string[], atParent: ProvenanceLookup | null): Promise<Map<string, FoundProvenance>> {
  const distance = parent?.op.chain && source.op.chain ? parent.op.chain.seq - source.op.chain.seq : RECENT;
  const walkFromSource = async () => (await lookupProvenance(project, source, wanted)).found;
  if (parent === null || atParent === null || wanted.length === 0 || distance < 0 || distance > RECENT) return walkFromSource();
  const since: HistoryEntry[] = [];
  let met = false;
  for await (const entry of walkEntries(project, parent.commit, distance + 1)) {
    if ((met = entry.commit === source.commit)) break;
    since.push(entry);
  }
  if (!met) return walkFromSource();
  const recorded = new Set<string>();
  for (const { op } of since) {
    for (const id of Object.keys(op.provenance ?? {})) recorded.add(id);
    // A store written before provenance: the commits that changed a cache are its records.
    if (op.provenance === undefined) for (const c of op.changes) if (c.kinds.some((k) => CACHE_KINDS.has(k))) recorded.add(c.node);
  }
  const found = new Map<string, FoundProvenance>();
  for (const id of wanted) {
    const then = atParent.found.get(id);
    if (!recorded.has(id) && then) found.set(id, then);
  }
  const rest = wanted.filter((id) => recorded.has(id) || !atParent.found.has(id));
  if (rest.length > 0) for (const [id, f] of (await lookupProvenance(project, source, rest)).found) found.set(id, f);
  return found;
}

/**
 * The provenance a new commit records (record.ts): for each node whose cache it fills or changes,
 * the fingerprint the cache was made under. A plain commit takes the node's inputs as they are
 * committed (the runner made the output from them); a restore or undo keeps the provenance of the
 * state it brings back, so a restored cache is exactly as fresh or as stale as it was then.
 */
export async function provenanceForRecord(project: Project, input: RecordContext, diff: DocumentDiff): Promise<ProvenanceMap | undefined> {
  const source = await sourceState(project, input);
  const changed = diff.nodes.filter((n) => n.changes.some((c) => CACHE_KINDS.has(c.kind))).map((n) => n.node);
  if (changed.length === 0 && source === null) return undefined;
  const nodes = new Map<string, NbflowNode>();
  for (const tab of input.doc.tabs) for (const node of tab.nodes) nodes.set(node.id, node);
  const cached = [...nodes.values()].filter((n) => isGenerationNode(n, project.config) && hasOutput(n, project.config)).map((n) => n.id);
  const cachedSet = new Set(cached);
  const changedCached = new Set(changed.filter((id) => cachedSet.has(id)));
  const provenance: ProvenanceMap = {};
  if (source !== null) {
    const whole = input.intent.selector === undefined;
    // The parent is usually the head a status just looked at: the lookup cache answers for it.
    const fromParent = whole && input.parent ? await lookupProvenance(project, input.parent, cached, { useCache: true }) : null;
    // A partial restore records the nodes whose cache it changed, and only those.
    const fromSource = await lookupAtSource(project, source, input.parent, whole ? cached : cached.filter((id) => changedCached.has(id)), fromParent);
    for (const id of cached) {
      const then = fromSource.get(id);
      if (!then) continue;
      const keep = copied(then);
      const parentNow = fromParent?.found.get(id);
      const differs = parentNow === undefined || JSON.stringify(copied(parentNow)) !== JSON.stringify(keep);
      if (changedCached.has(id) || (whole && differs)) provenance[id] = keep;
    }
  }
  const missing = [...changedCached].filter((id) => provenance[id] === undefined);
  if (missing.length > 0) {
    const fps = fingerprintDocument(input.doc, project.config);
    for (const id of missing) provenance[id] = provenanceOf(fps.get(id)!);
  }
  return Object.keys(provenance).length ? provenance : undefined;
}

