// The names people give .nbflow copies by hand, and the order in which `nbv track` takes them in.
// Pure string and number work, so the rule (docs/import.md) can be tested without a disk.
import { workflowNameProblem, type Version } from '../nbflow/index.js';

/** What kind of hand-made copy a name says it is. */
export type LegacyVariant =
  | 'plain' // XYZG3-V0-2.nbflow: a working file, or a superseded version in backups/
  | 'pre-change' // XYZG3-V0-2.nbflow.bak-2026-05-09-pre-cache-wipe
  | 'dated' // XYZG3-V0-2.nbflow.bak-2026-04-30 (a date without the pre- part)
  | 'bak' // XYZG3-V0-2.nbflow.bak, .bak2, .bak3 ...
  | 'copy' // XYZG3-V0-2 copy.nbflow, "copy 2", " - Copy", "Copy of ..."
  | 'duplicate'; // XYZG3-V0-2 (1).nbflow: a browser download or a Finder duplicate

export interface LegacyName {
  workflow: string;
  /** Null when the name carries no V<major>-<n>. */
  version: Version | null;
  /** YYYY-MM-DD when the name carries one. */
  date: string | null;
  variant: LegacyVariant;
  /** The `<what>` of `.bak-DATE-pre-<what>` (or the words after a date), when there is one. */
  what: string | null;
  /** `.bak2` -> 2, `copy 3` -> 3, ` (1)` -> 1; 0 when the name has no number of its own. */
  number: number;
}

/** A name that looks like a .nbflow copy but cannot be placed, and why. */
export interface UnplaceableName {
  problem: string;
}

const NUMBER = '(0|[1-9]\\d{0,8})';
const VERSIONED_STEM = new RegExp(`^(.+)-V${NUMBER}-${NUMBER}$`);
const DATED_STEM = new RegExp(`^(.+-V${NUMBER}-${NUMBER})[ _-](\\d{4}-\\d{2}-\\d{2})$`);
const BAK = /^\.bak(\d*)$/;
const BAK_DATED = /^\.bak[-_. ](\d{4}-\d{2}-\d{2})(?:[-_. ](.+))?$/;
const BAK_PRE = /^\.bak[-_.]pre-(.+)$/;
const COPY_SUFFIXES: Array<{ pattern: RegExp; variant: 'copy' | 'duplicate' }> = [
  { pattern: / - copy(?: \((\d+)\))?$/i, variant: 'copy' },
  { pattern: / copy(?: (\d+))?$/i, variant: 'copy' },
  { pattern: / \((\d+)\)$/, variant: 'duplicate' },
];
const COPY_OF = /^copy (?:\((\d+)\) )?of /i;

export const NBFLOW_MARK = '.nbflow';

function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(y, m - 1, d));
  return parsed.getUTCFullYear() === y && parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d;
}

interface Suffix {
  variant: 'plain' | 'pre-change' | 'dated' | 'bak';
  date: string | null;
  what: string | null;
  number: number;
}

function parseSuffix(suffix: string): Suffix | UnplaceableName {
  if (suffix === '') return { variant: 'plain', date: null, what: null, number: 0 };
  const bak = BAK.exec(suffix);
  if (bak) return { variant: 'bak', date: null, what: null, number: bak[1] ? Number(bak[1]) : 1 };
  const dated = BAK_DATED.exec(suffix);
  if (dated) {
    const date = dated[1]!;
    if (!isCalendarDate(date)) return { problem: `'${date}' in its name is not a calendar date` };
    const rest = dated[2] ?? null;
    const pre = rest?.startsWith('pre-') ? rest.slice(4) : null;
    return pre ? { variant: 'pre-change', date, what: pre, number: 0 } : { variant: 'dated', date, what: rest, number: 0 };
  }
  const pre = BAK_PRE.exec(suffix);
  if (pre) return { variant: 'pre-change', date: null, what: pre[1]!, number: 0 };
  return { problem: `'${suffix}' after .nbflow is not a backup suffix nbv knows (.bak, .bak2, .bak-YYYY-MM-DD[-pre-what])` };
}

/** Strips the marks a file manager or a browser adds to a copy's name. */
function stripCopyMarks(stem: string): { stem: string; variant: 'copy' | 'duplicate' | null; number: number } {
  let variant: 'copy' | 'duplicate' | null = null;
  let number = 0;
  const ofMatch = COPY_OF.exec(stem);
  if (ofMatch) {
    stem = stem.slice(ofMatch[0].length);
    variant = 'copy';
    number = ofMatch[1] ? Number(ofMatch[1]) : 0;
  }
  // "X copy (1)" carries two marks; a few rounds are enough for anything people make by hand.
  for (let round = 0; round < 3; round++) {
    const hit = COPY_SUFFIXES.map((s) => ({ s, m: s.pattern.exec(stem) })).find((x) => x.m !== null);
    if (!hit) break;
    stem = stem.slice(0, hit.m!.index);
    variant ??= hit.s.variant;
    number ||= hit.m![1] ? Number(hit.m![1]) : 0;
  }
  return { stem, variant, number };
}

/**
 * What a base name says about the file: null when it is no .nbflow copy at all (no `.nbflow` in
 * it, or a dot file), an UnplaceableName when it looks like one but cannot be placed.
 */
export function parseLegacyName(base: string): LegacyName | UnplaceableName | null {
  const at = base.lastIndexOf(NBFLOW_MARK);
  if (at <= 0 || base.startsWith('.')) return null;
  const suffix = parseSuffix(base.slice(at + NBFLOW_MARK.length));
  if ('problem' in suffix) return suffix;
  const copy = stripCopyMarks(base.slice(0, at));
  let stem = copy.stem;
  let date = suffix.date;
  const datedStem = DATED_STEM.exec(stem);
  if (datedStem) {
    if (!isCalendarDate(datedStem[4]!)) return { problem: `'${datedStem[4]}' in its name is not a calendar date` };
    stem = datedStem[1]!;
    date ??= datedStem[4]!;
  }
  const versioned = VERSIONED_STEM.exec(stem);
  const workflow = versioned ? versioned[1]! : stem;
  const problem = workflowNameProblem(workflow);
  if (problem !== undefined) return { problem: `workflow name ${JSON.stringify(workflow)} ${problem}` };
  const variant = suffix.variant === 'plain' ? (copy.variant ?? (datedStem ? 'dated' : 'plain')) : suffix.variant;
  return {
    workflow,
    version: versioned ? { major: Number(versioned[2]), minor: Number(versioned[3]) } : null,
    date,
    variant,
    what: suffix.what,
    number: suffix.variant === 'bak' ? suffix.number : copy.number,
  };
}

export function isUnplaceable(parsed: LegacyName | UnplaceableName | null): parsed is UnplaceableName {
  return parsed !== null && 'problem' in parsed;
}

/** A file to order: its name, its modification time, and that time's calendar date (in the zone
 * the import uses, so that it compares with dates in names). */
export interface OrderableFile {
  path: string;
  name: LegacyName;
  mtimeMs: number;
  mtimeDate: string;
}

// When version, date and mtime all tie (a fresh copy or checkout gives many files one mtime),
// the name decides: a copy taken before a change, then .bak copies, then duplicates, then the
// plain name, which holds the state the version ended in.
const VARIANT_RANK: Record<LegacyVariant, number> = { 'pre-change': 0, dated: 1, bak: 2, copy: 3, duplicate: 4, plain: 5 };

/** The date a file is ordered by: the one in its name, else the day it was last written. */
export function effectiveDate(file: OrderableFile): string {
  return file.name.date ?? file.mtimeDate;
}

/** Version, then the date in the name (else the mtime's date), then the mtime, then the name. */
export function compareLegacyFiles(a: OrderableFile, b: OrderableFile): number {
  const va = a.name.version ?? { major: -1, minor: -1 };
  const vb = b.name.version ?? { major: -1, minor: -1 };
  if (va.major !== vb.major) return va.major - vb.major;
  if (va.minor !== vb.minor) return va.minor - vb.minor;
  const da = effectiveDate(a);
  const db = effectiveDate(b);
  if (da !== db) return da < db ? -1 : 1;
  if (a.mtimeMs !== b.mtimeMs) return a.mtimeMs - b.mtimeMs;
  const rank = VARIANT_RANK[a.name.variant] - VARIANT_RANK[b.name.variant];
  if (rank !== 0) return rank;
  if (a.name.number !== b.name.number) return a.name.number - b.name.number;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function orderLegacyFiles<T extends OrderableFile>(files: readonly T[]): T[] {
  return [...files].sort(compareLegacyFiles);
}
