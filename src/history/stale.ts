// Which caches no longer match their node, and why. The provenance of each cache (the fingerprint
// it was made under) is found in history (provenance.ts); the node's fingerprint now comes from the
// working file, so unrecorded edits count. docs/staleness.md has the rules.
import {
  explainStale,
  fingerprintDocument,
  generationInputs,
  hasOutput,
  isGenerationNode,
  malformedCache,
  nodeKind,
  nodeTitle,
  outputsHash,
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
import { NbvError } from '../errors.js';
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
  const headOutputs = new Map<string, string>();
  if (headDoc !== doc) for (const tab of headDoc.tabs) for (const node of tab.nodes) headOutputs.set(node.id, outputsHash(node, config));

  // A cache the working file holds but the head does not was made by a run since: it is recorded
  // under the inputs it will be committed with, exactly as `nbv commit` would record it.
  const found = new Map<string, FoundProvenance>();
  const toLookUp: string[] = [];
  for (const { node } of placed) {
    if (!hasOutput(node, config)) continue;
    if (headDoc !== doc && headOutputs.get(node.id) !== outputsHash(node, config)) {
      found.set(node.id, { record: provenanceOf(fps.get(node.id)!), origin: null, time: null, version: null });
    } else toLookUp.push(node.id);
  }
  const lookup = await lookupProvenance(project, wf.head, toLookUp, { useCache: true });
  for (const [id, f] of lookup.found) found.set(id, f);

  const docs = new Map<string, NbflowDocument>();
  const states: CacheState[] = [];
  for (const { node, tab } of placed) {
    const cached = hasOutput(node, config);
    const prov = cached ? (found.get(node.id) ?? null) : null;
    const reasons: StaleReason[] = [];
    const malformed = cached ? malformedCache(node, config) : null;
    if (malformed) reasons.push(malformed);
    if (prov) reasons.push(...(await explain(project, fps.get(node.id)!, prov, fps, docs)));
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
  propagate(doc, states);
  return { workflow: wf.name, head: wf.head, doc, uncommitted: wf.working.kind === 'modified', nodes: states, walked: lookup.walked };
}

async function explain(
  project: Project,
  current: NodeFingerprint,
  prov: FoundProvenance,
  fps: Map<string, NodeFingerprint>,
  docs: Map<string, NbflowDocument>,
): Promise<StaleReason[]> {
  const reasons = explainStale(current, prov.record, project.config);
  const wantsOrigin = reasons.some((r) => r.code === 'upstream-changed' || (r.code === 'prompt-changed' && r.before === undefined));
  if (!wantsOrigin || prov.origin === null) return reasons;
  // Only now is the state the cache was made under read: for prompt excerpts and for what changed
  // in an upstream avatar loader or text input.
  const then = await documentAt(project, prov.origin, docs).catch(() => null);
  if (!then) return reasons;
  const thenNodes = new Map<string, NbflowNode>();
  for (const tab of then.tabs) for (const node of tab.nodes) thenNodes.set(node.id, node);
  const origin: OriginState = { upstreamInputs: new Map(), upstreamNow: new Map() };
  const self = thenNodes.get(current.node);
  if (self) origin.inputs = generationInputs(self, project.config);
  for (const u of current.upstream) {
    const before = thenNodes.get(u.node);
    if (before) origin.upstreamInputs!.set(u.node, generationInputs(before, project.config));
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
