import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/nbflow/config.js';
import { diffDocuments } from '../../src/nbflow/diff.js';
import type { NbflowDocument, NbflowNode } from '../../src/nbflow/types.js';
import { buildSampleDoc } from './sampleDoc.js';

function nodeIn(doc: NbflowDocument, id: string): NbflowNode {
  for (const tab of doc.tabs) for (const node of tab.nodes) if (node.id === id) return node;
  throw new Error(`no node ${id}`);
}
const dataOf = (doc: NbflowDocument, id: string): Record<string, unknown> => nodeIn(doc, id).data ?? {};

function edited(edit: (doc: NbflowDocument) => void): { before: NbflowDocument; after: NbflowDocument } {
  const before = buildSampleDoc();
  const after = structuredClone(before);
  edit(after);
  return { before, after };
}

describe('diffDocuments: per-node classification', () => {
  it('reports nothing for identical documents, whatever their key order', () => {
    const { before, after } = edited((doc) => {
      const data = dataOf(doc, 'img-s03-a1');
      nodeIn(doc, 'img-s03-a1').data = Object.fromEntries(Object.entries(data).reverse());
    });
    expect(diffDocuments(before, after, DEFAULT_CONFIG)).toEqual({ nodes: [], other: [] });
  });

  it.each([
    ['prompt', 'prompt-edited', 'a brand new prompt'],
    ['negativePrompt', 'prompt-edited', 'no blur'],
    ['model', 'model-changed', 'NB1'],
    ['avatarRef', 'reference-changed', 'https://avatars-bucket.r2.dev/avatars/a1-v3.png'],
    ['styleImage', 'reference-changed', ['https://r2.dev/style.png']],
    ['maskUrl', 'reference-changed', 'not-a-url-but-named-like-one'],
    ['aspectRatio', 'input-changed', '16:9'],
    ['title', 'presentation-changed', 'Scene 03 (hero)'],
  ])('a change of data.%s is %s with before and after', (field, kind, value) => {
    const { before, after } = edited((doc) => {
      dataOf(doc, 'img-s03-a1')[field] = value;
    });
    const diff = diffDocuments(before, after, DEFAULT_CONFIG);
    expect(diff.other).toEqual([]);
    expect(diff.nodes).toEqual([
      { node: 'img-s03-a1', tab: 'acct-1', title: field === 'title' ? value : 'Scene 03', kind: 'image', changes: [{ kind, field, before: dataOf(before, 'img-s03-a1')[field], after: value }] },
    ]);
  });

  it('classifies cache changes by content hash of entries', () => {
    const { before, after } = edited((doc) => {
      dataOf(doc, 'img-s01-a1')['_savedImages'] = [];
      dataOf(doc, 'vid-s04-a1')['_savedClips'] = ['https://r2.dev/new.mp4', { url: 'https://r2.dev/new2.mp4', seed: 3 }];
      const images = dataOf(doc, 'img-s02-a1')['_savedImages'] as unknown[];
      images.reverse();
      const clips = dataOf(doc, 'vid-s02-a1')['_savedClips'] as unknown[];
      clips.push('https://r2.dev/extra.mp4');
      clips.shift();
      dataOf(doc, 'img-s03-a1')['_savedImages'] = (dataOf(doc, 'img-s03-a1')['_savedImages'] as unknown[]).map((entry) =>
        typeof entry === 'object' && entry !== null ? Object.fromEntries(Object.entries(entry).reverse()) : entry,
      );
    });
    const changes = Object.fromEntries(diffDocuments(before, after, DEFAULT_CONFIG).nodes.map((n) => [n.node, n.changes]));
    const count = (id: string, field: string): number => (dataOf(before, id)[field] as unknown[]).length;
    expect(changes['img-s01-a1']).toEqual([{ kind: 'cache-wiped', field: '_savedImages', cache: { field: '_savedImages', before: count('img-s01-a1', '_savedImages'), after: 0, added: 0, removed: count('img-s01-a1', '_savedImages') } }]);
    expect(changes['vid-s04-a1']).toEqual([{ kind: 'cache-filled', field: '_savedClips', cache: { field: '_savedClips', before: 0, after: 2, added: 2, removed: 0 } }]);
    const n = count('vid-s02-a1', '_savedClips');
    expect(changes['vid-s02-a1']).toEqual([{ kind: 'cache-changed', field: '_savedClips', cache: { field: '_savedClips', before: n, after: n, added: 1, removed: 1 } }]);
    if (count('img-s02-a1', '_savedImages') > 1) {
      expect(changes['img-s02-a1']?.[0]).toMatchObject({ kind: 'cache-changed', cache: { added: 0, removed: 0 } });
    }
    expect(changes['img-s03-a1']).toBeUndefined();
  });

  it('reports added and removed nodes: after-document order first, removed ones last', () => {
    const { before, after } = edited((doc) => {
      doc.tabs[4]?.nodes.push({ id: 'img-new', type: 'imageGen', data: { title: 'Scene 09' } });
      doc.tabs[0]?.nodes.splice(1, 1);
      dataOf(doc, 'vid-s01-a1')['prompt'] = 'changed';
    });
    const diff = diffDocuments(before, after, DEFAULT_CONFIG);
    expect(diff.nodes.map((n) => [n.node, n.changes.map((c) => c.kind)])).toEqual([
      ['vid-s01-a1', ['prompt-edited']],
      ['img-new', ['added']],
      ['img-s01-a1', ['removed']],
    ]);
    expect(diff.nodes[2]).toMatchObject({ tab: 'acct-1', title: 'Scene 01', kind: 'image' });
    expect(diff.other).toEqual([]);
  });

  it('reports node-level presentation and other changes, and moves between tabs', () => {
    const { before, after } = edited((doc) => {
      nodeIn(doc, 'img-s03-a1')['position'] = { x: 5, y: 5 };
      nodeIn(doc, 'img-s03-a1')['selected'] = true;
      nodeIn(doc, 'vid-s03-a1').type = 'videoGeneration';
      const moved = doc.tabs[0]?.nodes.splice(0, 1)[0];
      if (moved !== undefined) doc.tabs[1]?.nodes.push(moved);
    });
    const byNode = Object.fromEntries(diffDocuments(before, after, DEFAULT_CONFIG).nodes.map((n) => [n.node, n]));
    expect(byNode['img-s03-a1']?.changes).toEqual([
      { kind: 'presentation-changed', field: 'position', before: { x: 800, y: 0 }, after: { x: 5, y: 5 } },
      { kind: 'presentation-changed', field: 'selected', before: undefined, after: true },
    ]);
    expect(byNode['vid-s03-a1']?.changes).toEqual([{ kind: 'other-changed', field: 'type', before: 'videoGen', after: 'videoGeneration' }]);
    expect(byNode['note-a1']).toMatchObject({ tab: 'acct-2', kind: 'other', changes: [{ kind: 'other-changed', field: 'tab', before: 'acct-1', after: 'acct-2' }] });
  });

  it('follows a configured inputFields: other data fields are other-changed', () => {
    const config = parseConfig({ inputFields: ['prompt'] }, 'c');
    const { before, after } = edited((doc) => {
      dataOf(doc, 'img-s03-a1')['aspectRatio'] = '1:1';
    });
    expect(diffDocuments(before, after, config).nodes[0]?.changes[0]?.kind).toBe('other-changed');
  });

  it('treats a null before as an empty document (root commit)', () => {
    const after = buildSampleDoc();
    const diff = diffDocuments(null, after, DEFAULT_CONFIG);
    expect(diff.nodes).toHaveLength(45);
    expect(diff.nodes.every((n) => n.changes.length === 1 && n.changes[0]?.kind === 'added')).toBe(true);
    expect(diff.other).toEqual(['/name', '/version', '/settings', '/tabs/0', '/tabs/1', '/tabs/2', '/tabs/3', '/tabs/4']);
  });
});

describe('diffDocuments: changes outside nodes', () => {
  it('reports settings, top-level fields, tab fields, edges and order as JSON pointers', () => {
    const { before, after } = edited((doc) => {
      (doc['settings'] as Record<string, unknown>)['locale'] = 'de-CH';
      doc['name'] = 'XYZG4';
      doc['a/b'] = 1;
      if (doc.tabs[1] !== undefined) doc.tabs[1].title = 'Account Two';
      doc.tabs[2]?.edges?.pop();
      doc.tabs[3]?.nodes.reverse();
    });
    expect(diffDocuments(before, after, DEFAULT_CONFIG).other).toEqual(['/name', '/settings', '/a~1b', '/tabs/1/title', '/tabs/2/edges', '/tabs/3/nodes']);
  });

  it('reports added, removed and reordered tabs', () => {
    const { before, after } = edited((doc) => {
      const first = doc.tabs.shift();
      if (first !== undefined) doc.tabs.push(first);
      doc.tabs.push({ id: 'acct-6', nodes: [] });
    });
    expect(diffDocuments(before, after, DEFAULT_CONFIG).other).toEqual(['/tabs/5', '/tabs']);
    const removed = edited((doc) => void doc.tabs.splice(2, 1));
    expect(diffDocuments(removed.before, removed.after, DEFAULT_CONFIG).other).toEqual(['/tabs']);
  });

  it('diffs two 5 MB documents quickly (measured, not asserted)', () => {
    const big = buildSampleDoc();
    for (const tab of big.tabs) for (const node of tab.nodes) if (node.data !== undefined) node.data['prompt'] = String(node.data['prompt'] ?? '').repeat(300);
    const after = structuredClone(big);
    for (const id of ['img-s03-a1', 'vid-s05-a2']) dataOf(after, id)['_savedImages'] = [];
    const start = performance.now();
    const diff = diffDocuments(big, after, DEFAULT_CONFIG);
    console.log(`diffDocuments: ${(JSON.stringify(big).length / 1e6).toFixed(1)} MB x2 in ${(performance.now() - start).toFixed(0)} ms`);
    expect(diff.nodes.map((n) => n.node)).toEqual(['img-s03-a1', 'vid-s05-a2']);
  });
});
