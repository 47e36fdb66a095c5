// Byte-level rules on small hand-written documents: what theirs brings keeps its number spelling
// and escapes, goes after its predecessor, and containers that empty or fill are written in our
// layout.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';
import { mergeNbflow } from '../../src/merging/index.js';

const b = (text: string) => new TextEncoder().encode(text);
const merged = (base: string, ours: string, theirs: string) => new TextDecoder().decode(mergeNbflow(b(base), b(ours), b(theirs), DEFAULT_CONFIG).bytes);
const doc = (nodes: string, edges = '[]', extra = '') => `{\n  "name": "T",${extra}\n  "tabs": [\n    {\n      "id": "a",\n      "nodes": ${nodes},\n      "edges": ${edges}\n    }\n  ]\n}\n`;
const n1 = '{\n          "id": "n1",\n          "type": "imageGen",\n          "data": {\n            "prompt": "p",\n            "seed": 1.50\n          }\n        }';
const n2 = '{ "id": "n2", "type": "videoGen", "data": { "prompt": "caf\\u00e9", "steps": 1e3 } }';

describe('merged bytes', () => {
  it('copies what theirs brings token for token: 1e3 stays 1e3, \\u00e9 stays escaped', () => {
    const base = doc(`[\n        ${n1}\n      ]`);
    const theirs = doc(`[\n        ${n1},\n        ${n2}\n      ]`);
    const ours = base.replace('"p"', '"ours"');
    expect(merged(base, ours, theirs)).toBe(
      doc(`[\n        ${n1.replace('"p"', '"ours"')},\n        {\n          "id": "n2",\n          "type": "videoGen",\n          "data": {\n            "prompt": "caf\\u00e9",\n            "steps": 1e3\n          }\n        }\n      ]`),
    );
  });

  it('puts a member theirs added after the member before it in theirs', () => {
    const base = doc(`[\n        ${n1}\n      ]`);
    const theirs = base.replace('"prompt": "p",', '"prompt": "p",\n            "model": "NB2",');
    const ours = base.replace('"name": "T"', '"name": "U"');
    expect(merged(base, ours, theirs)).toBe(theirs.replace('"name": "T"', '"name": "U"'));
  });

  it('writes an emptied or a filled container whole, in our layout', () => {
    const edge = '{ "source": "n1", "target": "n2" }';
    const base = doc(`[\n        ${n1}\n      ]`, '[]');
    const theirs = doc(`[\n        ${n1}\n      ]`, `[${edge}]`);
    const ours = base.replace('"name": "T"', '"name": "U"');
    expect(merged(base, ours, theirs)).toBe(ours.replace('"edges": []', '"edges": [\n        {\n          "source": "n1",\n          "target": "n2"\n        }\n      ]'));
    // and the other way: theirs removed the only edge
    expect(merged(theirs, theirs.replace('"name": "T"', '"name": "U"'), base)).toBe(ours);
  });

  it('removes the first members and keeps the rest byte for byte', () => {
    const base = doc('[\n        {"id": "x", "type": "note"},\n        {"id": "y", "type": "note"},\n        {"id": "z",   "type": "note"}\n      ]');
    const theirs = base.replace('{"id": "x", "type": "note"},\n        {"id": "y", "type": "note"},\n        ', '');
    const ours = base.replace('"name": "T"', '"name": "U"');
    expect(merged(base, ours, theirs)).toBe(theirs.replace('"name": "T"', '"name": "U"'));
  });

  it('refuses a node theirs moved to another tab while ours changed it, and keeps the file valid', () => {
    const two = (a: string, c: string) => `{"tabs": [{"id": "a", "nodes": [${a}]}, {"id": "c", "nodes": [${c}]}]}`;
    const node = '{"id": "n", "type": "imageGen", "data": {"prompt": "p"}}';
    const result = mergeNbflow(b(two(node, '')), b(two(node.replace('"p"', '"ours"'), '')), b(two('', node)), DEFAULT_CONFIG);
    expect(result.conflicts.map((c) => [c.tab, c.node, c.reason])).toEqual([
      ['a', 'n', 'theirs-deleted'],
      ['c', 'n', 'refused-insert'],
    ]);
    expect(new TextDecoder().decode(result.bytes)).toBe(two(node.replace('"p"', '"ours"'), ''));
  });

  it('merges a node both sides added with the same id field by field', () => {
    const base = doc('[]');
    const ours = doc('[{"id": "n", "type": "imageGen", "data": {"prompt": "o", "seed": 1}}]');
    const theirs = doc('[{"id": "n", "type": "imageGen", "data": {"prompt": "t", "model": "NB2"}}]');
    const result = mergeNbflow(b(base), b(ours), b(theirs), DEFAULT_CONFIG);
    expect(result.conflicts.map((c) => [c.node, c.field, c.reason, c.ours, c.theirs])).toEqual([['n', '/data/prompt', 'both-added', 'o', 't']]);
    expect(result.merged.doc.tabs[0]!.nodes[0]!.data).toEqual({ prompt: 'o', seed: 1, model: 'NB2' });
  });
});

describe('merging without a base', () => {
  it('merges two files both sides added: equal parts once, different values as both-added conflicts', () => {
    const ours = doc('[{"id": "n", "type": "imageGen", "data": {"prompt": "o"}}]');
    const theirs = doc('[{"id": "n", "type": "imageGen", "data": {"prompt": "t"}}, {"id": "m", "type": "note"}]');
    const result = mergeNbflow(null, b(ours), b(theirs), DEFAULT_CONFIG);
    expect(result.conflicts.map((c) => [c.node, c.field, c.reason])).toEqual([['n', '/data/prompt', 'both-added']]);
    expect(result.merged.doc.tabs[0]!.nodes.map((n) => n.id)).toEqual(['n', 'm']);
  });
});

it('removes and adds members whose keys need escaping in a pointer (a/b, ~x)', () => {
  const base = '{"tabs": [], "settings": {"a/b": 1, "~x": 2, "keep": 3}}\n';
  const theirs = '{"tabs": [], "settings": {"keep": 3, "c/d~": 4}}\n';
  const ours = '{"tabs": [], "settings": {"a/b": 1, "~x": 2, "keep": 3}, "name": "o"}\n';
  expect(merged(base, ours, theirs)).toBe('{"tabs": [], "settings": {"keep": 3, "c/d~": 4}, "name": "o"}\n');
});
