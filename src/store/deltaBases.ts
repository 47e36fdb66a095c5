// Which already-written object a blob is stored as a delta against. Generic rules, nothing about
// what the files are:
//
// - The newest version of each name (digits ignored) is whole, so reading the current state
//   costs no delta.
// - Each older version tries the newer versions of its name in a small window (restores that
//   alternate find their twin two or three states away; a record written by one kind of
//   operation finds the last one of its kind), newest first, and stops at a delta that is
//   already tiny.
// - Chains stop at MAX_DELTA_DEPTH. Rather than store a whole copy each time the chain of newer
//   neighbours is full, a version then also tries the shallowest recent version of its name (the
//   spine: the last whole or jumped-to one): a delta that spans many edits is still a fraction of
//   a whole copy (about 60 % on a 1 MB workflow), and each jump starts a run one level deeper.
// - A blob also tries the larger blobs of its own tree (written just before it): a small record
//   that repeats what the big file of the same state holds is a few copies out of it.
// Of the candidates, the smallest delta wins; when it would not deflate smaller than the blob
// itself, the blob is stored whole.
import { deflateSync } from 'node:zlib';
import { createDelta, indexBase, type DeltaIndex } from './delta.js';

/** git's default: a chain of at most 50 deltas, so reading any version stays cheap. */
export const MAX_DELTA_DEPTH = 50;
/** Versions of the same name tried as bases; fewer for big blobs, where each try scans the blob
 * (measured: a window of 16 gains 1 % for 30 % more time). */
export const WINDOW = 8;
const BIG = 256 * 1024;
const BIG_WINDOW = 3;
const MIN_DELTA_SIZE = 64;
/** A delta this much smaller than its target is taken without trying the other candidates. */
const GOOD_ENOUGH = 64;
/** Window bytes kept across names; past it the least recently used name forgets its window. */
const MEMORY_BUDGET = 256 * 1024 * 1024;

/** An object in the pack being written, usable as a base. */
export interface Written {
  bytes: Uint8Array;
  offset: number;
  depth: number;
}

interface Group {
  window: Written[]; // newest first
  spine: Written;
}

export interface DeltaChoice {
  base: Written;
  delta: Uint8Array;
}

export class DeltaBases {
  private readonly groups = new Map<string, Group>();
  private readonly indexes = new WeakMap<Uint8Array, DeltaIndex>();
  private bytes = 0;

  /** The best delta for `bytes` (group `group`, siblings: larger blobs of its tree), or null: whole. */
  choose(group: string, bytes: Uint8Array, siblings: Written[]): DeltaChoice | null {
    if (bytes.length < MIN_DELTA_SIZE) return null;
    const state = this.groups.get(group);
    if (state === undefined) return null; // the newest of its name: whole
    const usable = (w: Written) => w.depth < MAX_DELTA_DEPTH;
    const own = state.window.slice(0, bytes.length > BIG ? BIG_WINDOW : WINDOW).filter(usable);
    // The newer neighbour's chain is full: the spine (shallow) is what keeps the next run going.
    if (!usable(state.window[0]!) && usable(state.spine) && !own.includes(state.spine)) own.push(state.spine);
    let best: DeltaChoice | null = null;
    for (const base of [...own, ...siblings.filter(usable)]) {
      const limit = best === null ? bytes.length : best.delta.length;
      const delta = createDelta(base.bytes, bytes, limit, () => this.index(base.bytes));
      if (delta !== null && (best === null || delta.length < best.delta.length)) best = { base, delta };
      if (best !== null && best.delta.length * GOOD_ENOUGH < bytes.length) break;
    }
    // A delta of a quarter of its target or more may still compress worse than the whole object
    // (a literal insert of JSON against a copy of mostly other bytes): compare what is stored.
    if (best !== null && best.delta.length * 4 > bytes.length && deflateSync(best.delta).length >= deflateSync(bytes).length) return null;
    return best;
  }

  /** True once a version of `group` is in the pack (the next one may be a delta). */
  knows(group: string): boolean {
    return this.groups.has(group);
  }

  /** Record `written` as the newest version of `group` so far; `choice` is how it was stored. */
  add(group: string, written: Written, choice: DeltaChoice | null): void {
    const state = this.groups.get(group);
    if (state === undefined) {
      this.groups.set(group, { window: [written], spine: written });
      this.bytes += written.bytes.length;
    } else {
      this.groups.delete(group); // re-inserted: the map lists the least recently used first
      this.groups.set(group, state);
      const jumped = state.window[0]!.depth >= MAX_DELTA_DEPTH && choice?.base === state.spine;
      if (choice === null || jumped) state.spine = written;
      state.window.unshift(written);
      this.bytes += written.bytes.length;
      for (const old of state.window.splice(written.bytes.length > BIG ? BIG_WINDOW : WINDOW)) this.bytes -= old.bytes.length;
    }
    for (const [name, old] of this.groups) {
      if (this.bytes <= MEMORY_BUDGET || name === group) break;
      this.groups.delete(name);
      for (const w of old.window) this.bytes -= w.bytes.length;
    }
  }

  private index(bytes: Uint8Array): DeltaIndex {
    let index = this.indexes.get(bytes);
    if (index === undefined) {
      index = indexBase(bytes);
      this.indexes.set(bytes, index);
    }
    return index;
  }
}
