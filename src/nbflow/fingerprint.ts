// Fingerprints: what a node's cached output was made from. A node's fingerprint hashes its
// generation inputs and, along the edges of its tab, what each upstream node feeds it: the outputs
// of an upstream generation node (its cache), or the fingerprint of an upstream pass-through node
// (an avatar loader, a text input). Two states with the same fingerprint for a node would make
// the same request to the runner, so a cache made under one is valid under the other.
// Pure: a document and settings in, hashes out. docs/staleness.md is the contract.

import * as z from 'zod';
import { canonicalJson, sha256Hex } from '../json/hash.js';
import { cacheEntries, generationInputs, hasCacheField, nodeKind } from './nodes.js';
import type { NbflowConfig, NbflowDocument, NbflowNode, NbflowTab } from './types.js';

/** Bumped if the hashing recipe ever changes; part of every fingerprint. */
export const FINGERPRINT_VERSION = 1;
/** Hex digits kept of per-field and per-upstream hashes: they only explain, never decide. */
const SHORT_HASH = 16;
/** Inputs whose canonical JSON is at most this long are kept verbatim in provenance (models, URLs,
 * seeds, steps); longer ones (prompts) by hash, so a commit's record stays small. */
export const MAX_INLINE_INPUT = 160;

/** What one upstream node feeds a node along an edge. */
export interface UpstreamInput {
  node: string;
  /** The edge's `targetHandle`, when it names one. */
  handle?: string;
  /** True when the source is a generation node: then `contribution` hashes its outputs. */
  generation: boolean;
  /** The source has cached output (always false for a pass-through node). */
  hasOutput: boolean;
  contribution: string;
}

export interface NodeFingerprint {
  node: string;
  tab: string;
  fingerprint: string;
  inputs: Record<string, unknown>;
  upstream: UpstreamInput[];
}

/** The compact record kept in op.json for a node whose cache a commit filled or changed. */
export interface NodeProvenance {
  fingerprint: string;
  /** Short generation inputs, verbatim: `model`, `avatarRef`, `seed`... */
  inputs?: Record<string, unknown>;
  /** Long generation inputs (prompts) by a 16-hex sha256 prefix of their canonical JSON. */
  hashes?: Record<string, string>;
  /** Upstream node id -> 16-hex prefix of its contribution. */
  upstream?: Record<string, string>;
  /** The commit whose state the cache was made under, when that is not the commit holding this
   * record (a restore or undo copies the record of the state it brings back). */
  from?: string;
}

export type ProvenanceMap = Record<string, NodeProvenance>;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

export const nodeProvenanceSchema = z
  .object({
    fingerprint: hex(64),
    // The generation inputs as the document held them (prompts and all): an object whose values
    // are the document's own. Checked as an object only; a per-key record copied every prompt.
    inputs: z
      .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object')
      .optional(),
    hashes: z.record(z.string(), hex(SHORT_HASH)).optional(),
    upstream: z.record(z.string(), hex(SHORT_HASH)).optional(),
    from: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  })
  .strict();

export const provenanceMapSchema = z.record(z.string(), nodeProvenanceSchema);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEX16 = /^[0-9a-f]{16}$/;
const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const PROVENANCE_KEYS = new Set(['fingerprint', 'inputs', 'hashes', 'upstream', 'from']);

// zod's records pass a `__proto__` key through unchecked; here it is refused, at every level.
const PROTO = '__proto__';

function hexValues(value: unknown, at: string): string | null {
  if (!isRecord(value)) return `${at}: expected an object`;
  for (const [key, v] of Object.entries(value)) {
    if (key === PROTO) return `${at}: a '__proto__' key`;
    if (typeof v !== 'string' || !HEX16.test(v)) return `${at}/${key}: expected 16 hex digits`;
  }
  return null;
}

/**
 * What `provenanceMapSchema` finds wrong with a value, or null: the same rules, checked by hand.
 * A history walk reads op.json after op.json, each naming up to every cached node (a runner pass
 * records them all); zod spent most of a 1,000-state undo checking them. Property tests hold the
 * two to the same verdicts (test/nbflow/provenanceCheck.test.ts), but for `__proto__` keys, which
 * zod lets through unchecked and this refuses.
 */
export function provenanceMapProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'expected an object';
  for (const [id, record] of Object.entries(value)) {
    if (id === PROTO) return `a '__proto__' key`;
    if (!isRecord(record)) return `${id}: expected an object`;
    for (const key of Object.keys(record)) if (!PROVENANCE_KEYS.has(key)) return `${id}: unknown key '${key}'`;
    if (typeof record['fingerprint'] !== 'string' || !HEX64.test(record['fingerprint'])) return `${id}/fingerprint: expected 64 hex digits`;
    if (record['inputs'] !== undefined && !isRecord(record['inputs'])) return `${id}/inputs: expected an object`;
    for (const key of ['hashes', 'upstream'] as const) {
      const problem = record[key] === undefined ? null : hexValues(record[key], `${id}/${key}`);
      if (problem !== null) return problem;
    }
    if (record['from'] !== undefined && (typeof record['from'] !== 'string' || !HEX40.test(record['from']))) return `${id}/from: expected a 40-hex commit id`;
  }
  return null;
}

export const shortHash = (value: unknown) => sha256Hex(canonicalJson(value)).slice(0, SHORT_HASH);

export function isGenerationNode(node: NbflowNode, config: NbflowConfig): boolean {
  return nodeKind(node, config) !== 'other' || hasCacheField(node, config);
}

export function hasOutput(node: NbflowNode, config: NbflowConfig): boolean {
  return config.cacheFields.some((field) => cacheEntries(node, field).length > 0);
}

/** The cached output of a node, as one hash: what a downstream node was made from. */
export function outputsHash(node: NbflowNode, config: NbflowConfig): string {
  const outputs: Record<string, unknown[]> = {};
  for (const field of config.cacheFields) outputs[field] = cacheEntries(node, field);
  return sha256Hex(canonicalJson(outputs));
}

/** Upstream edges of every node of a tab (edges whose source or target is not in the tab are
 * ignored: a fingerprint only follows what the tab wires). */
function incomingEdges(tab: NbflowTab): Map<string, Array<{ source: string; handle?: string }>> {
  const ids = new Set(tab.nodes.map((n) => n.id));
  const incoming = new Map<string, Array<{ source: string; handle?: string }>>();
  for (const edge of tab.edges ?? []) {
    if (typeof edge?.source !== 'string' || typeof edge.target !== 'string') continue;
    if (!ids.has(edge.source) || !ids.has(edge.target) || edge.source === edge.target) continue;
    const list = incoming.get(edge.target) ?? [];
    list.push(typeof edge['targetHandle'] === 'string' ? { source: edge.source, handle: edge['targetHandle'] } : { source: edge.source });
    incoming.set(edge.target, list);
  }
  return incoming;
}

/** Fingerprints of every node of a document, by node id. */
export function fingerprintDocument(doc: NbflowDocument, config: NbflowConfig): Map<string, NodeFingerprint> {
  const result = new Map<string, NodeFingerprint>();
  for (const tab of doc.tabs) {
    const incoming = incomingEdges(tab);
    const byId = new Map(tab.nodes.map((n) => [n.id, n]));
    const visiting = new Set<string>();
    const visit = (node: NbflowNode): NodeFingerprint => {
      const done = result.get(node.id);
      if (done) return done;
      visiting.add(node.id);
      const upstream: UpstreamInput[] = [];
      for (const edge of incoming.get(node.id) ?? []) {
        const source = byId.get(edge.source)!;
        const generation = isGenerationNode(source, config);
        // A cycle cannot be followed; the edge still counts, by the source's id alone.
        const contribution = generation
          ? outputsHash(source, config)
          : visiting.has(source.id)
            ? sha256Hex(`cycle:${source.id}`)
            : visit(source).fingerprint;
        upstream.push({
          node: source.id,
          ...(edge.handle === undefined ? {} : { handle: edge.handle }),
          generation,
          hasOutput: generation && hasOutput(source, config),
          contribution,
        });
      }
      upstream.sort((a, b) => (a.node === b.node ? (a.handle ?? '').localeCompare(b.handle ?? '') : a.node < b.node ? -1 : 1));
      const inputs = generationInputs(node, config);
      const fingerprint = sha256Hex(
        canonicalJson({ v: FINGERPRINT_VERSION, inputs, upstream: upstream.map((u) => [u.node, u.handle ?? null, u.contribution]) }),
      );
      const entry: NodeFingerprint = { node: node.id, tab: tab.id, fingerprint, inputs, upstream };
      visiting.delete(node.id);
      result.set(node.id, entry);
      return entry;
    };
    for (const node of tab.nodes) visit(node);
  }
  return result;
}

/** The compact provenance record of a fingerprint. */
export function provenanceOf(fp: NodeFingerprint): NodeProvenance {
  const record: NodeProvenance = { fingerprint: fp.fingerprint };
  const inputs: Record<string, unknown> = {};
  const hashes: Record<string, string> = {};
  for (const [key, value] of Object.entries(fp.inputs)) {
    if (value === undefined) continue;
    if (canonicalJson(value).length <= MAX_INLINE_INPUT) inputs[key] = value;
    else hashes[key] = shortHash(value);
  }
  if (Object.keys(inputs).length) record.inputs = inputs;
  if (Object.keys(hashes).length) record.hashes = hashes;
  if (fp.upstream.length) {
    record.upstream = {};
    for (const u of fp.upstream) record.upstream[u.node] = u.contribution.slice(0, SHORT_HASH);
  }
  return record;
}
