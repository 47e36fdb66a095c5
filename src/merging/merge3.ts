// A generic three-way merge of JSON values (base, ours, theirs), specialised by rules given as data:
// which arrays are matched by a key instead of by position, and which members are left for a later
// pass (an .nbflow's cache fields, decided by the node's inputs). It does not write text: it
// returns the merged value, the edits that turn OUR document into it (so every byte the merge does
// not decide stays ours), what each side contributed, and the conflicts, where ours is kept.
//
// Rules of the walk, at every level: equal sides need nothing; a side equal to the base takes the
// other (walking into containers so the edits stay small); two objects that both changed are merged member by member; two keyed arrays element by
// element (order follows ours; an element added by theirs goes after its predecessor in theirs);
// anything else that both changed differently is a conflict.

import type { PathToken } from '../json/pointer.js';
import { contentEqual, isPlainObject, sameOrAbsent } from './equal.js';

export type Side = 'ours' | 'theirs';

/** A path in the document as the merge sees it: object members by name, keyed elements by key. */
export type Step = { member: string } | { element: string };

/** A pattern over paths: a member name, or '*' for any keyed element or any member. */
export type Pattern = readonly string[];

export interface KeyedArrayRule {
  path: Pattern;
  /** The element's identity; undefined when it has none (the whole array is then one value). */
  keyOf: (element: unknown) => string | undefined;
  /** Why an element theirs added cannot go in (its key is used elsewhere in ours), or undefined. */
  refuseInsert?: (key: string) => string | undefined;
}

export interface MergeRules {
  keyedArrays: readonly KeyedArrayRule[];
  /** Members the walk leaves as ours for a later pass. */
  deferred: readonly Pattern[];
}

/** Edits on OUR document; paths are ours (array indexes are ours), values come from theirs. */
export type MergeEdit =
  | { op: 'replace'; ours: PathToken[]; theirs: PathToken[] }
  | { op: 'insert'; container: PathToken[]; after: PathToken | null; key?: string; theirs: PathToken[] }
  | { op: 'remove'; container: PathToken[]; at: PathToken };

export type ConflictReason = 'both-changed' | 'both-added' | 'ours-deleted' | 'theirs-deleted' | 'refused-insert';

export interface RawConflict {
  steps: Step[];
  reason: ConflictReason;
  base: unknown;
  ours: unknown;
  theirs: unknown;
  detail?: string;
}

export interface RawChange {
  side: Side;
  steps: Step[];
  action: 'changed' | 'added' | 'removed';
}

export interface Location {
  ours: PathToken[];
  theirs: PathToken[];
  steps: Step[];
  /** The path with every keyed element as '*', for matching rules. */
  shape: string[];
}

export interface MergeOutcome {
  value: unknown;
  edits: MergeEdit[];
  conflicts: RawConflict[];
  changes: RawChange[];
}

const matches = (pattern: Pattern, shape: readonly string[]) =>
  pattern.length === shape.length && pattern.every((token, i) => token === '*' || token === shape[i]);

export class ThreeWayMerge {
  readonly edits: MergeEdit[] = [];
  readonly conflicts: RawConflict[] = [];
  readonly changes: RawChange[] = [];

  constructor(private readonly rules: MergeRules) {}

  static run(rules: MergeRules, base: unknown, ours: unknown, theirs: unknown): MergeOutcome {
    const merge = new ThreeWayMerge(rules);
    const value = merge.mergeAt({ ours: [], theirs: [], steps: [], shape: [] }, base, ours, theirs);
    return { value, edits: merge.edits, conflicts: merge.conflicts, changes: merge.changes };
  }

  conflict(at: Location, reason: ConflictReason, base: unknown, ours: unknown, theirs: unknown, detail?: string): void {
    this.conflicts.push({ steps: at.steps, reason, base, ours, theirs, ...(detail === undefined ? {} : { detail }) });
  }

  change(side: Side, at: Location, action: RawChange['action']): void {
    this.changes.push({ side, steps: at.steps, action });
  }

  /** Merges present values (base may be absent); returns the merged value. */
  mergeAt(at: Location, base: unknown, ours: unknown, theirs: unknown): unknown {
    if (contentEqual(ours, theirs)) return ours;
    if (base !== undefined && contentEqual(base, theirs)) {
      this.change('ours', at, 'changed');
      return ours;
    }
    // Only theirs changed: still walk into containers, so that the edits (and the bytes they
    // rewrite) are the smallest values that differ, not the whole node around them.
    const onlyTheirs = base !== undefined && contentEqual(base, ours);
    const baseFits = (check: (v: unknown) => boolean) => base === undefined || check(base);
    if (isPlainObject(ours) && isPlainObject(theirs) && baseFits(isPlainObject)) {
      return this.mergeObject(at, base as Record<string, unknown> | undefined, ours, theirs);
    }
    const keyed = this.rules.keyedArrays.find((rule) => matches(rule.path, at.shape));
    if (keyed !== undefined && Array.isArray(ours) && Array.isArray(theirs) && baseFits(Array.isArray)) {
      const merged = this.mergeKeyed(at, keyed, (base as unknown[] | undefined) ?? [], ours, theirs);
      if (merged !== undefined) return merged;
    }
    if (onlyTheirs) {
      this.edits.push({ op: 'replace', ours: at.ours, theirs: at.theirs });
      this.change('theirs', at, 'changed');
      return theirs;
    }
    this.conflict(at, base === undefined ? 'both-added' : 'both-changed', base, ours, theirs);
    return ours;
  }

  private child(at: Location, ours: PathToken | null, theirs: PathToken | null, step: Step, shape: string): Location {
    return {
      ours: ours === null ? at.ours : [...at.ours, ours],
      theirs: theirs === null ? at.theirs : [...at.theirs, theirs],
      steps: [...at.steps, step],
      shape: [...at.shape, shape],
    };
  }

  private deferred(shape: readonly string[]): boolean {
    return this.rules.deferred.some((pattern) => matches(pattern, shape));
  }

  private mergeObject(at: Location, base: Record<string, unknown> | undefined, ours: Record<string, unknown>, theirs: Record<string, unknown>): unknown {
    const result: Record<string, unknown> = { ...ours };
    const removed = new Set<string>();
    const has = (record: Record<string, unknown> | undefined, key: string) => record !== undefined && Object.hasOwn(record, key);
    for (const key of Object.keys(ours)) {
      const loc = this.child(at, key, key, { member: key }, key);
      if (this.deferred(loc.shape)) continue;
      const b = has(base, key) ? base![key] : undefined;
      if (!has(theirs, key)) {
        if (b === undefined) this.change('ours', loc, 'added');
        else if (contentEqual(b, ours[key])) {
          this.edits.push({ op: 'remove', container: at.ours, at: key });
          this.change('theirs', loc, 'removed');
          delete result[key];
          removed.add(key);
        } else this.conflict(loc, 'theirs-deleted', b, ours[key], undefined);
        continue;
      }
      result[key] = this.mergeAt(loc, b, ours[key], theirs[key]);
    }
    const theirKeys = Object.keys(theirs);
    theirKeys.forEach((key, index) => {
      if (has(ours, key)) return;
      const loc = this.child(at, key, key, { member: key }, key);
      if (this.deferred(loc.shape)) return;
      const b = has(base, key) ? base![key] : undefined;
      if (b === undefined) {
        let after: string | null = null;
        for (let k = index - 1; k >= 0; k--) {
          const candidate = theirKeys[k]!;
          if (has(ours, candidate) && !removed.has(candidate)) {
            after = candidate;
            break;
          }
        }
        this.edits.push({ op: 'insert', container: at.ours, after, key, theirs: loc.theirs });
        this.change('theirs', loc, 'added');
        result[key] = theirs[key];
      } else if (contentEqual(b, theirs[key])) this.change('ours', loc, 'removed');
      else this.conflict(loc, 'ours-deleted', b, undefined, theirs[key]);
    });
    return result;
  }

  /** Undefined when the elements have no usable keys: the caller treats the array as one value. */
  private mergeKeyed(at: Location, rule: KeyedArrayRule, base: unknown[], ours: unknown[], theirs: unknown[]): unknown[] | undefined {
    const index = (list: unknown[]): Map<string, number> | undefined => {
      const map = new Map<string, number>();
      for (let i = 0; i < list.length; i++) {
        const key = rule.keyOf(list[i]);
        if (key === undefined || map.has(key)) return undefined;
        map.set(key, i);
      }
      return map;
    };
    const baseIndex = index(base);
    const oursIndex = index(ours);
    const theirsIndex = index(theirs);
    if (baseIndex === undefined || oursIndex === undefined || theirsIndex === undefined) return undefined;

    const kept: Array<{ key: string; value: unknown }> = [];
    const removed = new Set<string>();
    for (const [key, i] of oursIndex) {
      const b = baseIndex.has(key) ? base[baseIndex.get(key)!] : undefined;
      const o = ours[i];
      const t = theirsIndex.has(key) ? theirs[theirsIndex.get(key)!] : undefined;
      const loc = this.child(at, i, theirsIndex.get(key) ?? null, { element: key }, '*');
      if (t === undefined) {
        if (b === undefined) this.change('ours', loc, 'added');
        else if (contentEqual(b, o)) {
          this.edits.push({ op: 'remove', container: at.ours, at: i });
          this.change('theirs', loc, 'removed');
          removed.add(key);
          continue;
        } else this.conflict(loc, 'theirs-deleted', b, o, undefined);
        kept.push({ key, value: o });
        continue;
      }
      kept.push({ key, value: this.mergeAt(loc, b, o, t) });
    }
    const theirKeys = [...theirsIndex.keys()];
    const inserted = new Map<string | null, unknown[]>();
    theirKeys.forEach((key, position) => {
      if (oursIndex.has(key)) return;
      const t = theirs[theirsIndex.get(key)!];
      const loc = this.child(at, null, theirsIndex.get(key)!, { element: key }, '*');
      const b = baseIndex.has(key) ? base[baseIndex.get(key)!] : undefined;
      if (b !== undefined) {
        if (contentEqual(b, t)) this.change('ours', loc, 'removed');
        else this.conflict(loc, 'ours-deleted', b, undefined, t);
        return;
      }
      const refusal = rule.refuseInsert?.(key);
      if (refusal !== undefined) {
        this.conflict(loc, 'refused-insert', undefined, undefined, t, refusal);
        return;
      }
      let after: string | null = null;
      for (let k = position - 1; k >= 0; k--) {
        const candidate = theirKeys[k]!;
        if (oursIndex.has(candidate) && !removed.has(candidate)) {
          after = candidate;
          break;
        }
      }
      this.edits.push({ op: 'insert', container: at.ours, after: after === null ? null : oursIndex.get(after)!, theirs: loc.theirs });
      this.change('theirs', loc, 'added');
      const list = inserted.get(after) ?? [];
      list.push(t);
      inserted.set(after, list);
    });
    const result: unknown[] = [...(inserted.get(null) ?? [])];
    for (const { key, value } of kept) result.push(value, ...(inserted.get(key) ?? []));
    return result;
  }
}

export { sameOrAbsent };
