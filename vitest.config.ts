import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the real binary and real git; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one worker on the 2-core machines this
    // runs on. Most tests wait on child processes (the nbv binary, git, Chromium), so three
    // workers keep both cores busy; the whole suite took 588 s with one worker and 381 s with three.
    maxWorkers: 3,
  },
});
