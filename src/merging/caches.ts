// Caches follow inputs. A node's cache fields are not merged as values: they come whole from the
// side whose generation inputs the merged node has, since that side's outputs are what those
// inputs make. When both sides have the merged inputs, the cache merges three-way (one side
// changed it: taken; both changed it differently: a conflict, two caches for the same inputs).
// When neither side has them (ours changed the prompt, theirs the model), no cache fits; ours is
// kept and the node is reported stale.

import { findNode, generationInputs } from '../nbflow/nodes.js';
import type { NbflowConfig, NbflowDocument, NbflowNode } from '../nbflow/types.js';
import { contentEqual, isPlainObject, sameOrAbsent } from './equal.js';
import type { Side, Step, ThreeWayMerge } from './merge3.js';

export type CacheReason =
  /** The merged node has this side's inputs and not the other's. */
  | 'inputs'
  /** Both sides have the merged inputs and only this side changed the cache. */
  | 'only-changed'
  /** Both sides have the merged inputs and changed the cache differently: a conflict, ours kept. */
  | 'two-caches'
  /** Neither side has the merged inputs: ours kept, and the cache no longer matches its node. */
  | 'stale';

export interface CacheDecision {
  tab: string;
  node: string;
  from: Side;
  reason: CacheReason;
}

type Fields = Record<string, unknown>;

function cacheOf(node: NbflowNode | undefined, config: NbflowConfig): Fields {
  const fields: Fields = {};
  const data = node?.data;
  if (data === undefined) return fields;
  for (const field of config.cacheFields) if (Object.hasOwn(data, field)) fields[field] = data[field];
  return fields;
}

export function mergeCaches(
  merge: ThreeWayMerge,
  docs: { base: NbflowDocument; ours: NbflowDocument; theirs: NbflowDocument },
  merged: NbflowDocument,
  config: NbflowConfig,
): CacheDecision[] {
  const decisions: CacheDecision[] = [];
  for (const tab of merged.tabs) {
    for (const node of tab.nodes) {
      const o = findNode(docs.ours, node.id);
      const t = findNode(docs.theirs, node.id);
      if (o === undefined || t === undefined || !isPlainObject(o.node.data) || !isPlainObject(t.node.data)) continue;
      const oursCache = cacheOf(o.node, config);
      const theirsCache = cacheOf(t.node, config);
      if (contentEqual(oursCache, theirsCache)) continue;
      const inputs = generationInputs(node, config);
      const hasOurs = contentEqual(inputs, generationInputs(o.node, config));
      const hasTheirs = contentEqual(inputs, generationInputs(t.node, config));
      const baseCache = cacheOf(findNode(docs.base, node.id)?.node, config);
      let from: Side;
      let reason: CacheReason;
      if (hasOurs !== hasTheirs) [from, reason] = [hasOurs ? 'ours' : 'theirs', 'inputs'];
      else if (contentEqual(baseCache, theirsCache)) [from, reason] = ['ours', 'only-changed'];
      else if (contentEqual(baseCache, oursCache)) [from, reason] = ['theirs', 'only-changed'];
      else [from, reason] = ['ours', hasOurs ? 'two-caches' : 'stale'];
      decisions.push({ tab: o.tab.id, node: node.id, from, reason });

      const steps = (field: string): Step[] => [{ member: 'tabs' }, { element: o.tab.id }, { member: 'nodes' }, { element: node.id }, { member: 'data' }, { member: field }];
      const dataPath = ['tabs', o.tabIndex, 'nodes', o.nodeIndex, 'data'];
      const theirsDataPath = ['tabs', t.tabIndex, 'nodes', t.nodeIndex, 'data'];
      for (const field of config.cacheFields) {
        const ours = oursCache[field];
        const theirs = theirsCache[field];
        if (sameOrAbsent(ours, theirs)) continue;
        if (reason === 'two-caches') {
          merge.conflicts.push({ steps: steps(field), reason: 'both-changed', base: baseCache[field], ours, theirs, detail: 'two different caches for the same inputs' });
          continue;
        }
        if (from === 'ours') continue;
        // Where a side's data was taken whole, its caches came with it and nothing is left to do.
        // Otherwise both sides changed this node's data and the merged node and data are the walk's
        // own copies, holding ours at the cache fields.
        const mergedData = node.data!;
        if (sameOrAbsent(mergedData[field], theirs)) continue;
        const loc = { ours: [...dataPath, field], theirs: [...theirsDataPath, field], steps: steps(field), shape: [] };
        if (theirs === undefined) {
          merge.edits.push({ op: 'remove', container: dataPath, at: field });
          delete mergedData[field];
          merge.change('theirs', loc, 'removed');
        } else if (ours !== undefined) {
          merge.edits.push({ op: 'replace', ours: loc.ours, theirs: loc.theirs });
          mergedData[field] = theirs;
          merge.change('theirs', loc, 'changed');
        } else {
          const theirKeys = Object.keys(t.node.data);
          let after: string | null = null;
          for (let k = theirKeys.indexOf(field) - 1; k >= 0; k--) {
            const key = theirKeys[k]!;
            if (Object.hasOwn(o.node.data, key) && Object.hasOwn(mergedData, key)) {
              after = key;
              break;
            }
          }
          merge.edits.push({ op: 'insert', container: dataPath, after, key: field, theirs: loc.theirs });
          mergedData[field] = theirs;
          merge.change('theirs', loc, 'added');
        }
      }
    }
  }
  return decisions;
}
