import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../../src/json/index.js';
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
