// kill -9 at random moments (and at chosen journal points) while a child runs random operations;
// after every kill: nbv verify, git fsck --strict, every acknowledged operation present, the
// working file old or new bytes, and the next operation succeeds. `npm run torture` runs hundreds.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDriver } from './harness/build.js';
import { runCrashCycles } from './harness/crash.js';
import { storeProblems, trackedProject } from './harness/project.js';

let driver = '';
beforeAll(async () => {
  driver = await buildDriver();
});
afterAll(() => fs.rmSync(driver, { force: true }));

describe('crash safety (kill -9)', () => {
  it('survives random kills with zero violations', async () => {
    const seed = Number(process.env['NBV_CRASH_SEED'] ?? Date.now() % 1_000_000);
    const report = await runCrashCycles({ driver, kills: 14, seed, maxDelayMs: 900, crashChance: 0.25, resetEvery: 8, project: 'small' });
    expect(report.violations, `crash seed ${seed} (replay: NBV_CRASH_SEED=${seed})`).toEqual([]);
    expect(report.kills).toBe(14);
    // The run did reach the interesting windows, not just idle moments.
    expect(report.ackedSteps).toBeGreaterThan(0);
    expect(Object.keys(report.inFlight).filter((k) => k !== 'none').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('the checks it relies on do catch a damaged store', async () => {
    const { root } = await trackedProject('small', 'nbv-crash-control-');
    try {
      expect(await storeProblems(root)).toEqual([]);
      // A torn object at its final path: what isomorphic-git alone could leave behind.
      const objects = path.join(root, '.nbv', 'objects');
      const dir = fs.readdirSync(objects).find((d) => /^[0-9a-f]{2}$/.test(d))!;
      const file = path.join(objects, dir, fs.readdirSync(path.join(objects, dir))[0]!);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 10));
      expect((await storeProblems(root)).join('\n')).toMatch(/fsck|verify/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
