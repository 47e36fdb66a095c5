import { describe, expect, it } from 'vitest';
import { MAX_NBFLOW_BYTES, parseNbflow } from '../../src/nbflow/parse.js';
import { buildSampleDoc, encode, parseText, serialize, thrown } from './sampleDoc.js';

const FILE = 'XYZG3-V0-3.nbflow';
const parse = (text: string): unknown => parseText(text, FILE);

describe('parseNbflow: accepted documents', () => {
  it('keeps bytes, text and every unknown field in its original order', () => {
    const text = serialize(buildSampleDoc(), 'crlf');
    const bytes = encode(text);
    const parsed = parseNbflow(bytes, FILE);
    expect(parsed.file).toBe(FILE);
    expect(parsed.bytes).toBe(bytes);
    expect(parsed.text).toBe(text);
    expect(parsed.doc).toEqual(JSON.parse(text));
    expect(JSON.stringify(parsed.doc)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.keys(parsed.doc)).toEqual(['name', 'version', 'settings', 'tabs']);
  });

  it('passes unknown node types, unknown fields and dangling edges through', () => {
    const doc = { extra: { x: 1 }, tabs: [{ id: 't', nodes: [{ weird: true, id: 'n', type: 'somethingNew', data: { k: [1] } }], edges: [{ source: 'n', target: 'ghost', label: 'x' }] }] };
    const parsed = parseText(JSON.stringify(doc));
    expect(parsed.doc).toEqual(doc);
    expect(Object.keys(parsed.doc.tabs[0]?.nodes[0] ?? {})).toEqual(['weird', 'id', 'type', 'data']);
  });

  it('accepts a node without data and a tab without edges', () => {
    expect(() => parse('{"tabs": [{"id": "t", "nodes": [{"id": "n", "type": "x"}]}]}')).not.toThrow();
  });
});

describe('parseNbflow: refused documents', () => {
  it('refuses more than 64 MiB as TOO_LARGE without decoding it', () => {
    expect(MAX_NBFLOW_BYTES).toBe(64 * 1024 * 1024);
    const err = thrown(() => parseNbflow(new Uint8Array(MAX_NBFLOW_BYTES + 1), FILE));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toContain(FILE);
    expect(err.message).toContain(`${MAX_NBFLOW_BYTES + 1} bytes`);
  });

  it('refuses a UTF-8 byte-order mark as BAD_ENCODING', () => {
    const err = thrown(() => parseNbflow(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('{"tabs": []}')]), FILE));
    expect(err.code).toBe('BAD_ENCODING');
    expect(err.message).toBe(`${FILE}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM`);
  });

  it.each([
    [[0x7b, 0x0a, 0x22, 0xff, 0x22], 'invalid byte 0xff at byte offset 3, line 2'],
    [[0x22, 0xc3, 0x22], 'invalid byte 0xc3 at byte offset 1'],
    [[0x22, 0xc0, 0x80, 0x22], 'invalid byte 0xc0'],
    [[0x22, 0xed, 0xa0, 0x80, 0x22], 'invalid byte 0xed'],
    [[0x22, 0xef, 0xbf, 0xbd, 0xe2, 0x82, 0x22], 'at byte offset 4'],
    [[0x22, 0xe2, 0x82], 'invalid byte 0xe2 at byte offset 1'],
  ])('refuses invalid UTF-8 %j as BAD_ENCODING and says where', (bytes, expected) => {
    const err = thrown(() => parseNbflow(new Uint8Array(bytes), FILE));
    expect(err.code).toBe('BAD_ENCODING');
    expect(err.message).toContain(`${FILE}: is not valid UTF-8`);
    expect(err.message).toContain(expected);
  });

  it('reports JSON syntax errors with line:column', () => {
    const err = thrown(() => parse('{\n  "tabs": [\n    {"id": "t" "nodes": []}\n  ]\n}'));
    expect(err.code).toBe('BAD_JSON');
    expect(err.message).toBe(`${FILE}: unexpected '"': expected ',' or '}' after object member at 3:16`);
  });

  it.each([
    ['[]', 'the top level: expected an object, found an array'],
    ['{"name": "x"}', '/tabs: an array is required but missing'],
    ['{"tabs": {}}', '/tabs: expected an array, found an object'],
    ['{"tabs": [{"id": "t", "nodes": [{"id": "a", "type": "x"}, 5]}]}', '/tabs/0/nodes/1: expected an object, found a number'],
    ['{"tabs": [{"id": 3, "nodes": []}]}', '/tabs/0/id: expected a string, found a number'],
    ['{"tabs": [{"id": "t"}]}', '/tabs/0/nodes: an array is required but missing'],
    ['{"tabs": [{"id": "t", "title": 1, "nodes": []}]}', '/tabs/0/title: expected a string, found a number'],
    ['{"tabs": [{"id": "t", "nodes": [{"type": "x"}]}]}', '/tabs/0/nodes/0/id: a string is required but missing'],
    ['{"tabs": [{"id": "t", "nodes": [{"id": "", "type": "x"}]}]}', '/tabs/0/nodes/0/id: a node id cannot be empty'],
    ['{"tabs": [{"id": "t", "nodes": [{"id": "n", "type": null}]}]}', '/tabs/0/nodes/0/type: expected a string, found null'],
    ['{"tabs": [{"id": "t", "nodes": [{"id": "n", "type": "x", "data": []}]}]}', '/tabs/0/nodes/0/data: expected an object, found an array'],
    ['{"tabs": [{"id": "t", "nodes": [], "edges": [{"source": "a"}]}]}', '/tabs/0/edges/0/target: a string is required but missing'],
    ['{"tabs": [{"id": "t", "nodes": [], "edges": [{"source": 1, "target": "b"}]}]}', '/tabs/0/edges/0/source: expected a string, found a number'],
    ['{"name": 7, "tabs": []}', '/name: expected a string, found a number'],
  ])('refuses the shape %s as BAD_DOCUMENT with the JSON path', (text, expected) => {
    const err = thrown(() => parse(text));
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toContain(`${FILE}: ${expected}`);
  });

  it('refuses a node id used twice in the document, naming both places', () => {
    const doc = buildSampleDoc();
    const first = doc.tabs[0]?.nodes[2];
    const second = doc.tabs[3]?.nodes[5];
    if (first === undefined || second === undefined) throw new Error('fixture changed');
    second.id = first.id;
    const err = thrown(() => parse(JSON.stringify(doc)));
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toBe(`${FILE}: node id '${first.id}' is used twice, at /tabs/0/nodes/2 and at /tabs/3/nodes/5`);
  });

  it('refuses duplicate keys and prototype keys before looking at the shape', () => {
    expect(thrown(() => parse('{"tabs": [], "tabs": []}')).message).toContain("duplicate key 'tabs' in the object at the top level at 1:14");
    expect(thrown(() => parse('{"tabs": [{"id": "t", "nodes": [{"id": "n", "type": "x", "data": {"__proto__": {}}}]}]}')).message).toContain(
      "forbidden key '__proto__' in the object at /tabs/0/nodes/0/data",
    );
  });

  it('refuses a lone surrogate escape as BAD_ENCODING', () => {
    const err = thrown(() => parse('{"tabs": [], "name": "\\ud83d"}'));
    expect(err.code).toBe('BAD_ENCODING');
    expect(err.message).toContain(`${FILE}: lone surrogate escape '\\ud83d'`);
  });
});
