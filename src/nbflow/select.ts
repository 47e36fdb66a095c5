// Turning a NodeSelector (the --all/--node/--scene/--tab/--kind flags) into nodes. A value that
// matches nothing is an error on its own, even when other values match: a typo in "--scene 30"
// must not quietly wipe only the other scenes.

import { NbvError } from '../errors.js';
import { listNodes, sceneNumber } from './nodes.js';
import type { NbflowConfig, NbflowDocument, NodeRef, NodeSelector } from './types.js';

const KINDS = ['image', 'video'] as const;

/** "03", "3", "Scene 03", "S03" -> "3"; undefined when the value names no scene number. */
export function parseSceneSelector(value: string): string | undefined {
  return sceneNumber(value);
}

function pad(scene: string): string {
  return scene.padStart(2, '0');
}

/** [1,2,3,5,7,8] -> "01-03, 05, 07-08": the message should read like the titles do. */
export function formatSceneRanges(scenes: Iterable<string>): string {
  const numbers = [...new Set(scenes)].map(Number).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++;
    const from = pad(String(numbers[i]));
    const to = pad(String(numbers[j]));
    parts.push(i === j ? from : `${from}-${to}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function isEmptySelector(selector: NodeSelector): boolean {
  return (
    selector.all !== true &&
    (selector.nodes?.length ?? 0) === 0 &&
    (selector.scenes?.length ?? 0) === 0 &&
    (selector.tabs?.length ?? 0) === 0 &&
    (selector.kinds?.length ?? 0) === 0
  );
}

export function selectNodes(doc: NbflowDocument, config: NbflowConfig, selector: NodeSelector, file: string): NodeRef[] {
  if (isEmptySelector(selector)) {
    throw new NbvError('BAD_USAGE', `no nodes chosen for ${file}: give --all, --node, --scene, --tab or --kind`, { file });
  }
  const all = listNodes(doc, config);
  const generation = all.filter((ref) => ref.isGeneration);
  const picked = new Set<NodeRef>();
  const noMatch = (message: string): NbvError => new NbvError('NO_MATCH', message, { file });

  for (const id of selector.nodes ?? []) {
    const ref = all.find((candidate) => candidate.id === id);
    if (ref === undefined) throw noMatch(`no node has id '${id}' in ${file}`);
    picked.add(ref);
  }

  const sceneOf = new Map(generation.map((ref) => [ref, sceneNumber(ref.title)] as const));
  const knownScenes = [...sceneOf.values()].filter((scene): scene is string => scene !== undefined);
  for (const value of selector.scenes ?? []) {
    const scene = parseSceneSelector(value);
    if (scene === undefined) {
      throw new NbvError('BAD_USAGE', `'${value}' is not a scene: give a number such as 03 or a title such as "Scene 03"`, { file });
    }
    const matches = generation.filter((ref) => sceneOf.get(ref) === scene);
    if (matches.length === 0) {
      const known = knownScenes.length > 0 ? `; scenes are ${formatSceneRanges(knownScenes)}` : '; no generation node has a scene title';
      throw noMatch(`no scene ${pad(scene)} in ${file}${known}`);
    }
    for (const ref of matches) picked.add(ref);
  }

  const hasPickers = picked.size > 0;
  let selected = selector.all === true || !hasPickers ? [...generation, ...picked] : [...picked];

  if ((selector.tabs?.length ?? 0) > 0) {
    const tabIds = new Set<string>();
    for (const value of selector.tabs ?? []) {
      const wanted = value.trim().toLowerCase();
      const tabs = doc.tabs.filter((tab) => tab.id === value || (typeof tab.title === 'string' && tab.title.trim().toLowerCase() === wanted));
      if (tabs.length === 0) {
        const known = doc.tabs.map((tab) => (tab.title === undefined ? tab.id : `${tab.id} (${tab.title})`)).join(', ');
        throw noMatch(`no tab '${value}' in ${file}; tabs are ${known === '' ? 'none' : known}`);
      }
      for (const tab of tabs) tabIds.add(tab.id);
    }
    selected = selected.filter((ref) => tabIds.has(ref.tabId));
  }

  if ((selector.kinds?.length ?? 0) > 0) {
    for (const kind of selector.kinds ?? []) {
      if (!KINDS.includes(kind)) throw new NbvError('BAD_USAGE', `unknown kind '${String(kind)}': use image or video`, { file });
      if (!generation.some((ref) => ref.kind === kind)) throw noMatch(`no ${kind} node in ${file}`);
    }
    const kinds = new Set<string>(selector.kinds);
    selected = selected.filter((ref) => kinds.has(ref.kind));
  }

  if (selected.length === 0) throw noMatch(`${describeSelector(selector)} matches no node in ${file}`);
  const chosen = new Set(selected);
  return all.filter((ref) => chosen.has(ref));
}

/** The selector as the flags that made it, for messages and operation records. */
export function describeSelector(selector: NodeSelector): string {
  const q = (value: string): string => (/^[\w.:-]+$/.test(value) ? value : JSON.stringify(value));
  const parts: string[] = [];
  if (selector.all === true) parts.push('--all');
  for (const id of selector.nodes ?? []) parts.push(`--node ${q(id)}`);
  for (const scene of selector.scenes ?? []) parts.push(`--scene ${q(scene)}`);
  for (const tab of selector.tabs ?? []) parts.push(`--tab ${q(tab)}`);
  for (const kind of selector.kinds ?? []) parts.push(`--kind ${kind}`);
  return parts.join(' ');
}
