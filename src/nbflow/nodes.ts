// Reading nodes out of a document: where they are, what they generate, what their cache holds and
// which of their fields are generation inputs.

import type { NbflowConfig, NbflowDocument, NbflowNode, NbflowTab, NodeKind, NodeRef } from './types.js';

export interface NodeLocation {
  node: NbflowNode;
  tab: NbflowTab;
  tabIndex: number;
  nodeIndex: number;
}

export function nodeKind(node: NbflowNode, config: NbflowConfig): NodeKind {
  return Object.hasOwn(config.kinds, node.type) ? (config.kinds[node.type] ?? 'other') : 'other';
}

/** A node's title: `data.title`, else a top-level `title`, when it is a string. */
export function nodeTitle(node: NbflowNode): string | undefined {
  const fromData = node.data?.['title'];
  if (typeof fromData === 'string') return fromData;
  return typeof node['title'] === 'string' ? node['title'] : undefined;
}

/** The entries of a cache field. Absent or null is empty; a non-array value (a hand edit, an older
 * tool) counts as one entry so that it is wiped and diffed rather than silently kept. */
export function cacheEntries(node: NbflowNode, field: string): unknown[] {
  const data = node.data;
  if (data === undefined || !Object.hasOwn(data, field)) return [];
  const value = data[field];
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

/** The cache fields of a node that hold at least one entry, in config order. */
export function filledCacheFields(node: NbflowNode, config: NbflowConfig): Array<{ field: string; entries: unknown[] }> {
  const filled: Array<{ field: string; entries: unknown[] }> = [];
  for (const field of config.cacheFields) {
    const entries = cacheEntries(node, field);
    if (entries.length > 0) filled.push({ field, entries });
  }
  return filled;
}

export function hasCacheField(node: NbflowNode, config: NbflowConfig): boolean {
  const data = node.data;
  return data !== undefined && config.cacheFields.some((field) => Object.hasOwn(data, field));
}

function toRef(location: NodeLocation, config: NbflowConfig): NodeRef {
  const { node, tab, tabIndex, nodeIndex } = location;
  const kind = nodeKind(node, config);
  return {
    id: node.id,
    type: node.type,
    kind,
    title: nodeTitle(node),
    tabId: tab.id,
    tabIndex,
    nodeIndex,
    isGeneration: kind !== 'other' || hasCacheField(node, config),
  };
}

export function listNodes(doc: NbflowDocument, config: NbflowConfig): NodeRef[] {
  const refs: NodeRef[] = [];
  doc.tabs.forEach((tab, tabIndex) => {
    tab.nodes.forEach((node, nodeIndex) => refs.push(toRef({ node, tab, tabIndex, nodeIndex }, config)));
  });
  return refs;
}

export function findNode(doc: NbflowDocument, id: string): NodeLocation | undefined {
  for (let tabIndex = 0; tabIndex < doc.tabs.length; tabIndex++) {
    const tab = doc.tabs[tabIndex] as NbflowTab;
    const nodeIndex = tab.nodes.findIndex((node) => node.id === id);
    if (nodeIndex !== -1) return { node: tab.nodes[nodeIndex] as NbflowNode, tab, tabIndex, nodeIndex };
  }
  return undefined;
}

export function nodeRef(doc: NbflowDocument, id: string, config: NbflowConfig): NodeRef | undefined {
  const location = findNode(doc, id);
  return location === undefined ? undefined : toRef(location, config);
}

/** The `data` fields that feed generation: `inputFields` when configured, otherwise everything
 * that is neither cache nor presentation. Upstream outputs (edges) are the caller's business. */
export function generationInputs(node: NbflowNode, config: NbflowConfig): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const data = node.data ?? {};
  const keys = config.inputFields ?? Object.keys(data);
  for (const key of keys) {
    if (!Object.hasOwn(data, key)) continue;
    if (config.cacheFields.includes(key)) continue;
    if (config.inputFields === null && config.presentationFields.includes(key)) continue;
    inputs[key] = data[key];
  }
  return inputs;
}

// "Scene 03", "scene 3 - intro", "S03", "Sc. 4", "[S03] hero": a scene word or an S right before
// the number, not inside a longer word ("Takes 3" is not a scene).
const SCENE_IN_TITLE = /(?:^|[^\p{L}\p{N}])(?:scene|sc|s)[\s._#:-]*(\d+)(?!\d)/iu;

/** The scene number a title (or a --scene value) names, without leading zeros: "Scene 03",
 * "S03" and a bare "03" all give "3". Undefined when it names none. */
export function sceneNumber(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  const digits = /^\s*(\d+)\s*$/.exec(title)?.[1] ?? SCENE_IN_TITLE.exec(title)?.[1];
  return digits === undefined ? undefined : String(Number.parseInt(digits, 10));
}
