// Properties of the merge over random edits of a realistic workflow: an unchanged side gives the
// other side's bytes; edits of different nodes all arrive, byte for byte in our layout; a clean
// merge has the same content whichever side is ours.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editPrompt, fillCache, generateWorkflow, serialize, wipeCacheDoc, generationNodeIds, type GeneratedWorkflow, type SerializeStyle } from '../../fixtures/generator.js';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';
import { mergeNbflow } from '../../src/merging/index.js';
import { contentEqual } from '../../src/merging/equal.js';

const base = generateWorkflow({ seed: 12, tabs: 3, scenesPerTab: 4 });
const ids = generationNodeIds(base);
const enc = (doc: unknown, style: SerializeStyle) => new TextEncoder().encode(serialize(doc, style));

type Op = { kind: 'prompt' | 'fill' | 'wipe' | 'seed'; node: string; n: number };
const apply = (doc: GeneratedWorkflow, ops: readonly Op[]) =>
  ops.reduce((d, op) => {
    switch (op.kind) {
      case 'prompt':
        return editPrompt(d, op.node, `edited ${op.n}: a rain-soaked street, "quoted" naïve café 🎬`);
      case 'fill':
        return fillCache(d, [op.node], op.n);
      case 'wipe':
        return wipeCacheDoc(d, [op.node]);
      case 'seed':
        return { ...d, tabs: d.tabs.map((t) => ({ ...t, nodes: t.nodes.map((n) => (n.id === op.node ? ({ ...n, data: { ...n.data, seed: op.n } } as typeof n) : n)) })) };
    }
  }, doc);

const op = (node: string) => fc.record({ kind: fc.constantFrom<Op['kind']>('prompt', 'fill', 'wipe', 'seed'), node: fc.constant(node), n: fc.integer({ min: 1, max: 10_000 }) });
/** Two edit lists on disjoint nodes. */
const twoSides = fc
  .shuffledSubarray(ids, { minLength: 2, maxLength: 10 })
  .chain((nodes) => fc.integer({ min: 1, max: nodes.length - 1 }).map((cut) => [nodes.slice(0, cut), nodes.slice(cut)] as const))
  .chain(([a, b]) => fc.tuple(fc.tuple(...a.map(op)), fc.tuple(...b.map(op))));
const style = fc.constantFrom<SerializeStyle>('two-space', 'four-space', 'tabs', 'crlf', 'minified');

describe('mergeNbflow properties', () => {
  it('merging with an unchanged side returns the other side bytes', () => {
    fc.assert(
      fc.property(twoSides, style, ([ops], s) => {
        const changed = enc(apply(base, ops), s);
        const same = (bytes: Uint8Array) => Buffer.from(bytes).equals(changed);
        expect(same(mergeNbflow(enc(base, 'two-space'), changed, enc(base, 'two-space'), DEFAULT_CONFIG).bytes)).toBe(true);
        expect(same(mergeNbflow(enc(base, 'two-space'), enc(base, 'two-space'), changed, DEFAULT_CONFIG).bytes)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('every change of both sides is in the result, and every other byte is ours', () => {
    fc.assert(
      fc.property(twoSides, style, style, ([oursOps, theirsOps], oursStyle, theirsStyle) => {
        const result = mergeNbflow(enc(base, 'two-space'), enc(apply(base, oursOps), oursStyle), enc(apply(base, theirsOps), theirsStyle), DEFAULT_CONFIG);
        expect(result.conflicts).toEqual([]);
        const expected = apply(apply(base, oursOps), theirsOps);
        expect(new TextDecoder().decode(result.bytes)).toBe(serialize(expected, oursStyle));
      }),
      { numRuns: 25 },
    );
  });

  it('a merge without conflicts has the same content whichever side is ours', () => {
    fc.assert(
      fc.property(twoSides, ([a, b]) => {
        const [da, db] = [apply(base, a), apply(base, b)];
        const one = mergeNbflow(enc(base, 'two-space'), enc(da, 'two-space'), enc(db, 'tabs'), DEFAULT_CONFIG);
        const other = mergeNbflow(enc(base, 'two-space'), enc(db, 'tabs'), enc(da, 'two-space'), DEFAULT_CONFIG);
        expect(one.clean && other.clean).toBe(true);
        expect(contentEqual(one.merged.doc, other.merged.doc)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});
