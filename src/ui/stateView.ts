// A recorded state (or the working file) as the page draws it: tabs, scenes, and for each
// generation node its prompt, model, reference images and cached outputs. Everything here is
// plain data; the page renders every string as text (docs/ui.md, "Security").
import {
  cacheEntries,
  generationInputs,
  isReferenceField,
  nodeKind,
  nodeTitle,
  sceneNumber,
  type NbflowConfig,
  type NbflowDocument,
  type NbflowNode,
  type NodeKind,
} from '../nbflow/index.js';

export interface OutputView {
  field: string;
  /** An http(s) URL, or null when the entry holds none (the page shows a placeholder). */
  url: string | null;
  /** A still for a clip, when the entry names one. */
  thumb: string | null;
  media: 'image' | 'video';
  seed: number | null;
}

export interface NodeView {
  id: string;
  type: string;
  kind: NodeKind;
  title: string | null;
  scene: string | null;
  prompt: string | null;
  negativePrompt: string | null;
  model: string | null;
  references: Array<{ field: string; url: string }>;
  /** Other generation inputs, each as short JSON text. */
  inputs: Array<{ field: string; value: string }>;
  outputs: OutputView[];
}

export interface SceneView {
  scene: string | null;
  title: string;
  nodes: NodeView[];
}

export interface TabView {
  id: string;
  title: string;
  /** Only the tab asked for carries its scenes; the others carry their size and node ids. */
  loaded: boolean;
  sceneCount: number;
  nodeIds: string[];
  scenes: SceneView[];
  /** Nodes that are not generation nodes (notes, loaders): listed, not drawn as cards. */
  others: Array<{ id: string; type: string; title: string | null }>;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const VIDEO_URL = /\.(?:mp4|webm|mov|m4v)(?:[?#].*)?$/i;

/** Only http(s) URLs ever reach a `src`: `javascript:` or `data:` from a hostile file stay text. */
export function safeUrl(value: unknown): string | null {
  return typeof value === 'string' && HTTP_URL.test(value.trim()) ? value.trim() : null;
}

function outputOf(field: string, entry: unknown, kind: NodeKind): OutputView {
  const record = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : null;
  const url = safeUrl(record ? (record['url'] ?? record['src']) : entry);
  const thumb = safeUrl(record?.['thumb'] ?? record?.['thumbnail'] ?? record?.['poster']);
  const media = field === '_savedClips' || kind === 'video' || (url !== null && VIDEO_URL.test(url)) ? 'video' : 'image';
  const seed = typeof record?.['seed'] === 'number' ? (record['seed'] as number) : null;
  return { field, url, thumb, media, seed };
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function short(value: unknown): string {
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 199)}…` : json;
}

export function nodeView(node: NbflowNode, config: NbflowConfig): NodeView {
  const kind = nodeKind(node, config);
  const data = node.data ?? {};
  const title = nodeTitle(node) ?? null;
  const inputs = generationInputs(node, config);
  const references: NodeView['references'] = [];
  const others: NodeView['inputs'] = [];
  const [promptField, negativeField] = config.promptFields;
  for (const [field, value] of Object.entries(inputs)) {
    if (config.promptFields.includes(field) || config.modelFields.includes(field)) continue;
    if (isReferenceField(field, value, value)) {
      const urls = Array.isArray(value) ? value : [value];
      for (const url of urls) if (typeof url === 'string') references.push({ field, url });
    } else {
      others.push({ field, value: short(value) });
    }
  }
  return {
    id: node.id,
    type: node.type,
    kind,
    title,
    scene: sceneNumber(title ?? undefined) ?? null,
    prompt: promptField === undefined ? null : text(data[promptField]),
    negativePrompt: negativeField === undefined ? null : text(data[negativeField]),
    model: text(config.modelFields.map((f) => data[f]).find((v) => v !== undefined)),
    references,
    inputs: others,
    outputs: config.cacheFields.flatMap((field) => cacheEntries(node, field).map((entry) => outputOf(field, entry, kind))),
  };
}

function isGeneration(node: NbflowNode, config: NbflowConfig): boolean {
  return nodeKind(node, config) !== 'other' || config.cacheFields.some((f) => node.data?.[f] !== undefined);
}

/** Tabs in document order; within the tab shown (`shownTab`, else the first), scenes in order
 * of their number, nodes in document order. A 1 MB workflow's five tabs are 800 KB of JSON;
 * one is a fifth of that. */
export function documentView(doc: NbflowDocument, config: NbflowConfig, shownTab?: string): TabView[] {
  const shown = doc.tabs.find((t) => t.id === shownTab) ?? doc.tabs[0];
  return doc.tabs.map((tab) => {
    const title = typeof tab.title === 'string' ? tab.title : tab.id;
    const generation = tab.nodes.filter((node) => isGeneration(node, config));
    const nodeIds = generation.map((n) => n.id);
    if (tab !== shown) {
      const scenes = new Set(generation.map((n) => sceneNumber(nodeTitle(n)) ?? `node:${n.id}`));
      return { id: tab.id, title, loaded: false, sceneCount: scenes.size, nodeIds, scenes: [], others: [] };
    }
    const scenes = new Map<string, SceneView>();
    const others: TabView['others'] = [];
    for (const node of tab.nodes) {
      if (!isGeneration(node, config)) {
        others.push({ id: node.id, type: node.type, title: nodeTitle(node) ?? null });
        continue;
      }
      const view = nodeView(node, config);
      const key = view.scene ?? `node:${node.id}`;
      let scene = scenes.get(key);
      if (!scene) {
        scene = { scene: view.scene, title: view.scene === null ? (view.title ?? node.id) : `Scene ${view.scene.padStart(2, '0')}`, nodes: [] };
        scenes.set(key, scene);
      }
      scene.nodes.push(view);
    }
    const ordered = [...scenes.values()].sort((a, b) => Number(a.scene ?? Infinity) - Number(b.scene ?? Infinity));
    return { id: tab.id, title, loaded: true, sceneCount: ordered.length, nodeIds, scenes: ordered, others };
  });
}

export function findNodeView(doc: NbflowDocument, config: NbflowConfig, id: string): NodeView | null {
  for (const tab of doc.tabs) for (const node of tab.nodes) if (node.id === id) return nodeView(node, config);
  return null;
}
