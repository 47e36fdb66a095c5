import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NbvError } from '../../src/errors.js';
import { strictParseJson } from '../../src/json/strictParse.js';

const FILE = 'XYZG3-V0-3.nbflow';

function error(text: string, options?: Parameters<typeof strictParseJson>[2]): NbvError {
  try {
    strictParseJson(text, FILE, options);
  } catch (err) {
    expect(err).toBeInstanceOf(NbvError);
    return err as NbvError;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to be rejected`);
}

describe('strictParseJson: accepted input', () => {
  it.each([
    ['{}'],
    ['[]'],
    [' \t\r\n{"a": [1, -0, 0.5, 1e3, 1E-3, 2.50e+2, true, false, null, "x"]} \n'],
    ['"just a string"'],
    ['0'],
    ['-12.5e-7'],
    ['{"emoji": "😀 \\ud83d\\ude00", "esc": "\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9"}'],
    ['{"a/b": {"m~n": 1}, "": 2}'],
  ])('returns what JSON.parse returns for %s', (text) => {
    expect(strictParseJson(text, FILE).value).toEqual(JSON.parse(text));
  });

  it('accepts integers above 2^53 (the bytes stay the truth)', () => {
    const { value } = strictParseJson('{"n": 123456789012345678901234567890}', FILE);
    expect((value as { n: number }).n).toBeGreaterThan(2 ** 53);
  });

  it('accepts exactly maxDepth levels', () => {
    const text = '['.repeat(256) + ']'.repeat(256);
    expect(() => strictParseJson(text, FILE)).not.toThrow();
    expect(() => strictParseJson('[[[]]]', FILE, { maxDepth: 3 })).not.toThrow();
  });
});

describe('strictParseJson: syntax errors are BAD_JSON with the file and line:column', () => {
  it.each([
    ['{"a": 1 "b": 2}', "expected ',' or '}' after object member at 1:9"],
    ['{\n  "a": 1,\n  "b": 2\n  ]', "unexpected ']': expected ',' or '}' after object member at 4:3"],
    ['[1 2]', "expected ',' or ']' after array element at 1:4"],
    ['{"a" 1}', "expected ':' after object key at 1:6"],
    ['{"a": 1,}', "expected a string key after ',' at 1:9"],
    ['{a: 1}', "unexpected 'a': expected a string key or '}' at 1:2"],
    ['[1,]', 'expected a value at 1:4'],
    ['{"a": [1, 2', "unexpected end of input (the file looks truncated): expected ',' or ']' after array element at 1:12"],
    ['{"a": "abc', 'unterminated string (the file looks truncated) at 1:7'],
    ['{} x', "unexpected 'x' after the JSON value (trailing content) at 1:4"],
    ['{}{}', "unexpected '{' after the JSON value"],
    ['"a\nb"', 'unescaped control character U+000A in a string (must be escaped) at 1:3'],
    ['"a\tb"', 'unescaped control character U+0009'],
    ['"\\x"', "invalid escape '\\x' in a string"],
    ['"\\u12G4"', "invalid escape '\\u12G': \\u needs four hex digits at 1:2"],
    ['"\\u12', 'unterminated string'],
    ['01', 'leading zero in a number'],
    ['[-01]', 'leading zero in a number (JSON numbers cannot start with 0 unless they are 0) at 1:2'],
    ['1.', 'expected a digit after the decimal point at 1:3'],
    ['1e', 'expected a digit in the exponent at 1:3'],
    ['1e+', 'expected a digit in the exponent at 1:4'],
    ['-', "expected a digit after '-' at 1:2"],
    ['-a', "unexpected 'a': expected a digit after '-' at 1:2"],
    ['.5', "unexpected '.': expected a value at 1:1"],
    ['+1', "unexpected '+': expected a value"],
    ['tru', "unexpected 't': expected a value at 1:1"],
    ['True', "unexpected 'T'"],
    ['NaN', "unexpected 'N'"],
    ["{'a': 1}", "unexpected '''"],
    ['[1] // c', "unexpected '/' after the JSON value"],
    ['', 'the file is empty: expected a JSON value at 1:1'],
    ['  \n ', 'the file is empty'],
    ['\uFEFF{}', "unexpected character U+FEFF: expected a value at 1:1"],
    ['{"é🎬": [1,, 2]}', "unexpected ',': expected a value at 1:11"],
  ])('%j', (text, expected) => {
    const err = error(text);
    expect(err.code).toBe('BAD_JSON');
    expect(err.file).toBe(FILE);
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    expect(err.message).toContain(expected);
    expect(err.message).not.toContain('\n');
  });

  it('counts columns in code points, so emoji count once', () => {
    expect(error('["🎬🎬" x]').message).toContain('at 1:7');
  });

  it('counts CRLF line ends as one line', () => {
    expect(error('{\r\n  "a": 1\r\n  "b": 2\r\n}').message).toContain('at 3:3');
  });
});

describe('strictParseJson: documents the engine must refuse', () => {
  it('rejects a duplicate key, naming the object pointer, the key and line:column', () => {
    const err = error('{"tabs": [{"nodes": [{"id": "a",\n "type": "x", "id": "b"}]}]}');
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toBe(`${FILE}: duplicate key 'id' in the object at /tabs/0/nodes/0 at 2:15`);
  });

  it('sees duplicates written with different escapes', () => {
    const err = error('{"ab": 1, "\\u0061b": 2}');
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toContain("duplicate key 'ab' in the object at the top level at 1:11");
  });

  it('finds duplicates in objects with many members too', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    for (const at of [3, 16, 17, 39]) {
      const text = `{"wide": {${[...keys, `"k${at}": 0`].join(', ')}}}`;
      expect(error(text).message).toContain(`duplicate key 'k${at}' in the object at /wide`);
    }
    expect(() => strictParseJson(`{${keys.join(',')}, "inner": {"k1": 1}}`, FILE)).not.toThrow();
  });

  it('allows the same key in different objects', () => {
    expect(() => strictParseJson('[{"id": 1}, {"id": 2, "x": {"id": 3}}]', FILE)).not.toThrow();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the key %s anywhere', (key) => {
    const err = error(`{"a": [{"ok": 1, "${key}": {"polluted": true}}]}`);
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toContain(`forbidden key '${key}' in the object at /a/0`);
    expect(err.message).toContain('at 1:18');
  });

  it('rejects a forbidden key spelled with escapes', () => {
    expect(error('{"\\u005f_proto__": {}}').message).toContain("forbidden key '__proto__'");
  });

  it.each([
    ['"\\ud800"', 'not followed by a low surrogate'],
    ['"\\ud800x"', 'not followed by a low surrogate'],
    ['"\\ud800\\u0041"', 'not followed by a low surrogate'],
    ['"\\ud800\\ud800"', 'not followed by a low surrogate'],
    ['"ab\\udc00"', 'no high surrogate before it'],
    ['{"k\\udfff": 1}', 'no high surrogate before it'],
    ['"\ud800"', 'lone surrogate U+D800'],
    ['"\udc00"', 'lone surrogate U+DC00'],
  ])('rejects the lone surrogate in %s as BAD_ENCODING', (text, expected) => {
    const err = error(text);
    expect(err.code).toBe('BAD_ENCODING');
    expect(err.message).toContain(expected);
    expect(err.message).toMatch(/ at 1:\d+$/);
  });

  it('accepts surrogate pairs, escaped or not', () => {
    expect(strictParseJson('"\\uD83D\\uDE00 😀"', FILE).value).toBe('😀 😀');
  });

  it('rejects nesting deeper than maxDepth as BAD_DOCUMENT', () => {
    const err = error('['.repeat(257) + ']'.repeat(257));
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toBe(`${FILE}: nested deeper than 256 levels at 1:257`);
    expect(error('{"a": {"b": [[]]}}', { maxDepth: 3 }).message).toContain('nested deeper than 3 levels at 1:14');
  });

  it('does not overflow the stack at 100,000 levels (arrays, objects, mixed)', () => {
    const n = 100_000;
    for (const text of ['['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n), '[{"a":'.repeat(n)]) {
      const err = error(text);
      expect(err.code).toBe('BAD_DOCUMENT');
      expect(err.message).toContain('nested deeper than 256 levels');
    }
    expect(() => strictParseJson('['.repeat(n) + ']'.repeat(n), FILE, { maxDepth: n })).not.toThrow();
  });
});

describe('strictParseJson: spans', () => {
  const text = '{\n  "tabs": [\n    {"id": "t", "nodes": [{"id": "n1", "data": {"_savedImages": ["a", {"url": "b"}], "n": 1.0}}]}\n  ],\n  "a/b": {"m~n": 1e3}\n}';

  it('records the exact text of chosen values, keyed by JSON pointer', () => {
    const { spans } = strictParseJson(text, FILE, {
      spanOf: (p) => p[p.length - 1] === '_savedImages' || p[p.length - 1] === 'n' || p[0] === 'a/b' || p.length === 0,
    });
    const slice = (pointer: string): string | undefined => {
      const span = spans.get(pointer);
      return span === undefined ? undefined : text.slice(span.start, span.end);
    };
    expect(slice('/tabs/0/nodes/0/data/_savedImages')).toBe('["a", {"url": "b"}]');
    expect(slice('/tabs/0/nodes/0/data/n')).toBe('1.0');
    expect(slice('/a~1b')).toBe('{"m~n": 1e3}');
    expect(slice('/a~1b/m~0n')).toBe('1e3');
    expect(slice('')).toBe(text);
    expect(spans.size).toBe(5);
  });

  it('passes array indices as numbers and keys as strings', () => {
    const seen: string[] = [];
    strictParseJson('{"a": [true, {"b": null}]}', FILE, { spanOf: (p) => (seen.push(JSON.stringify(p)), false) });
    expect(seen).toEqual(['[]', '["a"]', '["a",0]', '["a",1]', '["a",1,"b"]']);
  });

  it('records nothing without spanOf', () => {
    expect(strictParseJson(text, FILE).spans.size).toBe(0);
  });
});

describe('strictParseJson agrees with JSON.parse', () => {
  const safeKey = fc.string().filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ unit: 'grapheme' }),
      fc.array(tie('value')),
      fc.dictionary(safeKey, tie('value')),
    ),
  })).value;

  it('on any JSON text it produced', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(strictParseJson(text, FILE).value).toEqual(JSON.parse(text));
      }),
    );
  });

  it('rejects whatever JSON.parse rejects (mutated documents)', () => {
    const base = '{"a": [1, -2.5e3, "x\\u00e9\\n", true, null, {"b": {}}], "c": "d"}';
    fc.assert(
      fc.property(fc.nat(base.length), fc.nat(base.length), fc.constantFrom('', ',', '"', '{', '}', '[', ']', ':', '0', '-', '.', 'e', '\\', ' ', 'x'), (at, len, insert) => {
        const text = base.slice(0, at) + insert + base.slice(Math.min(base.length, at + (len % 3)));
        let native: unknown;
        try {
          native = JSON.parse(text);
        } catch {
          expect(() => strictParseJson(text, FILE)).toThrow(NbvError);
          return;
        }
        try {
          expect(strictParseJson(text, FILE).value).toEqual(native);
        } catch (err) {
          // Stricter than JSON.parse only where JSON.parse is lossy: duplicate keys.
          expect((err as NbvError).code).toBe('BAD_DOCUMENT');
          expect((err as NbvError).message).toContain('duplicate key');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('strictParseJson speed (measured, not asserted)', () => {
  it('scans a 5 MB document', () => {
    const node = (i: number): unknown => ({ id: `n${i}`, type: 'imageGen', data: { prompt: 'a cinematic shot, golden hour — é 🎬 '.repeat(20), _savedImages: [`https://r2.dev/${i}.png`, { url: `https://r2.dev/${i}b.png`, seed: i }] } });
    const nodes: unknown[] = [];
    let text = '';
    for (let i = 0; text.length < 5_000_000; i += 500) {
      for (let j = i; j < i + 500; j++) nodes.push(node(j));
      text = JSON.stringify({ tabs: [{ id: 't', nodes }] }, null, 2);
    }
    strictParseJson(text, FILE);
    const start = performance.now();
    const { spans } = strictParseJson(text, FILE, { spanOf: (p) => p.length === 6 && p[5] === '_savedImages' });
    const ms = performance.now() - start;
    console.log(`strictParseJson: ${(text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms (${spans.size} spans)`);
    expect(spans.size).toBe(nodes.length);
  });
});
