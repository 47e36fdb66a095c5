import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, sha256Hex } from '../../src/json/hash.js';
import { decodePointerToken, encodePointerToken, parsePointer, toPointer } from '../../src/json/pointer.js';

describe('hash', () => {
  it('sha256Hex matches known vectors for strings and bytes', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('canonicalJson sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([undefined, null, 1.5])).toBe('[null,null,1.5]');
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('contentHash ignores key order but not values or array order', () => {
    expect(contentHash({ url: 'u', seed: 7 })).toBe(contentHash({ seed: 7, url: 'u' }));
    expect(contentHash({ url: 'u', seed: 7 })).not.toBe(contentHash({ url: 'u', seed: 8 }));
    expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
    expect(contentHash('1')).not.toBe(contentHash(1));
  });
});

describe('JSON pointer', () => {
  it('escapes ~ before / (RFC 6901) and round-trips', () => {
    expect(encodePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(decodePointerToken('~01')).toBe('~1');
    expect(toPointer(['tabs', 0, 'nodes', 3, 'data', '_savedImages'])).toBe('/tabs/0/nodes/3/data/_savedImages');
    expect(toPointer([])).toBe('');
    for (const token of ['', '~', '/', '~1', 'a~/b', '~0~1//']) expect(parsePointer(toPointer([token]))).toEqual([token]);
  });

  it('rejects malformed pointers', () => {
    expect(() => parsePointer('a/b')).toThrow(/must be empty or start with '\/'/);
    expect(() => decodePointerToken('a~2')).toThrow(/'~' must be followed by 0 or 1/);
    expect(() => decodePointerToken('a~')).toThrow();
  });
});
