import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWordDiff, wordDiff } from '../../src/nbflow/wordDiff.js';
import { describeEdgeChange, diffEdges } from '../../src/nbflow/edgeDiff.js';
import { generateWorkflow, removeNode } from '../../fixtures/generator.js';

describe('wordDiff', () => {
  it('marks the changed words of a prompt', () => {
    const parts = wordDiff('Close-up of Jane at golden hour, 35mm', 'Close-up of Jane at blue hour, 50mm, film grain');
    expect(formatWordDiff(parts)).toBe('Close-up of Jane at [-golden-]{+blue+} hour, [-35mm-]{+50mm, film grain+}');
  });

  it('gives both texts back from its parts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'neon', 'café', ' ', '\n', ', '), { maxLength: 40 }), fc.array(fc.constantFrom('a', 'b', 'rain', ' ', ', '), { maxLength: 40 }), (x, y) => {
        const [before, after] = [x.join(''), y.join('')];
        const parts = wordDiff(before, after);
        expect(parts.filter((p) => p.op !== 'added').map((p) => p.text).join('')).toBe(before);
        expect(parts.filter((p) => p.op !== 'removed').map((p) => p.text).join('')).toBe(after);
      }),
    );
  });

  it('shortens long unchanged runs around the change', () => {
    const long = 'word '.repeat(100);
    expect(formatWordDiff(wordDiff(long + 'red car', long + 'blue car'), 10)).toBe('…word word [-red-]{+blue+} car');
  });
});

describe('diffEdges', () => {
  it('names edges by source and target', () => {
    const doc = generateWorkflow({ seed: 5, tabs: 1, scenesPerTab: 2 });
    const changes = diffEdges(doc, removeNode(doc, 'vid-s02'));
    expect(changes.map(describeEdgeChange)).toEqual(['img-s02 -> vid-s02 removed']);
    expect(diffEdges(removeNode(doc, 'vid-s02'), doc).map(describeEdgeChange)).toEqual(['img-s02 -> vid-s02 added']);
  });
});
