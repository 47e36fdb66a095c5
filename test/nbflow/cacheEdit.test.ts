import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';
import { transplantCache, wipeCache } from '../../src/nbflow/cacheEdit.js';
import { selectNodes } from '../../src/nbflow/select.js';
import type { NbflowDocument, NbflowNode } from '../../src/nbflow/types.js';
import { FORMATS, RAW_NUMBERS, buildSampleDoc, decode, encode, parseText, serialize, thrown, type Format } from './sampleDoc.js';

const FILE = 'XYZG3-V0-3.nbflow';

function nodeIn(doc: NbflowDocument, id: string): NbflowNode {
  for (const tab of doc.tabs) for (const node of tab.nodes) if (node.id === id) return node;
  throw new Error(`no node ${id}`);
}

/** The oracle: the same document serialised the same way with the cache fields of `ids` emptied. */
function wipedText(ids: readonly string[], format: Format): string {
  const doc = buildSampleDoc();
  for (const id of ids) {
    const data = nodeIn(doc, id).data ?? {};
    for (const field of ['_savedImages', '_savedClips']) if (field in data) data[field] = [];
  }
  return serialize(doc, format);
}

describe.each(FORMATS)('wipeCache on a %s document', (format) => {
  const original = serialize(buildSampleDoc(), format);
  const parsed = parseText(original, FILE);
  const scenes = selectNodes(parsed.doc, DEFAULT_CONFIG, { scenes: ['03', '05'] }, FILE).map((r) => r.id);

  it('empties only the chosen caches; every other byte is the original byte', () => {
    const { bytes, wiped, parsed: result } = wipeCache(parsed, scenes, DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(wipedText(scenes, format));
    expect(Buffer.from(bytes).equals(Buffer.from(encode(wipedText(scenes, format))))).toBe(true);
    expect(decode(bytes)).toContain(RAW_NUMBERS);
    expect(result.bytes).toBe(bytes);
    for (const id of scenes) expect(JSON.stringify(nodeIn(result.doc, id).data?.['_savedImages'] ?? [])).toBe('[]');
    const expectedWiped = scenes.flatMap((id) => {
      const data = nodeIn(buildSampleDoc(), id).data ?? {};
      return (['_savedImages', '_savedClips'] as const).filter((f) => Array.isArray(data[f]) && (data[f] as unknown[]).length > 0).map((field) => ({ node: id, field, entries: (data[field] as unknown[]).length }));
    });
    expect(wiped).toEqual(expectedWiped);
    expect(wiped.length).toBeGreaterThan(6);
  });

  it('wipes everything in one pass and a transplant from the original brings back every byte', () => {
    const all = selectNodes(parsed.doc, DEFAULT_CONFIG, { all: true }, FILE).map((r) => r.id);
    const wiped = wipeCache(parsed, all, DEFAULT_CONFIG);
    expect(decode(wiped.bytes)).toBe(wipedText(all, format));
    const restored = transplantCache(wiped.parsed, parsed, all, DEFAULT_CONFIG);
    expect(decode(restored.bytes)).toBe(original);
    expect(restored.restored).toEqual(wiped.wiped);
  });

  it('restores chosen nodes only', () => {
    const all = selectNodes(parsed.doc, DEFAULT_CONFIG, { all: true }, FILE).map((r) => r.id);
    const wiped = wipeCache(parsed, all, DEFAULT_CONFIG).parsed;
    const { bytes } = transplantCache(wiped, parsed, scenes, DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(wipedText(all.filter((id) => !scenes.includes(id)), format));
  });

  it('inserts a cache field the target lacks, laid out like its neighbours', () => {
    for (const shape of ['no field', 'empty data', 'no data'] as const) {
      const target = buildSampleDoc();
      const node = nodeIn(target, 'img-s03-a3');
      if (shape === 'no field') delete node.data?.['_savedImages'];
      else if (shape === 'empty data') node.data = {};
      else delete node.data;
      const { bytes, restored } = transplantCache(parseText(serialize(target, format), FILE), parsed, ['img-s03-a3'], DEFAULT_CONFIG);
      const expected = structuredClone(target);
      const source = nodeIn(buildSampleDoc(), 'img-s03-a3').data?.['_savedImages'];
      const expectedNode = nodeIn(expected, 'img-s03-a3');
      expectedNode.data = { ...(expectedNode.data ?? {}), _savedImages: source };
      expect(decode(bytes), shape).toBe(serialize(expected, format));
      expect(restored).toEqual([{ node: 'img-s03-a3', field: '_savedImages', entries: (source as unknown[]).length }]);
    }
  });
});

describe('wipeCache details', () => {
  it('keeps hand formatting, escapes, non-ASCII and odd number spellings verbatim', () => {
    const text =
      '{ "name":"Zürich 🎬", "n": [1.0, 1e3, -0, 1E+2, 123456789012345678901234567890],\n' +
      '\t"tabs" : [ {"id":"t","nodes":[ {"id":"img\\u002d1","type":"imageGen","data":{ "prompt":"caf\\u00e9 \\"q\\"",\n' +
      '   "_savedImages" :  [ "https://x/ä.png" ,{"url":"u","seed":1.50} ] , "z":0.0 } } ] } ] }';
    const { bytes, wiped } = wipeCache(parseText(text, FILE), ['img-1'], DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(text.replace('[ "https://x/ä.png" ,{"url":"u","seed":1.50} ]', '[]'));
    expect(wiped).toEqual([{ node: 'img-1', field: '_savedImages', entries: 2 }]);
  });

  it('leaves empty, null and absent fields alone and reports nothing for them', () => {
    const text = '{"tabs":[{"id":"t","nodes":[{"id":"a","type":"videoGen","data":{"_savedClips":[],"_savedImages":null}},{"id":"b","type":"note"}]}]}';
    const parsed = parseText(text, FILE);
    const result = wipeCache(parsed, ['a', 'b'], DEFAULT_CONFIG);
    expect(result.wiped).toEqual([]);
    expect(result.bytes).toBe(parsed.bytes);
  });

  it('wipes a stray non-array cache value to []', () => {
    const text = '{"tabs":[{"id":"t","nodes":[{"id":"a","type":"imageGen","data":{"_savedImages":"https://x/1.png"}}]}]}';
    const { bytes, wiped } = wipeCache(parseText(text, FILE), ['a'], DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(text.replace('"https://x/1.png"', '[]'));
    expect(wiped).toEqual([{ node: 'a', field: '_savedImages', entries: 1 }]);
  });

  it('reports an unknown node id as NO_MATCH', () => {
    const err = thrown(() => wipeCache(parseText(serialize(buildSampleDoc(), 'minified'), FILE), ['img-s99'], DEFAULT_CONFIG));
    expect(err.code).toBe('NO_MATCH');
    expect(err.message).toBe(`no node has id 'img-s99' in ${FILE}`);
  });

  it('throws (and writes nothing) when its self-check finds a document other than the expected one', () => {
    const parsed = parseText(serialize(buildSampleDoc(), '2-space'), FILE);
    const lying = { ...parsed, doc: structuredClone(parsed.doc) };
    lying.doc['name'] = 'not what the bytes say';
    expect(() => wipeCache(lying, ['img-s03-a1'], DEFAULT_CONFIG)).toThrow(/internal error: the cache wipe of XYZG3-V0-3.nbflow did not produce the expected document/);
  });

  it('wipes a 5 MB document quickly (measured, not asserted)', () => {
    const doc = buildSampleDoc();
    for (const tab of doc.tabs) for (const node of tab.nodes) if (node.data !== undefined) node.data['prompt'] = String(node.data['prompt'] ?? '').repeat(12);
    const big = parseText(serialize(doc, '2-space').replace('"settings": {', `"settings": {"blob": ${JSON.stringify('x'.repeat(4_000_000))},`), FILE);
    const start = performance.now();
    const result = wipeCache(big, ['img-s03-a1', 'vid-s05-a2'], DEFAULT_CONFIG);
    console.log(`wipeCache: ${(big.bytes.length / 1e6).toFixed(1)} MB in ${(performance.now() - start).toFixed(0)} ms`);
    expect(result.wiped.length).toBe(2);
  });
});

describe('transplantCache details', () => {
  const source = parseText(serialize(buildSampleDoc(), '2-space'), 'XYZG3-V0-2.nbflow');

  it('empties a target cache when the source has none', () => {
    const doc = buildSampleDoc();
    const src = structuredClone(doc);
    nodeIn(src, 'img-s03-a1').data!['_savedImages'] = [];
    delete nodeIn(src, 'vid-s03-a1').data!['_savedClips'];
    const { bytes, restored } = transplantCache(parseText(serialize(doc, 'tabs'), FILE), parseText(serialize(src, 'tabs')), ['img-s03-a1', 'vid-s03-a1'], DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(wipedText(['img-s03-a1', 'vid-s03-a1'], 'tabs'));
    expect(restored).toEqual([
      { node: 'img-s03-a1', field: '_savedImages', entries: 0 },
      { node: 'vid-s03-a1', field: '_savedClips', entries: 0 },
    ]);
  });

  it('changes nothing and reports nothing when the caches already match', () => {
    const result = transplantCache(source, source, ['img-s03-a1'], DEFAULT_CONFIG);
    expect(result.restored).toEqual([]);
    expect(result.bytes).toBe(source.bytes);
  });

  it('writes CRLF line ends into a CRLF target even from an LF source', () => {
    const all = selectNodes(source.doc, DEFAULT_CONFIG, { all: true }, FILE).map((r) => r.id);
    const target = wipeCache(parseText(serialize(buildSampleDoc(), 'crlf'), FILE), all, DEFAULT_CONFIG).parsed;
    const { bytes } = transplantCache(target, source, all, DEFAULT_CONFIG);
    expect(decode(bytes)).toBe(serialize(buildSampleDoc(), 'crlf'));
    expect(/[^\r]\n/.test(decode(bytes))).toBe(false);
  });

  it('reports a node missing from either document as NO_MATCH, naming that file', () => {
    const doc = buildSampleDoc();
    doc.tabs[0]?.nodes.splice(1, 1);
    const without = parseText(serialize(doc, '2-space'), 'XYZG3-V0-1.nbflow');
    const fromSource = thrown(() => transplantCache(source, without, ['img-s01-a1'], DEFAULT_CONFIG));
    expect(fromSource.code).toBe('NO_MATCH');
    expect(fromSource.message).toBe("no node has id 'img-s01-a1' in the source XYZG3-V0-1.nbflow");
    expect(thrown(() => transplantCache(without, source, ['img-s01-a1'], DEFAULT_CONFIG)).message).toBe("no node has id 'img-s01-a1' in XYZG3-V0-1.nbflow");
  });
});
