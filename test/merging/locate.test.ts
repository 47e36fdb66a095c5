// The merge's span locator must find exactly the spans the strict scanner records, in every layout.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { generateWorkflow, serialize, SERIALIZE_STYLES, spliceEscapes } from '../../fixtures/generator.js';
import { strictParseJson } from '../../src/json/strictParse.js';
import type { PathToken } from '../../src/json/pointer.js';
import { locateSpans, PathTrie } from '../../src/merging/locate.js';

const doc = generateWorkflow({ seed: 4, tabs: 2, scenesPerTab: 3 });

/** Every path of a value, up to a depth. */
function paths(value: unknown, depth: number, prefix: PathToken[] = []): PathToken[][] {
  const out: PathToken[][] = [prefix];
  if (depth === 0 || value === null || typeof value !== 'object') return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) out.push(...paths(child, depth - 1, [...prefix, key]));
  return out;
}
const all = paths(doc, 7);

it('finds the spans the strict scanner records', () => {
  fc.assert(
    fc.property(fc.constantFrom(...SERIALIZE_STYLES), fc.subarray(all, { minLength: 1, maxLength: 12 }), fc.subarray(all, { maxLength: 3 }), (style, selves, parents) => {
      const text = style === 'two-space' ? spliceEscapes(serialize(doc, style)) : serialize(doc, style);
      const trie = new PathTrie();
      for (const p of selves) trie.at(p).self = true;
      for (const p of parents) trie.at(p).kids = true;
      const key = (p: readonly PathToken[]) => p.map(String).join('\u0000');
      const selfSet = new Set(selves.map(key));
      const parentSet = new Set(parents.map(key));
      const expected = strictParseJson(text, 'x', { spanOf: (p) => selfSet.has(key(p)) || (p.length > 0 && parentSet.has(key(p.slice(0, -1)))) }).spans;
      expect(locateSpans(text, trie)).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});
