// When auto-gc packs, and when it merges packs: each pack holds one whole copy of each file, so
// small packs are consolidated once their copies weigh, instead of piling up (issue 17).
import { describe, expect, it } from 'vitest';
import { AUTO_GC_MAX_PACKS, AUTO_GC_MIN_LOOSE_BYTES, autoGcMode } from '../../src/history/packing.js';

const KB = 1024;
const stats = (looseBytes: number, packSizes: number[]) => ({
  looseObjects: looseBytes > 0 ? 5 : 0,
  looseBytes,
  packs: packSizes.length,
  packBytes: packSizes.reduce((a, b) => a + b, 0),
  smallestPackBytes: packSizes.length ? Math.min(...packSizes) : 0,
});

describe('autoGcMode', () => {
  it('leaves a few loose objects alone, under the floor and under a quarter of what is packed', () => {
    expect(autoGcMode(stats(AUTO_GC_MIN_LOOSE_BYTES - 1, []))).toBeNull();
    expect(autoGcMode(stats(600 * KB, [4000 * KB]))).toBeNull();
  });

  it('packs the loose objects of a young store as soon as they pass the floor', () => {
    expect(autoGcMode(stats(AUTO_GC_MIN_LOOSE_BYTES, []))).toBe('incremental');
    expect(autoGcMode(stats(AUTO_GC_MIN_LOOSE_BYTES, [150 * KB]))).toBe('incremental');
  });

  it('merges a small pack whose whole copy is a large share of what is packed (a young history)', () => {
    expect(autoGcMode(stats(300 * KB, [160 * KB, 150 * KB]))).toBe('merge-small');
  });

  it('keeps adding packs to a long history until the pack count limit', () => {
    expect(autoGcMode(stats(1200 * KB, [4000 * KB, 150 * KB, 150 * KB]))).toBe('incremental');
    const many = [4000 * KB, ...Array.from({ length: AUTO_GC_MAX_PACKS - 1 }, () => 150 * KB)];
    expect(autoGcMode(stats(1200 * KB, many))).toBe('merge-small');
  });
});
