// The three-way merge of .nbflow documents: base, ours and theirs bytes in; the merged bytes,
// the conflicts and what each side contributed out. The result is OUR bytes with only the merged
// places spliced (nbflowRules.ts, caches.ts, textPlan.ts), and it is checked before it is
// returned: it must parse as an .nbflow and hold exactly the merged value.

import { isNbvError } from '../errors.js';
import { DEFAULT_CONFIG } from '../nbflow/config.js';
import { parseNbflow } from '../nbflow/parse.js';
import { spliceBytes } from '../nbflow/textEdits.js';
import type { NbflowConfig, NbflowDocument, ParsedNbflow } from '../nbflow/types.js';
import { encodePointerToken } from '../json/pointer.js';
import { mergeCaches, type CacheDecision } from './caches.js';
import { contentEqual } from './equal.js';
import { ThreeWayMerge, type ConflictReason, type RawChange, type RawConflict, type Side, type Step } from './merge3.js';
import { nbflowRules } from './nbflowRules.js';
import { planTextEdits } from './textPlan.js';

export type MergeSideName = 'base' | 'ours' | 'theirs';

export interface MergeOptions {
  /** How each side is named in error messages (a file name, a commit); default the side's name. */
  labels?: Partial<Record<MergeSideName, string>>;
}

/** Where a conflict or change is: the tab and node ids when it is inside one, and the path below
 * that (a JSON pointer relative to the node, else the tab, else the document; elements of keyed
 * arrays are named by their key: `/edges/img-s03 -> vid-s03/label`). */
export interface MergePlace {
  tab: string | null;
  node: string | null;
  field: string;
}

export interface MergeConflict extends MergePlace {
  reason: ConflictReason;
  /** The values at the place; a side that does not have it leaves its member out. */
  base?: unknown;
  ours?: unknown;
  theirs?: unknown;
  detail?: string;
}

export interface MergeChange extends MergePlace {
  action: RawChange['action'];
}

export interface NbflowMergeResult {
  /** The merged document: ours where the sides conflict. Always parses as an .nbflow. */
  bytes: Uint8Array;
  clean: boolean;
  conflicts: MergeConflict[];
  /** What each side changed that the result has (ours: kept; theirs: spliced in). */
  taken: Record<Side, MergeChange[]>;
  /** How each node whose caches differ between the sides got its cache. */
  caches: CacheDecision[];
  /** The result, parsed (the self-check parses it anyway). */
  merged: ParsedNbflow;
}

function parseSide(bytes: Uint8Array, side: MergeSideName, options: MergeOptions): ParsedNbflow {
  const label = options.labels?.[side];
  const file = label === undefined ? `the ${side} side` : `${label} (${side})`;
  try {
    return parseNbflow(bytes, file);
  } catch (err) {
    if (isNbvError(err)) err.details['side'] = side;
    throw err;
  }
}

function place(steps: readonly Step[]): MergePlace {
  const token = (step: Step) => ('member' in step ? step.member : step.element);
  let tab: string | null = null;
  let node: string | null = null;
  let rest = steps;
  const first = steps[0];
  const second = steps[1];
  if (first !== undefined && 'member' in first && first.member === 'tabs' && second !== undefined && 'element' in second) {
    tab = second.element;
    rest = steps.slice(2);
    const third = steps[2];
    const fourth = steps[3];
    if (third !== undefined && 'member' in third && third.member === 'nodes' && fourth !== undefined && 'element' in fourth) {
      node = fourth.element;
      rest = steps.slice(4);
    }
  }
  return { tab, node, field: rest.map((s) => '/' + encodePointerToken(token(s))).join('') };
}

function conflictOf(raw: RawConflict): MergeConflict {
  return {
    ...place(raw.steps),
    reason: raw.reason,
    ...(raw.base === undefined ? {} : { base: raw.base }),
    ...(raw.ours === undefined ? {} : { ours: raw.ours }),
    ...(raw.theirs === undefined ? {} : { theirs: raw.theirs }),
    ...(raw.detail === undefined ? {} : { detail: raw.detail }),
  };
}

function unchanged(ours: ParsedNbflow): NbflowMergeResult {
  return { bytes: ours.bytes, clean: true, conflicts: [], taken: { ours: [], theirs: [] }, caches: [], merged: ours };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

/**
 * Merges `theirs` into `ours` against their common state `base`. Nodes and tabs are matched by
 * id, edges by (source, target); caches follow the merged node's generation inputs (`config`
 * says which fields are caches and inputs). A side that is not an .nbflow is an NbvError naming
 * the side (`details.side`). Conflicts keep ours and are listed; the result always parses.
 */
export function mergeNbflow(
  base: Uint8Array,
  ours: Uint8Array,
  theirs: Uint8Array,
  config: NbflowConfig = DEFAULT_CONFIG,
  options: MergeOptions = {},
): NbflowMergeResult {
  const oursParsed = parseSide(ours, 'ours', options);
  const theirsParsed = parseSide(theirs, 'theirs', options);
  const baseParsed = parseSide(base, 'base', options);
  if (sameBytes(ours, theirs) || sameBytes(base, theirs)) return unchanged(oursParsed);
  // Our side made no change at all: the merge is their file, as git's own trivial merge would be.
  if (sameBytes(base, ours)) return { ...unchanged(theirsParsed), taken: { ours: [], theirs: [{ tab: null, node: null, field: '', action: 'changed' }] } };

  const merge = new ThreeWayMerge(nbflowRules(config, oursParsed.doc));
  const value = merge.mergeAt({ ours: [], theirs: [], steps: [], shape: [] }, baseParsed.doc, oursParsed.doc, theirsParsed.doc) as NbflowDocument;
  const docs = { base: baseParsed.doc, ours: oursParsed.doc, theirs: theirsParsed.doc };
  const caches = mergeCaches(merge, docs, value, config);

  const textEdits = planTextEdits(
    { oursText: oursParsed.text, oursFile: oursParsed.file, theirsText: theirsParsed.text, theirsFile: theirsParsed.file },
    merge.edits,
  );
  const bytes = textEdits.length === 0 ? ours : spliceBytes(oursParsed.text, ours, textEdits);
  let merged: ParsedNbflow;
  try {
    merged = parseNbflow(bytes, oursParsed.file);
  } catch (err) {
    throw new Error(`internal error: the merge produced a document that does not parse: ${(err as Error).message}`, { cause: err });
  }
  if (!contentEqual(merged.doc, value)) throw new Error('internal error: the merged bytes do not hold the merged document; nothing was written');
  const taken: Record<Side, MergeChange[]> = { ours: [], theirs: [] };
  for (const change of merge.changes) taken[change.side].push({ ...place(change.steps), action: change.action });
  const conflicts = merge.conflicts.map(conflictOf);
  return { bytes, clean: conflicts.length === 0, conflicts, taken, caches, merged };
}

