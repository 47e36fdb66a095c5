// Issue 17's size goal between packings: nbv's store as auto-gc leaves it after every state,
// against `git gc --aggressive` of the same history so far. git's aggressive pack is measured at
// a few checkpoints (each costs a full aggressive repack, a minute at 1,000 states of 1 MB). Each
// state is compared with the checkpoints around it: the one before holds no more history, so its
// pack is no bigger (an upper bound of the ratio), the one after no less (a lower bound). The
// states whose ratio is worst against git's size interpolated between the two are then measured
// exactly: the verdict is the worst exact ratio, with both bounds printed beside it.
import fs from 'node:fs';
import path from 'node:path';
import { dirSize, run } from './measure.js';
import { GIT_ENV, type BuiltHistory } from './replay.js';

export interface StoreTrace {
  /** State number (1-based) -> bytes of git gc --aggressive of the first that many states
   * (the checkpoints, and the states measured exactly). */
  aggressive: Record<number, number>;
  /** The worst state measured exactly (a checkpoint or a candidate): nbv's bytes, git's, the ratio. */
  worst: { state: number; nbv: number; git: number; ratio: number };
  /** Over every state: the worst ratio against the checkpoint before it (no state is worse) and
   * against the one after it (some state is at least this bad). */
  upper: { state: number; ratio: number };
  lower: { state: number; ratio: number };
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

/** States measured exactly beyond the checkpoints: the worst by interpolation. */
const CANDIDATES = 3;

export function traceStore(h: BuiltHistory, workDir: string, finalAggressive?: number): StoreTrace | null {
  const sizes = h.storeTrace;
  if (sizes.length === 0) return null;
  const aggressive: Record<number, number> = {};
  const points = checkpoints(sizes.length);
  for (const n of points) aggressive[n] = n === sizes.length && finalAggressive !== undefined ? finalAggressive : aggressiveAt(h, workDir, n);
  let packings = 0;
  let upper = { state: 0, ratio: 0 };
  let lower = { state: 0, ratio: 0 };
  const estimates: Array<{ state: number; ratio: number }> = [];
  for (let i = 0; i < sizes.length; i++) {
    const state = i + 1;
    if (i > 0 && sizes[i]! < sizes[i - 1]!) packings++;
    const before = [...points].reverse().find((p) => p <= state)!;
    const after = points.find((p) => p >= state)!;
    const up = sizes[i]! / aggressive[before]!;
    const low = sizes[i]! / aggressive[after]!;
    if (up > upper.ratio) upper = { state, ratio: up };
    if (low > lower.ratio) lower = { state, ratio: low };
    const t = after === before ? 0 : (state - before) / (after - before);
    estimates.push({ state, ratio: sizes[i]! / (aggressive[before]! + t * (aggressive[after]! - aggressive[before]!)) });
  }
  for (const { state } of estimates.filter((e) => aggressive[e.state] === undefined).sort((a, b) => b.ratio - a.ratio).slice(0, CANDIDATES)) {
    aggressive[state] = aggressiveAt(h, workDir, state);
  }
  let worst = { state: 0, nbv: 0, git: 1, ratio: 0 };
  for (const [n, git] of Object.entries(aggressive)) {
    const state = Number(n);
    const ratio = sizes[state - 1]! / git;
    if (ratio > worst.ratio) worst = { state, nbv: sizes[state - 1]!, git, ratio };
  }
  return { aggressive, worst, upper, lower, packings };
}
