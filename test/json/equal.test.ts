import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual, jsonSameContent } from '../../src/json/index.js';
import { generateWorkflow } from '../../fixtures/generator.js';

describe('jsonEqual', () => {
  it('agrees with comparing JSON.stringify output, on arbitrary JSON values and on mutated copies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        const copy = JSON.parse(JSON.stringify(a)) as unknown;
        expect(jsonEqual(a, copy)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('tells apart what a node edit changes: one character deep in a workflow, member order, array length', () => {
    const doc = generateWorkflow({ seed: 3, targetBytes: 200_000 }) as unknown as { tabs: Array<{ nodes: Array<Record<string, unknown>> }> };
    const copy = JSON.parse(JSON.stringify(doc)) as typeof doc;
    expect(jsonEqual(doc, copy)).toBe(true);
    const node = copy.tabs[2]!.nodes[3]!;
    const data = node['data'] as Record<string, unknown>;
    const key = Object.keys(data).find((k) => typeof data[k] === 'string')!;
    data[key] = `${data[key] as string}.`;
    expect(jsonEqual(doc, copy)).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(0, -0)).toBe(true); // as JSON.stringify: both are "0"
  });
});

/** A copy of a JSON value with every object's members in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
}

describe('jsonSameContent', () => {
  it('agrees with comparing canonical JSON, on arbitrary values, reordered copies and near misses', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonSameContent(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(jsonSameContent(a, reordered(a))).toBe(true);
        expect(jsonSameContent(reordered(a), b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
    expect(jsonSameContent({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(jsonSameContent({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonSameContent({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonSameContent([1, 2], [2, 1])).toBe(false);
    expect(jsonSameContent({ a: [] }, { a: {} })).toBe(false);
  });
});
