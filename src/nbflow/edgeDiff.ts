// Which edges were added or removed between two documents, per tab, by (source, target): how a
// person names a wire ("img-s03 -> vid-s03 added"), not by its position in the edges array.

import { jsonEqual } from '../json/equal.js';
import type { NbflowDocument } from './types.js';

export interface EdgeChange {
  tab: string;
  source: string;
  target: string;
  change: 'added' | 'removed' | 'changed';
}

function edgesByKey(doc: NbflowDocument | null): Map<string, { tab: string; source: string; target: string; edge: unknown }> {
  const map = new Map<string, { tab: string; source: string; target: string; edge: unknown }>();
  for (const tab of doc?.tabs ?? []) {
    for (const edge of tab.edges ?? []) {
      if (typeof edge?.source !== 'string' || typeof edge.target !== 'string') continue;
      map.set(`${tab.id}\u0000${edge.source}\u0000${edge.target}`, { tab: tab.id, source: edge.source, target: edge.target, edge });
    }
  }
  return map;
}

export function diffEdges(before: NbflowDocument | null, after: NbflowDocument): EdgeChange[] {
  const old = edgesByKey(before);
  const now = edgesByKey(after);
  const changes: EdgeChange[] = [];
  for (const [key, e] of now) {
    const was = old.get(key);
    if (was === undefined) changes.push({ tab: e.tab, source: e.source, target: e.target, change: 'added' });
    else if (!jsonEqual(was.edge, e.edge)) changes.push({ tab: e.tab, source: e.source, target: e.target, change: 'changed' });
  }
  for (const [key, e] of old) if (!now.has(key)) changes.push({ tab: e.tab, source: e.source, target: e.target, change: 'removed' });
  return changes;
}

export function describeEdgeChange(change: EdgeChange): string {
  return `${change.source} -> ${change.target} ${change.change}`;
}
