import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/json/index.js';
import { summarizeCacheChange } from '../../src/nbflow/index.js';

/** The definition: entries matched as a multiset of canonical JSON (key order is not content). */
function byDefinition(before: unknown[], after: unknown[]): { added: number; removed: number } {
  const remaining = new Map<string, number>();
  for (const e of before) remaining.set(canonicalJson(e), (remaining.get(canonicalJson(e)) ?? 0) + 1);
  let added = 0;
  for (const e of after) {
    const count = remaining.get(canonicalJson(e)) ?? 0;
    if (count > 0) remaining.set(canonicalJson(e), count - 1);
    else added++;
  }
  return { added, removed: [...remaining.values()].reduce((a, b) => a + b, 0) };
}

// Cache entries as runners write them, drawn from a small pool so that repeats and key-order
// twins ({url, seed} vs {seed, url}) are common.
const entry = fc
  .record({ url: fc.constantFrom('https://cdn.example/a.png', 'https://cdn.example/b.png', 'https://cdn.example/c.mp4'), seed: fc.integer({ min: 1, max: 3 }) })
  .chain((e) => fc.boolean().map((flip) => (flip ? { seed: e.seed, url: e.url } : e)));

describe('summarizeCacheChange', () => {
  it('counts added and removed entries exactly as canonical multiset matching does, twins in other key order included', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.array(entry, { maxLength: 12 }), (before, after) => {
        const summary = summarizeCacheChange('_savedImages', before, after);
        expect({ added: summary.added, removed: summary.removed }).toEqual(byDefinition(before, after));
        expect([summary.before, summary.after]).toEqual([before.length, after.length]);
      }),
      { numRuns: 400 },
    );
  });

  it('a re-ordered cache, or one whose entries changed key order only, adds and removes nothing', () => {
    const a = { url: 'https://cdn.example/a.png', seed: 1 };
    const b = { url: 'https://cdn.example/b.png', seed: 2 };
    expect(summarizeCacheChange('f', [a, b, a], [a, a, b])).toMatchObject({ added: 0, removed: 0 });
    expect(summarizeCacheChange('f', [a, b], [{ seed: 1, url: a.url }, b])).toMatchObject({ added: 0, removed: 0 });
    expect(summarizeCacheChange('f', [a, a], [a, b])).toMatchObject({ added: 1, removed: 1 });
  });
});
