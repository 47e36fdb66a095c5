import { describe, expect, it } from 'vitest';
import { NbvError } from '../../src/errors.js';
import { applyPatchToClone, makePatch, type Operation } from '../../src/json/patch.js';
import { buildSampleDoc } from '../nbflow/sampleDoc.js';

function rejects(doc: unknown, patch: unknown[]): NbvError {
  try {
    applyPatchToClone(doc, patch as Operation[]);
  } catch (err) {
    expect(err).toBeInstanceOf(NbvError);
    return err as NbvError;
  }
  throw new Error('expected the patch to be rejected');
}

describe('makePatch / applyPatchToClone', () => {
  it('round-trips a realistic edit, and a root commit from {}', () => {
    const before = buildSampleDoc();
    const after = structuredClone(before);
    const node = after.tabs[2]?.nodes[3];
    if (node?.data === undefined) throw new Error('fixture changed');
    node.data['prompt'] = 'a new prompt';
    node.data['_savedImages'] = [];
    after.tabs[0]?.nodes.splice(1, 1);
    const patch = makePatch(before, after);
    expect(patch.length).toBeGreaterThan(0);
    expect(applyPatchToClone(before, patch)).toEqual(after);
    expect(applyPatchToClone({}, makePatch({}, after))).toEqual(after);
  });

  it('never mutates the document or the patch, and the result shares nothing with either', () => {
    const doc = { a: { b: [1, 2] }, keep: 'x' };
    const patch: Operation[] = [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'add', path: '/c', value: { deep: [1] } },
    ];
    const docCopy = structuredClone(doc);
    const patchCopy = structuredClone(patch);
    const result = applyPatchToClone<unknown>(doc, patch) as { a: { b: number[] }; c: { deep: number[] } };
    expect(doc).toEqual(docCopy);
    expect(patch).toEqual(patchCopy);
    result.c.deep.push(99);
    result.a.b.push(99);
    expect(patch).toEqual(patchCopy);
    expect(doc).toEqual(docCopy);
  });

  it.each([
    [[{ op: 'replace', path: '/missing', value: 1 }], 'patch operation 0'],
    [[{ op: 'remove', path: '/a/9' }], 'patch operation 0'],
    [[{ op: 'test', path: '/a/0', value: 42 }], 'Test operation failed'],
    [[{ op: 'add', path: '/a/0' }], 'patch operation 0'],
    [[{ op: 'frobnicate', path: '/a' }], 'patch operation 0'],
    [[{ op: 'add', path: 'a', value: 1 }], 'patch operation 0'],
    [[{ op: 'add', path: '/x', value: 1 }, { op: 'add', path: '/y/z/w', value: 1 }], 'patch operation 1'],
    [[{ op: 'move', from: '/nope', path: '/b' }], 'patch operation 0'],
    [[{ op: 'add', path: '/~2', value: 1 }], "'~' must be followed by 0 or 1"],
  ])('rejects an invalid patch %j as BAD_DOCUMENT', (patch, expected) => {
    const err = rejects({ a: [1] }, patch);
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toContain(expected);
    expect(err.message).not.toContain('\n');
  });

  it('rejects a non-array patch', () => {
    expect(rejects({}, 'nope' as unknown as unknown[]).code).toBe('BAD_DOCUMENT');
  });
});

describe('prototype safety', () => {
  const hostile: unknown[][] = [
    [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }],
    [{ op: 'replace', path: '/__proto__/polluted', value: 'yes' }],
    [{ op: 'add', path: '/a/__proto__/polluted', value: 'yes' }],
    [{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }],
    [{ op: 'add', path: '/constructor/polluted', value: 'yes' }],
    [{ op: 'add', path: '/a/constructor/prototype/polluted', value: 'yes' }],
    [{ op: 'copy', from: '/__proto__', path: '/stolen' }],
    [JSON.parse('{"op": "add", "path": "/x", "value": {"__proto__": {"polluted": "yes"}}}')],
    [JSON.parse('{"op": "add", "path": "/x", "value": [{"deep": {"constructor": {"prototype": {"polluted": "yes"}}}}]}')],
  ];

  it.each(hostile)('refuses %j and leaves Object.prototype untouched', (operation) => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const err = rejects({ a: { b: 1 } }, [operation]);
    expect(err.code).toBe('BAD_DOCUMENT');
    expect(err.message).toMatch(/forbidden key '(__proto__|constructor|prototype)'/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});
