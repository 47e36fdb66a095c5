// Several processes writing one project at once: every step done or refused with a clear LOCKED
// message, nothing acknowledged or typed is lost, one linear history, unique increasing versions.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDriver } from './harness/build.js';
import { runConcurrency } from './harness/concurrency.js';

let driver = '';
beforeAll(async () => {
  driver = await buildDriver();
});
afterAll(() => fs.rmSync(driver, { force: true }));

describe('concurrent writers', () => {
  it('4 processes x 10 steps on one project lose nothing and keep one linear history', async () => {
    const seed = Number(process.env['NBV_CONCURRENCY_SEED'] ?? Date.now() % 1_000_000);
    const report = await runConcurrency({ driver, processes: 4, opsPerProcess: 10, seed, project: 'small' });
    expect(report.violations, `seed ${seed} (replay: NBV_CONCURRENCY_SEED=${seed})`).toEqual([]);
    expect(report.done + Object.values(report.refused).reduce((a, b) => a + b, 0)).toBe(40);
    expect(report.done).toBeGreaterThan(0);
    expect(report.commits).toBeGreaterThan(1);
  }, 120_000);
});
