import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';
import { formatSceneRanges, selectNodes } from '../../src/nbflow/select.js';
import type { NodeSelector } from '../../src/nbflow/types.js';
import { buildSampleDoc, thrown } from './sampleDoc.js';

const FILE = 'XYZG3-V0-3.nbflow';
const doc = buildSampleDoc();
const ids = (selector: NodeSelector): string[] => selectNodes(doc, DEFAULT_CONFIG, selector, FILE).map((r) => r.id);

describe('selectNodes', () => {
  it('selects every generation node for --all, in document order', () => {
    const all = ids({ all: true });
    expect(all).toHaveLength(40);
    expect(all[0]).toBe('img-s01-a1');
    expect(all.some((id) => id.startsWith('note-'))).toBe(false);
  });

  it('matches a scene numerically whatever its spelling', () => {
    const expected = ['img-s03-a1', 'vid-s03-a1', 'img-s03-a3', 'vid-s03-a3', 'img-s03-a5', 'vid-s03-a5'];
    for (const scene of ['03', '3', 'Scene 03', 'scene 3', 'S03']) expect(ids({ scenes: [scene] })).toEqual(expected);
  });

  it('adds pickers up, in document order, without duplicates', () => {
    expect(ids({ scenes: ['05', '03'], nodes: ['img-s03-a1', 'vid-s05-a2'] })).toEqual([
      'img-s03-a1',
      'vid-s03-a1',
      'img-s05-a2',
      'vid-s05-a2',
      'img-s03-a3',
      'vid-s03-a3',
      'img-s05-a4',
      'vid-s05-a4',
      'img-s03-a5',
      'vid-s03-a5',
    ]);
  });

  it('narrows with filters: tabs by id or title, kinds', () => {
    expect(ids({ scenes: ['3'], tabs: ['acct-3'] })).toEqual(['img-s03-a3', 'vid-s03-a3']);
    expect(ids({ scenes: ['3'], tabs: ['account 3', 'Account 5'], kinds: ['video'] })).toEqual(['vid-s03-a3', 'vid-s03-a5']);
    expect(ids({ tabs: ['acct-2'] })).toEqual(['img-s05-a2', 'vid-s05-a2', 'img-s06-a2', 'vid-s06-a2', 'img-s07-a2', 'vid-s07-a2', 'img-s08-a2', 'vid-s08-a2']);
    expect(ids({ kinds: ['image'] })).toHaveLength(20);
    expect(ids({ all: true, kinds: ['image', 'video'] })).toHaveLength(40);
  });

  it('lets --node pick a non-generation node, but never --all or --tab', () => {
    expect(ids({ nodes: ['note-a2'] })).toEqual(['note-a2']);
    expect(ids({ tabs: ['acct-2'] })).not.toContain('note-a2');
    expect(ids({ all: true, nodes: ['note-a2'] })).toContain('note-a2');
  });

  it('reports each value that matches nothing as NO_MATCH', () => {
    const cases: Array<[NodeSelector, string]> = [
      [{ nodes: ['img-s03-a1', 'img-s99'] }, `no node has id 'img-s99' in ${FILE}`],
      [{ scenes: ['03', '09'] }, `no scene 09 in ${FILE}; scenes are 01-08`],
      [{ all: true, tabs: ['acct-9'] }, `no tab 'acct-9' in ${FILE}; tabs are acct-1 (Account 1), acct-2 (Account 2)`],
    ];
    for (const [selector, message] of cases) {
      const err = thrown(() => ids(selector));
      expect(err.code).toBe('NO_MATCH');
      expect(err.message).toContain(message);
      expect(err.file).toBe(FILE);
    }
    const onlyImages = { tabs: [{ id: 't', nodes: [{ id: 'i', type: 'imageGen', data: { title: 'Scene 1' } }] }] };
    expect(thrown(() => selectNodes(onlyImages, DEFAULT_CONFIG, { kinds: ['video'] }, FILE)).message).toBe(`no video node in ${FILE}`);
  });

  it('reports an empty final selection as NO_MATCH, naming the selector', () => {
    const err = thrown(() => ids({ scenes: ['01'], tabs: ['acct-2'] }));
    expect(err.code).toBe('NO_MATCH');
    expect(err.message).toBe(`--scene 01 --tab acct-2 matches no node in ${FILE}`);
    expect(thrown(() => ids({ nodes: ['vid-s03-a1'], kinds: ['image'] })).code).toBe('NO_MATCH');
  });

  it('refuses an empty selector, a non-scene and an unknown kind as BAD_USAGE', () => {
    for (const selector of [{}, { nodes: [], scenes: [] }, { all: false }] as NodeSelector[]) {
      const err = thrown(() => ids(selector));
      expect(err.code).toBe('BAD_USAGE');
      expect(err.message).toContain(FILE);
    }
    expect(thrown(() => ids({ scenes: ['intro'] })).code).toBe('BAD_USAGE');
    expect(thrown(() => ids({ kinds: ['audio' as 'image'] })).message).toContain("unknown kind 'audio'");
  });
});

describe('formatSceneRanges', () => {
  it('groups consecutive scenes', () => {
    expect(formatSceneRanges(['1', '2', '3', '5', '7', '8', '3'])).toBe('01-03, 05, 07-08');
    expect(formatSceneRanges(['12'])).toBe('12');
    expect(formatSceneRanges([])).toBe('');
  });
});
