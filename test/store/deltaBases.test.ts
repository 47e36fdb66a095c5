// Choosing delta bases (src/store/deltaBases.ts) and the delta encoder's shortcuts (common ends,
// a reused base index): which candidate wins, that chains never pass MAX_DELTA_DEPTH, and that a
// full chain jumps to a shallow version instead of starting a whole copy.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, createDelta, indexBase } from '../../src/store/delta.js';
import { DeltaBases, MAX_DELTA_DEPTH, type Written } from '../../src/store/deltaBases.js';
import { generateWorkflow, serialize } from '../../fixtures/generator.js';

const workflow = Buffer.from(serialize(generateWorkflow({ seed: 11, targetBytes: 40_000 }), 'two-space'));

/** `base` with `text` written over it at `at` (an edit in place: same length). */
function edit(base: Uint8Array, at: number, text: string): Buffer {
  const out = Buffer.from(base);
  out.write(text, at, 'latin1');
  return out;
}

/** Feed versions newest first, as the packer does; returns how each was stored. */
function pack(versions: Uint8Array[], group = 'file.json'): Array<{ base: number | null; depth: number; size: number }> {
  const bases = new DeltaBases();
  const written: Written[] = [];
  const result: Array<{ base: number | null; depth: number; size: number }> = [];
  for (const bytes of versions) {
    const choice = bases.choose(group, bytes, []);
    if (choice !== null) expect(Buffer.from(applyDelta(choice.base.bytes, choice.delta)).equals(Buffer.from(bytes))).toBe(true);
    const w: Written = { bytes, offset: written.length, depth: choice === null ? 0 : choice.base.depth + 1 };
    result.push({ base: choice === null ? null : choice.base.offset, depth: w.depth, size: choice?.delta.length ?? bytes.length });
    written.push(w);
    bases.add(group, w, choice);
  }
  return result;
}

describe('delta bases', () => {
  it('store the newest version whole and each older one as a small delta', () => {
    const versions = [0, 1, 2, 3].map((i) => edit(workflow, 5000 + i * 300, `edit number ${i}`));
    const stored = pack(versions);
    expect(stored[0]).toEqual({ base: null, depth: 0, size: workflow.length });
    for (const s of stored.slice(1)) expect(s.size).toBeLessThan(200);
  });

  it('find the twin two versions away when restores alternate', () => {
    const a = workflow;
    const b = Buffer.from(serialize(generateWorkflow({ seed: 12, targetBytes: 40_000 }), 'tabs'));
    const stored = pack([edit(a, 100, 'A1'), edit(b, 100, 'B1'), edit(a, 100, 'A0'), edit(b, 100, 'B0')]);
    expect(stored[2]!.base).toBe(0);
    expect(stored[3]!.base).toBe(1);
    expect(stored[3]!.size).toBeLessThan(100);
  });

  it(`never chain more than ${MAX_DELTA_DEPTH} deltas, and jump rather than store a second whole copy`, () => {
    // Every version rewrites a different 40-byte stretch: any two versions are close.
    const versions = Array.from({ length: 3 * MAX_DELTA_DEPTH }, (_, i) => edit(workflow, 200 + ((i * 97) % 30_000), `version ${String(i).padStart(30, '-')}`));
    const stored = pack(versions);
    expect(Math.max(...stored.map((s) => s.depth))).toBe(MAX_DELTA_DEPTH);
    expect(stored.filter((s) => s.base === null)).toHaveLength(1);
    for (const s of stored) if (s.base !== null) expect(s.depth).toBe(stored[s.base]!.depth + 1);
  });

  it('store a small blob as a delta against the bigger blob of its own tree when it repeats it', () => {
    const bases = new DeltaBases();
    const big: Written = { bytes: workflow, offset: 0, depth: 3 };
    const record = (i: number) => Buffer.concat([Buffer.from(`{"seq": ${i}, "copy": `), workflow.subarray(10_000 + i * 4000, 14_000 + i * 4000), Buffer.from('}')]);
    expect(bases.choose('record.json', record(0), [big])).toBeNull(); // the newest of its name: whole
    bases.add('record.json', { bytes: record(0), offset: 1, depth: 0 }, null);
    const choice = bases.choose('record.json', record(1), [big])!;
    expect(choice.base).toBe(big);
    expect(choice.delta.length).toBeLessThan(100);
    expect(bases.choose('record.json', record(2), [{ ...big, depth: MAX_DELTA_DEPTH }])?.base).not.toBe(big);
  });

  it('store whole what no candidate helps with', () => {
    const noise = (seed: number) => Buffer.concat(Array.from({ length: 200 }, (_, i) => createHash('sha256').update(`${seed} ${i}`).digest()));
    expect(pack([noise(1), noise(2), noise(3)]).map((s) => s.base)).toEqual([null, null, null]);
  });
});

describe('createDelta shortcuts', () => {
  it('rebuild targets that share a prefix and a suffix with their base, with or without a reused index', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (base, middle, p, q) => {
        const cut1 = p % (base.length + 1);
        const cut2 = cut1 + (q % (base.length - cut1 + 1));
        const target = Buffer.concat([base.subarray(0, cut1), middle, base.subarray(cut2)]);
        const index = indexBase(base);
        for (const delta of [createDelta(base, target), createDelta(base, target, Infinity, index), createDelta(base, target, Infinity, () => index)]) {
          expect(Buffer.from(applyDelta(base, delta!)).equals(target)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('turn an identical or empty target into a delta of a few bytes, and refuse an index of another base', () => {
    expect(createDelta(workflow, workflow)!.length).toBeLessThan(16);
    expect(applyDelta(workflow, createDelta(workflow, new Uint8Array(0))!)).toHaveLength(0);
    expect(Buffer.from(applyDelta(new Uint8Array(0), createDelta(new Uint8Array(0), workflow)!)).equals(workflow)).toBe(true);
    expect(() => createDelta(workflow, edit(workflow, 40, 'changed in the middle of it'), Infinity, indexBase(Buffer.from(workflow)))).toThrow(/another base/);
  });
});
