// Random sequences of commit/wipe/bump/restore/undo and user edits (some hostile) through the
// library. On failure fast-check prints the seed and path; replay with NBV_FC_SEED=<seed>
// (and NBV_FC_PATH=<path>). `npm run torture` runs many more.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { sequenceProperty } from './harness/properties.js';

const seed = process.env['NBV_FC_SEED'] === undefined ? undefined : Number(process.env['NBV_FC_SEED']);
const replayPath = process.env['NBV_FC_PATH'];

describe('properties of random operation sequences', () => {
  it('every recorded state restores byte-exact; parent + patch = child; backups/ = history; prototypes untouched', async () => {
    await fc.assert(sequenceProperty(8), {
      numRuns: 12,
      ...(seed === undefined ? {} : { seed }),
      ...(replayPath === undefined ? {} : { path: replayPath }),
      endOnFailure: true,
    });
  }, 180_000);
});
