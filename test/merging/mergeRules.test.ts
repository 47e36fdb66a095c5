// One test per merge rule, on a realistic generated workflow: nodes by id, fields by field, caches
// follow inputs, edges by (source, target), top-level settings, and the bytes outside the merged
// places are ours.
import { describe, expect, it } from 'vitest';
import { addScene, editPrompt, fillCache, generateWorkflow, removeNode, serialize, wipeCacheDoc, type GeneratedWorkflow } from '../../fixtures/generator.js';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';
import { mergeNbflow } from '../../src/merging/index.js';

const enc = (doc: unknown, style: Parameters<typeof serialize>[1] = 'two-space') => new TextEncoder().encode(serialize(doc, style));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const base = generateWorkflow({ seed: 5, tabs: 3, scenesPerTab: 3 });
const node = (doc: GeneratedWorkflow | { tabs: Array<{ nodes: Array<{ id: string; data?: Record<string, unknown> }> }> }, id: string) =>
  doc.tabs.flatMap((t) => t.nodes).find((n) => n.id === id) as { id: string; data: Record<string, unknown> } | undefined;
const mutate = (doc: GeneratedWorkflow, change: (d: GeneratedWorkflow) => void) => {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
};
const merge = (b: unknown, o: unknown, t: unknown) => mergeNbflow(enc(b), enc(o), enc(t), DEFAULT_CONFIG);

describe('mergeNbflow rules', () => {
  it('takes changes of different nodes from both sides; every other byte is ours', () => {
    const ours = editPrompt(base, 'img-s01', 'OURS prompt for scene one, golden hour');
    const theirs = fillCache(wipeCacheDoc(base, ['vid-s02']), ['vid-s02'], 99);
    const result = merge(base, ours, theirs);
    expect(result.clean).toBe(true);
    const expected = mutate(ours, (d) => (node(d, 'vid-s02')!.data['_savedClips'] = node(theirs, 'vid-s02')!.data['_savedClips']));
    expect(text(result.bytes)).toBe(serialize(expected, 'two-space'));
    expect(result.taken.theirs.map((c) => [c.node, c.field])).toEqual([['vid-s02', '/data/_savedClips']]);
    expect(result.taken.ours.map((c) => c.node)).toEqual(['img-s01']);
  });

  it('takes changes to different fields of one node from both sides', () => {
    const ours = mutate(base, (d) => (node(d, 'img-s02')!.data['prompt'] = 'ours prompt'));
    const theirs = mutate(base, (d) => (node(d, 'img-s02')!.data['seed'] = 4242));
    const result = merge(base, ours, theirs);
    expect(result.clean).toBe(true);
    const doc = result.merged.doc;
    expect(node(doc, 'img-s02')!.data['prompt']).toBe('ours prompt');
    expect(node(doc, 'img-s02')!.data['seed']).toBe(4242);
  });

  it('reports the same field changed two ways as a conflict and keeps ours', () => {
    const ours = mutate(base, (d) => (node(d, 'img-s03')!.data['prompt'] = 'ours: a red car'));
    const theirs = mutate(base, (d) => (node(d, 'img-s03')!.data['prompt'] = 'theirs: a blue car'));
    const result = merge(base, ours, theirs);
    expect(result.clean).toBe(false);
    expect(result.conflicts).toEqual([
      { tab: 'acct-1', node: 'img-s03', field: '/data/prompt', reason: 'both-changed', base: node(base, 'img-s03')!.data['prompt'], ours: 'ours: a red car', theirs: 'theirs: a blue car' },
    ]);
    expect(text(result.bytes)).toBe(serialize(ours, 'two-space'));
  });

  it('takes a node added on one side, with its edge, placed after its predecessor', () => {
    const theirs = addScene(base, { tabId: 'acct-2', filled: true, seed: 8 });
    const ours = editPrompt(base, 'img-s01', 'ours edit');
    const result = merge(base, ours, theirs);
    expect(result.clean).toBe(true);
    const expected = mutate(theirs, (d) => (node(d, 'img-s01')!.data['prompt'] = 'ours edit'));
    expect(text(result.bytes)).toBe(serialize(expected, 'two-space'));
  });

  it('takes a deletion unless the other side changed the node', () => {
    const theirs = removeNode(base, 'vid-s01');
    const clean = merge(base, editPrompt(base, 'img-s02', 'x'), theirs);
    expect(clean.clean).toBe(true);
    expect(node(clean.merged.doc, 'vid-s01')).toBeUndefined();
    expect(clean.merged.doc.tabs[0]!.edges!.some((e) => e.target === 'vid-s01')).toBe(false);

    const ours = editPrompt(base, 'vid-s01', 'ours changed the deleted node');
    const conflicted = merge(base, ours, theirs);
    expect(conflicted.conflicts.map((c) => [c.node, c.field, c.reason])).toEqual([['vid-s01', '', 'theirs-deleted']]);
    expect(node(conflicted.merged.doc, 'vid-s01')!.data['prompt']).toBe('ours changed the deleted node');
  });

  it('merges edges by (source, target) and top-level settings field by field', () => {
    const ours = mutate(base, (d) => {
      d.settings.concurrency = 8;
      d.tabs[0]!.edges.push({ id: 'e-extra', source: 'img-s01', target: 'vid-s02' } as never);
    });
    const theirs = mutate(base, (d) => {
      d.settings.defaultModel = 'NB1';
      d.tabs[0]!.edges = d.tabs[0]!.edges.filter((e) => e.target !== 'vid-s02');
    });
    const result = merge(base, ours, theirs);
    expect(result.clean).toBe(true);
    const settings = result.merged.doc['settings'] as Record<string, unknown>;
    expect([settings['concurrency'], settings['defaultModel']]).toEqual([8, 'NB1']);
    const edges = result.merged.doc.tabs[0]!.edges!.map((e) => `${e.source} -> ${e.target}`);
    expect(edges).toContain('img-s01 -> vid-s02');
    expect(edges).not.toContain('img-s02 -> vid-s02');
  });

  describe('caches follow inputs', () => {
    it('a cache filled by theirs comes with it when the inputs are the same', () => {
      const wiped = wipeCacheDoc(base, ['img-s02']);
      const theirs = fillCache(wiped, ['img-s02'], 3);
      const ours = mutate(wiped, (d) => (node(d, 'img-s02')!.data['position'] = { x: 1, y: 2 }));
      const result = merge(wiped, ours, theirs);
      expect(result.clean).toBe(true);
      expect(node(result.merged.doc, 'img-s02')!.data['_savedImages']).toEqual(node(theirs, 'img-s02')!.data['_savedImages']);
      expect(result.caches).toEqual([{ tab: 'acct-1', node: 'img-s02', from: 'theirs', reason: 'only-changed' }]);
    });

    it('the cache stays with the side whose inputs the merged node has', () => {
      // Ours edited the prompt (cache now stale), theirs refilled the cache for the old prompt.
      const ours = editPrompt(base, 'img-s02', 'a new prompt');
      const theirs = fillCache(base, ['img-s02'], 77);
      const result = merge(base, ours, theirs);
      expect(result.clean).toBe(true);
      expect(node(result.merged.doc, 'img-s02')!.data['_savedImages']).toEqual(node(ours, 'img-s02')!.data['_savedImages']);
      expect(result.caches).toEqual([{ tab: 'acct-1', node: 'img-s02', from: 'ours', reason: 'inputs' }]);
      // and the other way round: theirs edited the prompt and refilled; ours refilled the old one.
      const theirs2 = fillCache(editPrompt(base, 'img-s02', 'their prompt'), ['img-s02'], 5);
      const ours2 = mutate(fillCache(base, ['img-s02'], 6), (d) => (node(d, 'img-s02')!.data['seed'] = 1));
      const result2 = merge(base, ours2, theirs2);
      expect(result2.caches).toEqual([{ tab: 'acct-1', node: 'img-s02', from: 'ours', reason: 'stale' }]);
      const result3 = merge(base, fillCache(base, ['img-s02'], 6), theirs2);
      expect(result3.caches).toEqual([{ tab: 'acct-1', node: 'img-s02', from: 'theirs', reason: 'inputs' }]);
      expect(node(result3.merged.doc, 'img-s02')!.data).toEqual(node(theirs2, 'img-s02')!.data);
    });

    it('two different caches for the same inputs are a conflict', () => {
      const result = merge(base, fillCache(base, ['vid-s03'], 1), fillCache(base, ['vid-s03'], 2));
      expect(result.conflicts.map((c) => [c.node, c.field, c.detail])).toEqual([['vid-s03', '/data/_savedClips', 'two different caches for the same inputs']]);
    });
  });

  it('keeps our layout: minified, tabs and CRLF files get theirs values in our style', () => {
    const theirs = addScene(mutate(base, (d) => (node(d, 'img-s02')!.data['seed'] = 11)), { tabId: 'acct-1', filled: true });
    for (const style of ['minified', 'tabs', 'crlf', 'four-space'] as const) {
      const ours = mutate(base, (d) => (node(d, 'vid-s01')!.data['prompt'] = 'ours'));
      const result = mergeNbflow(enc(base, 'two-space'), enc(ours, style), enc(theirs, 'two-space'), DEFAULT_CONFIG);
      const expected = mutate(theirs, (d) => (node(d, 'vid-s01')!.data['prompt'] = 'ours'));
      expect(text(result.bytes), style).toBe(serialize(expected, style));
    }
  });

  it('returns our bytes for an unchanged theirs and theirs bytes for an unchanged ours', () => {
    const ours = enc(editPrompt(base, 'img-s01', 'o'), 'tabs');
    expect(mergeNbflow(enc(base), ours, enc(base), DEFAULT_CONFIG).bytes).toBe(ours);
    const theirs = enc(editPrompt(base, 'img-s01', 't'), 'crlf');
    expect(mergeNbflow(enc(base), enc(base), theirs, DEFAULT_CONFIG).bytes).toBe(theirs);
  });

  it('names the side that is not an .nbflow', () => {
    const bad = new TextEncoder().encode('{"tabs": [');
    expect(() => mergeNbflow(enc(base), enc(base), bad, DEFAULT_CONFIG, { labels: { theirs: 'XYZG3.nbflow' } })).toThrow(/XYZG3\.nbflow \(theirs\).*truncated/);
    expect(() => mergeNbflow(enc(base), new TextEncoder().encode('{"tabs": 3}'), enc(base), DEFAULT_CONFIG)).toThrow(/the ours side/);
  });
});
