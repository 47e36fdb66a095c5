// A commit message written from the classified change, for `nbv commit` without -m: what a
// creator would have typed ("Scene 03: prompt edited"), grouped when many nodes changed alike.
import type { DocumentDiff } from '../nbflow/index.js';

const WORDS: Record<string, string> = {
  added: 'added',
  removed: 'removed',
  'prompt-edited': 'prompt edited',
  'model-changed': 'model changed',
  'reference-changed': 'reference changed',
  'input-changed': 'input changed',
  'cache-filled': 'cache filled',
  'cache-wiped': 'cache wiped',
  'cache-changed': 'cache changed',
  'presentation-changed': 'layout changed',
  'other-changed': 'changed',
};

/** "Scene 03: prompt edited" / "prompt edited in 3 nodes (Scene 03, Scene 05, img-x); cache filled in 2 nodes". */
export function summarizeChange(diff: DocumentDiff): string {
  if (diff.nodes.length === 0) return diff.other.length ? `changed ${diff.other.slice(0, 3).join(', ')}` : 'no node changed';
  const byWhat = new Map<string, string[]>();
  for (const node of diff.nodes) {
    const label = node.title ?? node.node;
    for (const kind of new Set(node.changes.map((c) => c.kind))) {
      const what = WORDS[kind] ?? kind;
      const list = byWhat.get(what) ?? [];
      if (!list.includes(label)) list.push(label);
      byWhat.set(what, list);
    }
  }
  if (diff.nodes.length === 1) return `${diff.nodes[0]!.title ?? diff.nodes[0]!.node}: ${[...byWhat.keys()].join(', ')}`;
  return [...byWhat]
    .map(([what, labels]) => `${what} in ${labels.length <= 3 ? labels.join(', ') : `${labels.length} nodes (${labels.slice(0, 3).join(', ')}, …)`}`)
    .join('; ');
}
