import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/nbflow/config.js';
import { thrown } from './sampleDoc.js';

const FILE = '.nbv/config.json';

describe('parseConfig', () => {
  it('gives the documented defaults for nothing or an empty object', () => {
    for (const value of [undefined, {}]) {
      const config = parseConfig(value, FILE);
      expect(config).toEqual(DEFAULT_CONFIG);
      expect(config.cacheFields).toEqual(['_savedImages', '_savedClips']);
      expect(config.presentationFields).toEqual(['position', 'size', 'collapsed', 'title', 'width', 'height', 'selected', 'dragging', 'zIndex']);
      expect(config.inputFields).toBeNull();
      expect(config.kinds['imageGen']).toBe('image');
      expect(config.kinds['videoGen']).toBe('video');
      expect(config.kinds['videoGeneration']).toBe('video');
      expect(config.promptFields).toEqual(['prompt', 'negativePrompt']);
      expect(config.modelFields).toEqual(['model']);
    }
  });

  it('returns fresh arrays that callers may change without touching the defaults', () => {
    parseConfig({}, FILE).cacheFields.push('_x');
    expect(DEFAULT_CONFIG.cacheFields).toEqual(['_savedImages', '_savedClips']);
    expect(() => DEFAULT_CONFIG.cacheFields.push('_x')).toThrow();
  });

  it('keeps given settings and fills the rest', () => {
    const config = parseConfig({ cacheFields: ['_outputs'], inputFields: ['prompt'], kinds: { flux: 'image' } }, FILE);
    expect(config.cacheFields).toEqual(['_outputs']);
    expect(config.inputFields).toEqual(['prompt']);
    expect(config.kinds).toEqual({ flux: 'image' });
    expect(config.modelFields).toEqual(['model']);
  });

  it.each([
    [{ cacheFields: '_savedImages' }, '/cacheFields: expected an array, found a string'],
    [{ cacheFields: [] }, '/cacheFields: needs at least one cache field'],
    [{ cacheFields: ['_a', 7] }, '/cacheFields/1: expected a string, found a number'],
    [{ cacheFields: ['_a', '_a'] }, '/cacheFields: lists a field twice'],
    [{ kinds: { imageGen: 'picture' } }, '/kinds/imageGen: invalid option'],
    [{ cacheField: ['_a'] }, "the top level: unknown key 'cacheField'"],
    [{ promptFields: ['_savedImages'] }, "/promptFields: '_savedImages' is also a cache field"],
    [[], 'the top level: expected an object, found an array'],
  ])('refuses %j as BAD_CONFIG with the path', (value, expected) => {
    const err = thrown(() => parseConfig(value, FILE));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toContain(`${FILE}: invalid nbflow settings: ${expected}`);
  });
});
