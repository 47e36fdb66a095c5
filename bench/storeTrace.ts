// Issue 17's size goal between packings: nbv's store as auto-gc leaves it after every state,
// against `git gc --aggressive` of the same history so far. git's aggressive pack is measured at
// a few checkpoints (each costs a full aggressive repack); each state is compared with the last
// checkpoint at or before it, whose history is no longer, so its pack is no bigger: the ratio
// printed is an upper bound of the true one.
import fs from 'node:fs';
import path from 'node:path';
import { dirSize, run } from './measure.js';
import { GIT_ENV, type BuiltHistory } from './replay.js';

export interface StoreTrace {
  /** State number (1-based) -> bytes of git gc --aggressive of the first that many states. */
  aggressive: Record<number, number>;
  /** The worst state: its number, nbv's bytes, the checkpoint's and their ratio. */
  worst: { state: number; nbv: number; git: number; ratio: number };
  /** How many times auto-gc packed during the replay (the store shrank). */
  packings: number;
}

/** 1, 10, 30, 100, 300, 1,000, ... up to the history's length (always included). */
export function checkpoints(states: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < states; n *= 10) {
    out.push(n);
    if (n * 3 < states) out.push(n * 3);
  }
  out.push(states);
  return out;
}

/** Bytes of `git gc --aggressive` of the git history up to its `state`-th commit. */
function aggressiveAt(h: BuiltHistory, workDir: string, state: number): number {
  const repo = path.join(workDir, `aggressive-${state}.git`);
  run('git', ['init', '-q', '--bare', repo]);
  run('git', ['--git-dir', repo, 'fetch', '-q', path.join(h.gitRoot, '.git'), `${h.gitCommits[state - 1]!}:refs/heads/main`], { env: GIT_ENV });
  run('git', ['--git-dir', repo, 'gc', '-q', '--aggressive', '--prune=now'], { env: GIT_ENV });
  const bytes = dirSize(path.join(repo, 'objects')).bytes;
  fs.rmSync(repo, { recursive: true, force: true });
  return bytes;
}

export function traceStore(h: BuiltHistory, workDir: string, finalAggressive?: number): StoreTrace | null {
  const sizes = h.storeTrace;
  if (sizes.length === 0) return null;
  const aggressive: Record<number, number> = {};
  const points = checkpoints(sizes.length);
  for (const n of points) aggressive[n] = n === sizes.length && finalAggressive !== undefined ? finalAggressive : aggressiveAt(h, workDir, n);
  let worst = { state: 0, nbv: 0, git: 1, ratio: 0 };
  let packings = 0;
  let checkpoint = points[0]!;
  for (let i = 0; i < sizes.length; i++) {
    const state = i + 1;
    if (aggressive[state] !== undefined) checkpoint = state;
    if (i > 0 && sizes[i]! < sizes[i - 1]!) packings++;
    const ratio = sizes[i]! / aggressive[checkpoint]!;
    if (ratio > worst.ratio) worst = { state, nbv: sizes[i]!, git: aggressive[checkpoint]!, ratio };
  }
  return { aggressive, worst, packings };
}
