import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/nbflow/config.js';
import { cacheEntries, filledCacheFields, findNode, generationInputs, listNodes, sceneNumber } from '../../src/nbflow/nodes.js';
import type { NbflowNode } from '../../src/nbflow/types.js';
import { buildSampleDoc } from './sampleDoc.js';

describe('listNodes / findNode', () => {
  const doc = buildSampleDoc();

  it('lists every node in document order with kind, tab and generation flag', () => {
    const refs = listNodes(doc, DEFAULT_CONFIG);
    expect(refs).toHaveLength(45);
    expect(refs.filter((r) => r.isGeneration)).toHaveLength(40);
    expect(refs[0]).toEqual({ id: 'note-a1', type: 'note', kind: 'other', title: undefined, tabId: 'acct-1', tabIndex: 0, nodeIndex: 0, isGeneration: false });
    expect(refs[1]).toMatchObject({ id: 'img-s01-a1', kind: 'image', title: 'Scene 01', isGeneration: true });
    expect(refs[2]).toMatchObject({ id: 'vid-s01-a1', kind: 'video', tabId: 'acct-1', nodeIndex: 2 });
    expect(refs[44]).toMatchObject({ id: 'vid-s04-a5', tabIndex: 4, nodeIndex: 8 });
  });

  it('treats an unknown type carrying a cache field as a generation node of kind other', () => {
    const node: NbflowNode = { id: 'x', type: 'upscaler', data: { _savedImages: [] } };
    const refs = listNodes({ tabs: [{ id: 't', nodes: [node, { id: 'y', type: 'upscaler' }] }] }, DEFAULT_CONFIG);
    expect(refs.map((r) => [r.kind, r.isGeneration])).toEqual([
      ['other', true],
      ['other', false],
    ]);
  });

  it('does not take kinds from Object.prototype', () => {
    expect(listNodes({ tabs: [{ id: 't', nodes: [{ id: 'x', type: 'toString' }] }] }, DEFAULT_CONFIG)[0]?.kind).toBe('other');
  });

  it('finds a node with its location', () => {
    const found = findNode(doc, 'img-s07-a4');
    expect(found?.tab.id).toBe('acct-4');
    expect([found?.tabIndex, found?.nodeIndex]).toEqual([3, 5]);
    expect(findNode(doc, 'nope')).toBeUndefined();
  });
});

describe('cache and inputs of a node', () => {
  const node: NbflowNode = {
    id: 'n',
    type: 'imageGen',
    position: { x: 1, y: 2 },
    data: { title: 'Scene 03', prompt: 'p', model: 'NB2', avatarRef: 'https://a', size: 3, _savedImages: ['a', { url: 'b', seed: 1 }], _savedClips: null },
  };

  it('reads cache entries, treating absent and null as empty and a stray value as one entry', () => {
    expect(cacheEntries(node, '_savedImages')).toHaveLength(2);
    expect(cacheEntries(node, '_savedClips')).toEqual([]);
    expect(cacheEntries(node, '_missing')).toEqual([]);
    expect(cacheEntries({ id: 'x', type: 't', data: { _savedImages: 'https://x' } }, '_savedImages')).toEqual(['https://x']);
    expect(filledCacheFields(node, DEFAULT_CONFIG).map((f) => f.field)).toEqual(['_savedImages']);
  });

  it('takes generation inputs as data minus cache and presentation fields', () => {
    expect(generationInputs(node, DEFAULT_CONFIG)).toEqual({ prompt: 'p', model: 'NB2', avatarRef: 'https://a' });
  });

  it('takes only inputFields when they are configured', () => {
    const config = parseConfig({ inputFields: ['prompt', 'title', 'absent'] }, 'c');
    expect(generationInputs(node, config)).toEqual({ prompt: 'p', title: 'Scene 03' });
  });
});

describe('sceneNumber', () => {
  it.each([
    ['Scene 03', '3'],
    ['scene 3 - intro', '3'],
    ['S03', '3'],
    ['s3', '3'],
    ['Scene 10', '10'],
    ['SCENE_07', '7'],
    ['Sc. 4', '4'],
    ['[S05] hero shot', '5'],
    ['Account 2 / Scene 08', '8'],
    ['Scene 00', '0'],
    ['03', '3'],
    [' 12 ', '12'],
  ])('%s -> %s', (title, scene) => expect(sceneNumber(title)).toBe(scene));

  it.each(['Notes', 'Takes 3', 'Shot 3', 'Scenes', '', 'Version 3', 'S', '1080p', '3 4'])('%j names no scene', (title) => expect(sceneNumber(title)).toBeUndefined());

  it('handles a missing title', () => expect(sceneNumber(undefined)).toBeUndefined());
});
