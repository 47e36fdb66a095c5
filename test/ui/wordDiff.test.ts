import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../src/ui/stateView.js';
import { wordDiff } from '../../src/ui/wordDiff.js';

const side = (parts: ReturnType<typeof wordDiff>, keep: '-' | '+') => parts.filter((p) => p.op === '=' || p.op === keep).map((p) => p.text).join('');

describe('wordDiff', () => {
  it('marks the words added and removed, keeping the rest', () => {
    expect(wordDiff('Jane in a red coat at dusk', 'Jane in a blue coat at golden hour')).toEqual([
      { op: '=', text: 'Jane in a ' },
      { op: '-', text: 'red' },
      { op: '+', text: 'blue' },
      { op: '=', text: ' coat at ' },
      { op: '-', text: 'dusk' },
      { op: '+', text: 'golden hour' },
    ]);
  });

  it('gives each side back exactly from its parts', () => {
    const words = fc.array(fc.constantFrom('Jane ', 'coat', ' ', 'red ', 'blue\n', 'at ', 'dusk', '  '), { maxLength: 30 });
    fc.assert(
      fc.property(words, words, (a, b) => {
        const before = a.join('');
        const after = b.join('');
        const parts = wordDiff(before, after);
        expect(side(parts, '-')).toBe(before);
        expect(side(parts, '+')).toBe(after);
      }),
    );
  });
});

describe('safeUrl', () => {
  it('lets only http(s) URLs reach a src attribute', () => {
    expect(safeUrl('https://b.r2.dev/out/a.png')).toBe('https://b.r2.dev/out/a.png');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,<script>x</script>')).toBeNull();
    expect(safeUrl({ url: 'https://x' })).toBeNull();
  });
});
