// Which caches no longer match their node, and why. The provenance of each cache (the fingerprint
// it was made under) is found in history (provenance.ts); the node's fingerprint now comes from the
// working file, so unrecorded edits count. docs/staleness.md has the rules.
import {
  cacheEntries,
  explainStale,
  fingerprintDocument,
  generationInputs,
  hasOutput,
  isGenerationNode,
  malformedCache,
  nodeKind,
  nodeTitle,
  propagateDownstream,
  provenanceOf,
  type NbflowDocument,
  type NbflowNode,
  type NodeFingerprint,
  type NodeKind,
  type NodeSelector,
  type OriginState,
  type StaleReason,
} from '../nbflow/index.js';
import * as z from 'zod';
import { NbvError } from '../errors.js';
import { contentHash } from '../json/hash.js';
import { jsonSameContent } from '../json/equal.js';
import { readDerived, writeDerived, type DerivedKind, type DerivedSlot } from './derivedCache.js';
import type { HistoryEntry } from './history.js';
import { documentAt, lookupProvenance, type FoundProvenance, type PendingReroll } from './provenance.js';
import type { Project } from './project.js';
import { loadWorkflowState, type WorkflowState } from './workflowState.js';

export type { FoundProvenance, PendingReroll, ProvenanceLookup } from './provenance.js';
export { lookupProvenance, provenanceForRecord } from './provenance.js';

export interface CacheState {
  node: string;
  tab: string;
  title: string | undefined;
  kind: NodeKind;
  /** The first model field's value, for time estimates. */
  model: string | undefined;
  hasCache: boolean;
  provenance: FoundProvenance | null;
  /** Empty when the cache matches its node (or there is no cache). */
  reasons: StaleReason[];
  reroll: PendingReroll | null;
}

export interface CacheReport {
  workflow: string;
  head: HistoryEntry;
  /** The document judged: the working file, or the head's state when the file is missing. */
  doc: NbflowDocument;
  uncommitted: boolean;
  /** Generation nodes in document order. */
  nodes: CacheState[];
  walked: number;
}

function modelOf(node: NbflowNode, fields: string[]): string | undefined {
  for (const field of fields) {
    const value = node.data?.[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Every generation node of a workflow's working file, with its cache's provenance and staleness. */
export async function analyzeCaches(project: Project, workflow?: string | WorkflowState): Promise<CacheReport> {
  // A command that loaded its workflow passes the state: its documents are parsed once for all.
  const wf = typeof workflow === 'object' ? workflow : await loadWorkflowState(project, workflow);
  const { config } = project;
  const headDoc = (await wf.headDocument()).doc;
  const doc = (await wf.currentDocument()).doc;
  const fps = fingerprintDocument(doc, config);

  const placed: Array<{ node: NbflowNode; tab: string }> = [];
  for (const tab of doc.tabs) for (const node of tab.nodes) if (isGenerationNode(node, config)) placed.push({ node, tab: tab.id });
  const headNodes = new Map<string, NbflowNode>();
  if (headDoc !== doc) for (const tab of headDoc.tabs) for (const node of tab.nodes) headNodes.set(node.id, node);
  // Same outputs as in the head: what equal outputsHash values say, decided without hashing both
  // documents' caches (730 canonical serialisations and sha256s at 1 MB).
  const sameOutputs = (before: NbflowNode | undefined, now: NbflowNode) =>
    before !== undefined && config.cacheFields.every((field) => jsonSameContent(cacheEntries(before, field), cacheEntries(now, field)));

  // A cache the working file holds but the head does not was made by a run since: it is recorded
  // under the inputs it will be committed with, exactly as `nbv commit` would record it.
  const found = new Map<string, FoundProvenance>();
  const toLookUp: string[] = [];
  for (const { node } of placed) {
    if (!hasOutput(node, config)) continue;
    if (headDoc !== doc && !sameOutputs(headNodes.get(node.id), node)) {
      found.set(node.id, { record: provenanceOf(fps.get(node.id)!), origin: null, time: null, version: null });
    } else toLookUp.push(node.id);
  }
  const lookup = await lookupProvenance(project, wf.head, toLookUp, { useCache: true });
  for (const [id, f] of lookup.found) found.set(id, f);

  const origins = new OriginInputs(project, wf.name);
  const states: CacheState[] = [];
  for (const { node, tab } of placed) {
    const cached = hasOutput(node, config);
    const prov = cached ? (found.get(node.id) ?? null) : null;
    const reasons: StaleReason[] = [];
    const malformed = cached ? malformedCache(node, config) : null;
    if (malformed) reasons.push(malformed);
    if (prov) reasons.push(...(await explain(project, fps.get(node.id)!, prov, fps, origins)));
    states.push({
      node: node.id,
      tab,
      title: nodeTitle(node),
      kind: nodeKind(node, config),
      model: modelOf(node, config.modelFields),
      hasCache: cached,
      provenance: prov,
      reasons,
      reroll: cached && prov?.origin !== null ? (lookup.rerolls.get(node.id) ?? null) : null,
    });
  }
  await origins.save();
  propagate(doc, states);
  return { workflow: wf.name, head: wf.head, doc, uncommitted: wf.working.kind === 'modified', nodes: states, walked: lookup.walked };
}

// What explain() reads of an origin state, kept as derived data (derivedCache.ts): per origin
// commit, the generation inputs of the nodes an explanation named. A commit's state never changes,
// so an entry is right forever; the file keeps the origins of the last analysis of each workflow.
// Without it every status with a stale cache read the state that cache was made under (a delta
// chain deep in the pack at 1,000 states: 90 ms of a 290 ms status) only to quote its old prompt.
const ORIGIN_INPUTS: DerivedKind<Record<string, Record<string, unknown>>> = {
  meta: 'nbv-origin-cache.json',
  kind: 'origin-inputs',
  data: z.record(z.string(), z.record(z.string(), z.unknown())),
};

/** The generation inputs of `ids` in the state of `commit`, read once per analysis and kept. */
class OriginInputs {
  private readonly used = new Map<string, DerivedSlot<Record<string, Record<string, unknown>>>>();
  private changed = false;
  private readonly docs = new Map<string, NbflowDocument>();

  constructor(
    private readonly project: Project,
    private readonly workflow: string,
  ) {}

  // Workflow names may hold any character a file name may: the pair, as JSON, names a slot.
  private slotName = (commit: string) => JSON.stringify([this.workflow, commit]);
  private isMine = (name: string) => {
    try {
      return (JSON.parse(name) as unknown[])[0] === this.workflow;
    } catch {
      return false;
    }
  };

  async of(commit: string, ids: string[]): Promise<Map<string, Record<string, unknown>> | null> {
    const key = contentHash(this.project.config);
    let slot = this.used.get(commit) ?? (await readDerived(this.project, ORIGIN_INPUTS, this.slotName(commit), key));
    if (slot === null || slot.head !== commit) slot = { head: commit, key, data: {} };
    const missing = ids.filter((id) => !Object.hasOwn(slot!.data, id));
    if (missing.length > 0) {
      const then = await documentAt(this.project, commit, this.docs).catch(() => null);
      if (!then) return null;
      const nodes = new Map<string, NbflowNode>();
      for (const tab of then.tabs) for (const node of tab.nodes) nodes.set(node.id, node);
      // A node absent then is kept as absent (no entry), and looked for again next time.
      slot = { ...slot, data: { ...slot.data } };
      for (const id of missing) {
        const node = nodes.get(id);
        if (node) slot.data[id] = generationInputs(node, this.project.config);
      }
      this.changed = true;
    }
    this.used.set(commit, slot);
    return new Map(ids.filter((id) => Object.hasOwn(slot!.data, id)).map((id) => [id, slot!.data[id]!]));
  }

  /** Keeps this analysis's origins (and other workflows'), drops the rest of this workflow's. */
  async save(): Promise<void> {
    if (!this.changed) return;
    const slots = new Map([...this.used].map(([commit, slot]) => [this.slotName(commit), slot]));
    await writeDerived(this.project, ORIGIN_INPUTS, slots, (name) => !this.isMine(name));
  }
}

async function explain(
  project: Project,
  current: NodeFingerprint,
  prov: FoundProvenance,
  fps: Map<string, NodeFingerprint>,
  origins: OriginInputs,
): Promise<StaleReason[]> {
  const reasons = explainStale(current, prov.record, project.config);
  const wantsOrigin = reasons.some((r) => r.code === 'upstream-changed' || (r.code === 'prompt-changed' && r.before === undefined));
  if (!wantsOrigin || prov.origin === null) return reasons;
  // Only now is the state the cache was made under consulted: for prompt excerpts and for what
  // changed in an upstream avatar loader or text input.
  const then = await origins.of(prov.origin, [current.node, ...current.upstream.map((u) => u.node)]);
  if (!then) return reasons;
  const origin: OriginState = { upstreamInputs: new Map(), upstreamNow: new Map() };
  const self = then.get(current.node);
  if (self) origin.inputs = self;
  for (const u of current.upstream) {
    const before = then.get(u.node);
    if (before) origin.upstreamInputs!.set(u.node, before);
    const now = fps.get(u.node);
    if (now) origin.upstreamNow!.set(u.node, now.inputs);
  }
  return explainStale(current, prov.record, project.config, origin);
}

/** A node that will be regenerated (stale, or a generation node with no cache) gives every cached
 * node downstream of it new inputs: those are stale too. */
function propagate(doc: NbflowDocument, states: CacheState[]): void {
  const byId = new Map(states.map((s) => [s.node, s]));
  const sources = states.filter((s) => s.reasons.length > 0 || !s.hasCache).map((s) => s.node);
  const reached = propagateDownstream(doc, sources);
  for (const state of states) {
    if (!state.hasCache) continue;
    for (const source of reached.get(state.node) ?? []) {
      if (state.reasons.some((r) => r.node === source)) continue;
      const upstream = byId.get(source)!;
      state.reasons.push(
        upstream.hasCache
          ? { code: 'upstream-stale', detail: `${source} is stale and will be regenerated`, node: source }
          : { code: 'upstream-wiped', detail: `${source} has no cached output and will be generated`, node: source },
      );
    }
  }
}

export interface StaleNode {
  node: string;
  tab: string;
  title?: string;
  kind: NodeKind;
  reasons: StaleReason[];
}

/** The stale caches of a report, in document order: the `stale` list of `nbv status --json`. */
export function staleNodes(report: CacheReport): StaleNode[] {
  return report.nodes
    .filter((n) => n.hasCache && n.reasons.length > 0)
    .map((n) => ({ node: n.node, tab: n.tab, ...(n.title === undefined ? {} : { title: n.title }), kind: n.kind, reasons: n.reasons }));
}

/** `nbv wipe --stale`: the stale nodes as a selector, narrowed by the given tabs and kinds; null
 * when no cache is stale. Pickers (--all, --node, --scene) make no sense beside it. */
export async function staleSelector(project: Project, workflow: string | WorkflowState, narrow: NodeSelector): Promise<NodeSelector | null> {
  if (narrow.all || narrow.nodes?.length || narrow.scenes?.length) {
    throw new NbvError('BAD_USAGE', `--stale chooses the nodes itself; narrow it with --tab or --kind only`);
  }
  const ids = staleNodes(await analyzeCaches(project, workflow)).map((n) => n.node);
  if (ids.length === 0) return null;
  return { nodes: ids, ...(narrow.tabs?.length ? { tabs: narrow.tabs } : {}), ...(narrow.kinds?.length ? { kinds: narrow.kinds } : {}) };
}
