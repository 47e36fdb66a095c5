// Every distinct cache ("take") a node ever held, found in its workflow's history: what `nbv
// variants` lists and what `nbv restore --node ID --variant K` brings back.
//
// Cheap by construction: the history index (historyIndex.ts) says, per commit, which nodes' caches
// it filled or changed (`changes` kinds), so only those commits' states are read and parsed, each
// distinct file blob once. A commit that wiped the cache holds no take; a restore or undo that
// brought an old take back holds it again, and the take keeps the commit that first made it.
import { NbvError } from '../errors.js';
import {
  cacheEntries,
  fingerprintDocument,
  hasOutput,
  isGenerationNode,
  nodeTitle,
  outputsHash,
  parseRecordedNbflow,
  provenanceOf,
  type NbflowConfig,
  type NbflowDocument,
  type NbflowNode,
  type NodeProvenance,
} from '../nbflow/index.js';
import { readEntry, type HistoryEntry } from './history.js';
import { scanHistory, type IndexRow } from './historyIndex.js';
import { recordedProvenance } from './provenance.js';
import type { Project } from './project.js';
import type { WorkflowHead } from './workflows.js';

/** Change kinds after which a node may hold a take it did not hold before. */
const TAKE_KINDS = new Set(['cache-filled', 'cache-changed', 'added']);

export interface VariantOrigin {
  commit: string;
  op: string;
  version: string;
  date: string;
  author: string;
  message: string;
}

export interface VariantInputs {
  /** The node's fingerprint when the take was made (docs/staleness.md). */
  fingerprint: string;
  model?: string;
  /** The first 80 characters of the prompt the take was made from. */
  prompt?: string;
}

export interface NodeVariant {
  /** 1 = the newest take; what `restore --variant K` takes. */
  index: number;
  /** Content hash of the node's cache fields: equal hashes, equal takes. */
  outputs: string;
  /** Output records per cache field (`_savedImages`: 4). */
  counts: Record<string, number>;
  /** The first output URLs, for a human to recognise the take. */
  urls: string[];
  /** The commit that first recorded this take. */
  madeBy: VariantOrigin;
  /** Every commit after which the node held this take, newest first (restores bring it back). */
  heldAt: string[];
  inputs: VariantInputs;
  /** Made with the node's inputs as they are now (same fingerprint). */
  matchesCurrentInputs: boolean;
  /** The node holds this take now (in the working file). */
  current: boolean;
}

export interface NodeVariants {
  node: string;
  title: string | undefined;
  variants: NodeVariant[];
  /** The working file holds a cache for this node that no commit holds yet. */
  unrecorded: boolean;
  /** Commits whose state was read (the rest came from the index). */
  statesRead: number;
}

function findNodeIn(doc: NbflowDocument, id: string): NbflowNode | undefined {
  for (const tab of doc.tabs) for (const node of tab.nodes) if (node.id === id) return node;
  return undefined;
}

function firstString(node: NbflowNode, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = node.data?.[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function urlsOf(node: NbflowNode, config: NbflowConfig, max = 3): string[] {
  const urls: string[] = [];
  for (const field of config.cacheFields) {
    for (const entry of cacheEntries(node, field)) {
      const url = typeof entry === 'string' ? entry : typeof entry === 'object' && entry !== null ? (entry as { url?: unknown }).url : undefined;
      if (typeof url === 'string' && urls.length < max) urls.push(url);
    }
  }
  return urls;
}

function originOf(row: IndexRow): VariantOrigin {
  const { op } = row;
  return { commit: row.commit, op: op.op, version: op.version, date: op.time, author: `${op.author.name} <${op.author.email}>`, message: op.message };
}

interface Found {
  outputs: string;
  node: NbflowNode;
  doc: NbflowDocument;
  rows: IndexRow[];
}

/**
 * The takes of one node, newest first. `current` is the document the node is judged against now
 * (the working file, or the head's state when it is missing).
 */
export async function nodeVariants(project: Project, wf: WorkflowHead, nodeId: string, current: NbflowDocument): Promise<NodeVariants> {
  const { config } = project;
  const candidates: IndexRow[] = [];
  const scan = await scanHistory(project, wf, (row) => {
    if (row.op.changes.some((c) => c.node === nodeId && c.kinds.some((k) => TAKE_KINDS.has(k)))) candidates.push(row);
  });
  await scan.save();

  // Newest first; a take keeps every row that brought it, its origin being the oldest.
  const byOutputs = new Map<string, Found>();
  const docs = new Map<string, NbflowDocument>();
  for (const row of candidates) {
    let doc = docs.get(row.fileBlob);
    if (!doc) {
      doc = parseRecordedNbflow(await project.store.readBlob(row.fileBlob), row.op.file).doc;
      docs.set(row.fileBlob, doc);
    }
    const node = findNodeIn(doc, nodeId);
    if (!node || !hasOutput(node, config)) continue;
    const outputs = outputsHash(node, config);
    const found = byOutputs.get(outputs);
    if (found) {
      found.rows.push(row);
      found.node = node;
      found.doc = doc;
    } else byOutputs.set(outputs, { outputs, node, doc, rows: [row] });
  }

  const now = findNodeIn(current, nodeId);
  const nowFingerprint = now ? fingerprintDocument(current, config).get(nodeId)?.fingerprint : undefined;
  const nowOutputs = now && hasOutput(now, config) ? outputsHash(now, config) : null;
  const takes = [...byOutputs.values()].sort((a, b) => candidates.indexOf(a.rows.at(-1)!) - candidates.indexOf(b.rows.at(-1)!));
  const variants: NodeVariant[] = [];
  for (const take of takes) {
    const origin = take.rows.at(-1)!;
    const record = await provenanceAt(project, origin, take.doc, nodeId, config);
    const counts: Record<string, number> = {};
    for (const field of config.cacheFields) {
      const n = cacheEntries(take.node, field).length;
      if (n > 0) counts[field] = n;
    }
    const model = firstString(take.node, config.modelFields);
    const prompt = firstString(take.node, config.promptFields);
    variants.push({
      index: variants.length + 1,
      outputs: take.outputs,
      counts,
      urls: urlsOf(take.node, config),
      madeBy: originOf(origin),
      heldAt: take.rows.map((r) => r.commit),
      inputs: {
        fingerprint: record.fingerprint,
        ...(model === undefined ? {} : { model }),
        ...(prompt === undefined ? {} : { prompt: prompt.length > 80 ? `${prompt.slice(0, 79)}…` : prompt }),
      },
      matchesCurrentInputs: nowFingerprint !== undefined && nowFingerprint === record.fingerprint,
      current: nowOutputs === take.outputs,
    });
  }
  return {
    node: nodeId,
    title: now ? nodeTitle(now) : undefined,
    variants,
    unrecorded: nowOutputs !== null && !byOutputs.has(nowOutputs),
    statesRead: docs.size,
  };
}

/** The fingerprint a take was made under: the op record's provenance (what staleness uses), else,
 * for records written before nbv kept provenance, the node's inputs in that state. */
async function provenanceAt(project: Project, row: IndexRow, doc: NbflowDocument, nodeId: string, config: NbflowConfig): Promise<NodeProvenance> {
  const entry: HistoryEntry = await readEntry(project, row.commit);
  const recorded = await recordedProvenance(project, entry, nodeId);
  if (recorded) return recorded;
  return provenanceOf(fingerprintDocument(doc, config).get(nodeId)!);
}

/** The generation node a variant command acts on: exactly one, else a clear refusal. */
export function oneGenerationNode(doc: NbflowDocument, config: NbflowConfig, ids: string[], file: string): string {
  const generation = ids.filter((id) => {
    const node = findNodeIn(doc, id);
    return node !== undefined && isGenerationNode(node, config);
  });
  if (generation.length === 0) throw new NbvError('BAD_USAGE', `${ids.join(', ') || 'the selection'} generates nothing; variants are takes of image or video nodes`, { file });
  if (generation.length > 1) throw new NbvError('BAD_USAGE', `the selection names ${generation.length} nodes (${generation.join(', ')}); pick one with --node ID`, { file });
  return generation[0]!;
}

/** The commit holding take K of a node (1 = newest), for restore. */
export function variantSource(takes: NodeVariants, k: number, file: string): NodeVariant {
  const take = takes.variants[k - 1];
  if (!Number.isInteger(k) || k < 1 || take === undefined) {
    const have = takes.variants.length;
    throw new NbvError('BAD_USAGE', `${takes.node} has ${have === 0 ? 'no recorded take' : `${have} take${have === 1 ? '' : 's'} (1-${have})`}; there is no variant ${k}`, { file });
  }
  return take;
}
