// Properties of the merge over random edits of a realistic workflow: an unchanged side gives the
// other side's bytes; edits of different nodes all arrive, byte for byte in our layout; a clean
// merge has the same content whichever side is ours.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addScene, editPrompt, fillCache, generateWorkflow, generationNodeIds, removeNode, serialize, wipeCacheDoc, type GeneratedWorkflow, type SerializeStyle } from '../../fixtures/generator.js';
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

describe('mergeNbflow with nodes added and removed', () => {
  type Shape = { kind: 'remove'; node: string } | { kind: 'add'; tab: string; seed: number } | { kind: 'title'; tab: string; n: number } | { kind: 'settings'; n: number };
  const tabs = base.tabs.map((t) => t.id);
  const allIds = base.tabs.flatMap((t) => t.nodes.map((n) => n.id));
  const shapeOp: fc.Arbitrary<Shape> = fc.oneof(
    fc.record({ kind: fc.constant('remove' as const), node: fc.constantFrom(...allIds) }),
    fc.record({ kind: fc.constant('add' as const), tab: fc.constantFrom(...tabs), seed: fc.integer({ min: 1, max: 99 }) }),
    fc.record({ kind: fc.constant('title' as const), tab: fc.constantFrom(...tabs), n: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ kind: fc.constant('settings' as const), n: fc.integer({ min: 1, max: 9 }) }),
  );
  const applyShape = (doc: GeneratedWorkflow, ops: readonly Shape[]): GeneratedWorkflow =>
    ops.reduce((d, op) => {
      switch (op.kind) {
        case 'remove':
          return d.tabs.some((t) => t.nodes.some((n) => n.id === op.node)) ? removeNode(d, op.node) : d;
        case 'add':
          return addScene(d, { tabId: op.tab, seed: op.seed, filled: op.seed % 2 === 0 });
        case 'title':
          return { ...d, tabs: d.tabs.map((t) => (t.id === op.tab ? { ...t, title: `Account ${op.n}` } : t)) };
        case 'settings':
          return { ...d, settings: { ...d.settings, concurrency: op.n } };
      }
    }, doc);

  it('always gives a document that parses and holds what the report says, in any layout', () => {
    fc.assert(
      fc.property(fc.array(shapeOp, { maxLength: 4 }), fc.array(shapeOp, { maxLength: 4 }), twoSides, style, (oursShape, theirsShape, [oursOps, theirsOps], oursStyle) => {
        const ours = applyShape(apply(base, oursOps), oursShape);
        const theirs = applyShape(apply(base, theirsOps), theirsShape);
        // The generator numbers a new scene after the highest image node, so a removal can make it
        // reuse a video id: such a side is not an .nbflow, and not what this property is about.
        const unique = (d: GeneratedWorkflow) => new Set(d.tabs.flatMap((t) => t.nodes.map((n) => n.id))).size === d.tabs.reduce((sum, t) => sum + t.nodes.length, 0);
        fc.pre(unique(ours) && unique(theirs));
        // mergeNbflow checks its own bytes against the merged value and throws if they differ.
        const result = mergeNbflow(enc(base, 'two-space'), enc(ours, oursStyle), enc(theirs, 'tabs'), DEFAULT_CONFIG);
        const ids = new Set(result.merged.doc.tabs.flatMap((t) => t.nodes.map((n) => n.id)));
        for (const change of result.taken.theirs) {
          if (change.node !== null && change.field === '' && change.action === 'added') expect(ids.has(change.node)).toBe(true);
          if (change.node !== null && change.field === '' && change.action === 'removed') expect(ids.has(change.node)).toBe(false);
        }
        if (oursShape.length === 0 && theirsShape.length === 0) expect(result.conflicts).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
