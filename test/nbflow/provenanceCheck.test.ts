// provenanceMapProblem is a hand-written twin of provenanceMapSchema, used when op.json is read
// (it is several times faster on the records a history walk reads). It must refuse exactly what
// the schema refuses: these properties hold the two to the same verdict on records built to be
// valid and on every kind of damage a forged op.json could hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { provenanceMapProblem, provenanceMapSchema } from '../../src/nbflow/fingerprint.js';
import { decodeOpRecord } from '../../src/history/opRecord.js';

const hexOf = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const nearHex = (n: number) => fc.oneof(hexOf(n), hexOf(n - 1), hexOf(n + 1), hexOf(n).map((h) => h.toUpperCase()), hexOf(n).map((h) => `${h.slice(1)}g`));
const jsonValue = fc.jsonValue({ maxDepth: 2 });
const anyValue = fc.oneof(jsonValue, fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));

const validRecord = fc.record(
  {
    fingerprint: hexOf(64),
    inputs: fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 3 }),
    hashes: fc.dictionary(fc.string({ maxLength: 8 }), hexOf(16), { maxKeys: 3 }),
    upstream: fc.dictionary(fc.string({ maxLength: 8 }), hexOf(16), { maxKeys: 3 }),
    from: hexOf(40),
  },
  { requiredKeys: ['fingerprint'] },
);

/** One change to a valid record: a field of the wrong kind or shape, an unknown key, a removed fingerprint. */
const damagedRecord = fc.tuple(validRecord, fc.integer({ min: 0, max: 7 }), anyValue, nearHex(64), nearHex(40), nearHex(16)).map(([record, kind, value, h64, h40, h16]) => {
  const r: Record<string, unknown> = { ...record };
  if (kind === 0) r['fingerprint'] = h64;
  if (kind === 1) r['from'] = h40;
  if (kind === 2) r['hashes'] = { prompt: h16 };
  if (kind === 3) r['upstream'] = value;
  if (kind === 4) r['inputs'] = value;
  if (kind === 5) r['extra'] = value;
  if (kind === 6) delete r['fingerprint'];
  if (kind === 7) r['fingerprint'] = value;
  return r;
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A `__proto__` key (JSON.parse makes it an own key) as a node id, in a record, or in its hashes or
 * upstream: zod passes it unchecked, provenanceMapProblem refuses it. Inputs are any object to both. */
const hasProtoKey = (map: unknown): boolean =>
  isObject(map) &&
  Object.entries(map).some(([id, r]) => id === '__proto__' || (isObject(r) && (Object.hasOwn(r, '__proto__') || ['hashes', 'upstream'].some((f) => isObject(r[f]) && Object.hasOwn(r[f], '__proto__')))));

const sameVerdict = (map: unknown): void => {
  expect(provenanceMapProblem(map) === null, JSON.stringify(map)).toBe(provenanceMapSchema.safeParse(map).success && !hasProtoKey(map));
};

describe('provenanceMapProblem', () => {
  it('accepts exactly what the schema accepts, on valid maps', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 10 }), validRecord, { maxKeys: 6 }), sameVerdict), { numRuns: 300 });
  });

  it('refuses exactly what the schema refuses, on damaged maps and on values that are no map', () => {
    const damagedMap = fc.tuple(fc.dictionary(fc.string({ maxLength: 10 }), validRecord, { maxKeys: 4 }), fc.string({ maxLength: 10 }), damagedRecord).map(([map, id, bad]) => ({ ...map, [id]: bad }));
    fc.assert(fc.property(damagedMap, sameVerdict), { numRuns: 600 });
    // The damage is real: most of these maps are refused (a few changes happen to stay valid).
    const refused = fc.sample(damagedMap, 200).filter((m) => provenanceMapProblem(m) !== null).length;
    expect(refused).toBeGreaterThan(120);
    fc.assert(fc.property(anyValue, sameVerdict), { numRuns: 200 });
  });

  it("refuses a '__proto__' key at any level, which zod lets through unchecked", () => {
    const fp = 'b'.repeat(64);
    for (const map of ['{"__proto__":{"fingerprint":"x"}}', `{"n":{"fingerprint":"${fp}","hashes":{"__proto__":"x"}}}`, `{"n":{"fingerprint":"${fp}","upstream":{"__proto__":"0123456789abcdef"}}}`]) {
      expect(provenanceMapProblem(JSON.parse(map))).toMatch(/__proto__/);
    }
  });

  it('is what reading an op.json applies: a forged provenance field is a corrupt store', () => {
    const record = {
      format: 'nbv-op/1', op: 'commit', workflow: 'XYZG3', version: 'V0-3', file: 'XYZG3-V0-3.nbflow', message: 'm',
      author: { name: 'a', email: 'e' }, time: '2026-05-12T10:15:00+02:00', tool: 'nbv 0.1.0', intent: {}, nodes: [], changes: [],
      sha256: 'a'.repeat(64), view: [],
    };
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    expect(decodeOpRecord(encode({ ...record, provenance: { n: { fingerprint: 'b'.repeat(64) } } }), 'c').provenance).toEqual({ n: { fingerprint: 'b'.repeat(64) } });
    expect(() => decodeOpRecord(encode({ ...record, provenance: { n: { fingerprint: 'B'.repeat(64) } } }), 'c')).toThrow(/malformed at \/provenance\/n\/fingerprint/);
    // The rest of the record is still held to its schema, unknown keys included.
    expect(() => decodeOpRecord(encode({ ...record, surprise: 1 }), 'c')).toThrow(/malformed/);
  });
});
