// A node's history: every distinct cache it held, newest first, with the operation that first
// recorded it and the node's inputs in that state.
//
// Seam: `nbv variants` (issue 18, engine/variants.ts) answers the same question for the CLI. When
// it lands, nodeHistory() should call it and keep only the shaping below; until then this reads
// the states that `log --node` names, read-only, through the history layer's read helpers.
import { canonicalJson } from '../nbflow/index.js';
import { log, type LogItem, type Project } from '../engine/index.js';
import { readEntry, readState } from '../history/history.js';
import { findNodeView, type NodeView } from './stateView.js';

export interface NodeVariant {
  /** The node as it was when this cache was first recorded: prompt, model, references, outputs. */
  node: NodeView;
  madeBy: LogItem;
  /** Later states that held the same cache again (kept, or brought back by a restore). */
  heldAgainIn: string[];
  /** The cache the newest recorded state holds. */
  current: boolean;
}

export interface NodeHistory {
  workflow: string;
  node: string;
  variants: NodeVariant[];
  /** Operations that emptied the cache. */
  wipedBy: LogItem[];
  /** More states touched the node than were read. */
  truncated: boolean;
}

/** States read at most per request: each is a whole document to parse. */
const MAX_STATES = 300;

export async function nodeHistory(project: Project, workflow: string, nodeId: string): Promise<NodeHistory> {
  const touching = await log(project, { workflow, nodes: [nodeId], limit: MAX_STATES + 1 });
  const truncated = touching.length > MAX_STATES;
  // The first state holds every node without naming it as touched; read it too.
  const [oldest] = truncated ? [] : (await log(project, { workflow })).slice(-1);
  const items = touching.slice(0, MAX_STATES);
  if (oldest && !items.some((i) => i.commit === oldest.commit)) items.push(oldest);
  const variants = new Map<string, NodeVariant>();
  const wipedBy: LogItem[] = [];
  let previous: string | null = null;
  for (const item of items.reverse()) {
    const state = await readState(project, await readEntry(project, item.commit));
    const node = findNodeView(state.doc, project.config, nodeId);
    if (!node) {
      previous = null;
      continue;
    }
    const key = canonicalJson(node.outputs);
    if (node.outputs.length === 0) {
      if (previous !== null && previous !== key) wipedBy.push(item);
    } else if (!variants.has(key)) {
      variants.set(key, { node, madeBy: item, heldAgainIn: [], current: false });
    } else if (previous !== key) {
      variants.get(key)!.heldAgainIn.push(item.commit);
    }
    previous = key;
  }
  if (previous !== null) {
    const held = variants.get(previous);
    if (held) held.current = true;
  }
  const newestFirst = [...variants.values()].reverse();
  return { workflow, node: nodeId, variants: newestFirst, wipedBy: wipedBy.reverse(), truncated };
}
