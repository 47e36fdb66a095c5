// The .nbflow specialisation of the generic merge, as data: tabs and nodes are matched by id,
// edges by (source, target), and the cache fields of a node are left to the cache pass
// (caches.ts), which decides them from the node's merged generation inputs.

import type { NbflowConfig, NbflowDocument } from '../nbflow/types.js';
import type { MergeRules } from './merge3.js';
import { isPlainObject } from './equal.js';

const stringField = (field: string) => (element: unknown) => {
  if (!isPlainObject(element)) return undefined;
  const value = element[field];
  return typeof value === 'string' ? value : undefined;
};

/** An edge's identity; its other fields (handles, style) merge like any object's. */
export function edgeKey(element: unknown): string | undefined {
  if (!isPlainObject(element)) return undefined;
  const { source, target } = element;
  return typeof source === 'string' && typeof target === 'string' ? `${source} -> ${target}` : undefined;
}

export function nbflowRules(config: NbflowConfig, ours: NbflowDocument): MergeRules {
  const oursIds = new Set<string>();
  for (const tab of ours.tabs) for (const node of tab.nodes) oursIds.add(node.id);
  return {
    keyedArrays: [
      { path: ['tabs'], keyOf: stringField('id') },
      {
        path: ['tabs', '*', 'nodes'],
        keyOf: stringField('id'),
        // A node theirs added to one tab while ours has that id in another: one of them moved it.
        refuseInsert: (id) => (oursIds.has(id) ? `ours has node '${id}' in another tab` : undefined),
      },
      { path: ['tabs', '*', 'edges'], keyOf: edgeKey },
    ],
    deferred: config.cacheFields.map((field) => ['tabs', '*', 'nodes', '*', 'data', field]),
  };
}
