// The seed's two decision tables ("When you need to wipe cache", "Cache wipe vs. version bump"),
// applied to where a workflow stands: its unrecorded change, its stale caches, its last operation.
// Each decision names its table row and the command that carries it out. docs/staleness.md lists
// the rows and how each is recognised.
import type { StaleReason } from '../nbflow/index.js';
import type { CacheReport, StaleNode } from './stale.js';
import type { NodeDiff } from '../nbflow/index.js';

/** Rows of the seed's tables (and of its "when wiping is excessive" list), as stable ids. */
export type AdviceRow =
  | 'prompt-edited'
  | 'reroll'
  | 'avatar-url-changed'
  | 'model-changed'
  | 'fresh-run'
  | 'restored'
  | 'old-project'
  | 'cache-corrupt'
  | 'runner-crash'
  | 'run-filled'
  | 'hand-wiped'
  | 'commit'
  | 'stale'
  | 'missing'
  | 'hand-bump'
  | 'retired-edit'
  | 'backups-drift';

export interface Decision {
  row: AdviceRow;
  wipe: 'yes' | 'no' | 'n/a' | null;
  bump: 'yes' | 'no' | null;
  /** The nbv command that carries it out, when there is one. */
  command: string | null;
  text: string;
}

export interface AdviceContext {
  cache?: CacheReport;
  /** The last recorded operation. */
  head?: {
    op: string;
    version: string;
    ref?: string;
    time: string;
    /** The version changed with it (wipe --bump). */ bumped?: boolean;
    /** A `run` head: what its runner did (docs/runner.md). */
    run?: { interrupted: boolean; exitCode: number | null; signal: string | null; filled: string[]; planned: string[]; lastCompleteSave: boolean };
  };
  /** The working file holds the bytes of this recorded state or backups/ file (a restore by hand). */
  sameAsRecorded?: string | null;
  /** Now, ISO 8601. */
  now?: string;
}

/** Caches made longer ago than this may point at outputs an R2 clean-up removed. */
export const OLD_CACHE_DAYS = 30;

/** What the decision tables read of a workflow's status. */
export interface AdviceInput {
  file: string;
  version: string;
  uncommitted: boolean;
  missing: boolean;
  changes: NodeDiff[];
  stale: StaleNode[];
  backups: { ok: boolean; missing: string[]; altered: string[]; unknown: string[] };
  /** The next version saved by hand (history/strayFiles.ts). */
  handBump?: { file: string; version: string } | null;
  /** Retired working files holding unrecorded edits. */
  retired?: Array<{ file: string; version: string; changes: NodeDiff[] }>;
}

const has = (report: AdviceInput, kind: string) => report.changes.some((n) => n.changes.some((c) => c.kind === kind));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function staleWith(report: AdviceInput, test: (r: StaleReason) => boolean): string[] {
  return report.stale.filter((s) => s.reasons.some((r) => test(r as StaleReason))).map((s) => s.node);
}

const isReference = (r: StaleReason) => r.code === 'reference-url-changed' || r.code === 'upstream-changed';

/** Whether a bump is still to come for the pending change: not when the workflow is at a version
 * made for it (the head is the bump, or a wipe recorded right after its bump: wipe --bump), nor
 * when the stale caches were all made in an earlier version (the bump happened since). */
function bumpPending(report: AdviceInput, ctx: AdviceContext): boolean {
  if (ctx.head?.op === 'bump' || ctx.head?.bumped) return false;
  if (report.uncommitted || !ctx.cache) return true;
  const versions = ctx.cache.nodes.filter((n) => n.reasons.length > 0).map((n) => n.provenance?.version);
  return versions.some((v) => v === report.version || v === null || v === undefined);
}

export function decide(report: AdviceInput, ctx: AdviceContext = {}): Decision[] {
  const out: Decision[] = [];
  const add = (row: AdviceRow, wipe: Decision['wipe'], bump: Decision['bump'], command: string | null, text: string) =>
    out.push({ row, wipe, bump, command, text });
  if (report.handBump) {
    add('hand-bump', null, 'yes', 'nbv commit',
      `${report.handBump.file} is ${report.handBump.version}, saved by hand: 'nbv commit' records it as the bump ${report.version} -> ${report.handBump.version} (the old version goes to backups/)`);
  } else if (report.missing) {
    add('missing', null, null, 'nbv restore HEAD', `${report.file} is missing: 'nbv restore HEAD' brings it back as recorded`);
  }
  for (const r of report.retired ?? []) {
    const what = r.changes.length ? `${plural(r.changes.length, 'node')} changed against ${r.version} as recorded` : `bytes history lacks`;
    add('retired-edit', null, null, 'nbv commit',
      report.uncommitted
        ? `${r.file} (retired when ${r.version} was bumped) holds edits (${what}), and so does ${report.file}: keep the ones you want in ${report.file}, remove ${r.file}, 'nbv commit'`
        : `${r.file} (retired when ${r.version} was bumped) holds edits (${what}): 'nbv commit' takes them into ${report.file}`);
  }

  const reference = staleWith(report, (r) => isReference(r));
  const model = staleWith(report, (r) => r.code === 'model-changed');
  const corrupt = staleWith(report, (r) => r.code === 'cache-malformed');
  const bump = bumpPending(report, ctx);
  // A restore is its own row (no bump, wipe what does not match): the caches it left stale are not
  // a reference or model change of the user's, so those rows would contradict it.
  const restoredRef = ctx.head?.op === 'restore' && !report.uncommitted ? (ctx.head.ref ?? 'a recorded state') : (ctx.sameAsRecorded ?? null);
  const wipeStale = `nbv wipe --stale${bump ? ' --bump' : ''}`;
  const bumpWord = bump ? 'bump YES (a meaningful change)' : 'bump done already';
  if (reference.length > 0 && restoredRef === null) {
    add('avatar-url-changed', 'yes', bump ? 'yes' : 'no', wipeStale,
      `reference URL changed: wipe YES (the cache of ${plural(reference.length, 'node')} was made with the old URL), ${bumpWord}, re-run: '${wipeStale}'`);
  }
  if (model.length > 0 && restoredRef === null) {
    add('model-changed', 'yes', bump ? 'yes' : 'no', wipeStale,
      `model changed: wipe YES (the cached output of ${plural(model.length, 'node')} is from the wrong model), ${bumpWord}: '${wipeStale}'`);
  }
  if (corrupt.length > 0) {
    add('cache-corrupt', 'yes', null, 'nbv wipe --stale', `${plural(corrupt.length, 'cache')} look corrupt (${corrupt.join(', ')}): when in doubt, wipe: 'nbv wipe --stale'`);
  }

  const edited = has(report, 'prompt-edited') || has(report, 'input-changed') || has(report, 'added') || has(report, 'removed');
  if (report.uncommitted && edited && reference.length === 0 && model.length === 0) {
    if (bump) {
      add('prompt-edited', 'no', 'yes', 'nbv bump -m MSG',
        `edited: wipe NO (the runner regenerates the ${plural(report.stale.length, 'stale node')}), bump YES (a meaningful change): 'nbv bump -m MSG'`);
    } else {
      add('prompt-edited', 'no', 'no', 'nbv commit',
        `edited: wipe NO (the runner regenerates the ${plural(report.stale.length, 'stale node')}), bump done already (${report.version} is new): 'nbv commit' records it`);
    }
  }

  const rerolls = ctx.cache?.nodes.filter((n) => n.reroll !== null).map((n) => n.node) ?? [];
  const cacheOnly = report.uncommitted && !edited && report.changes.every((n) => n.changes.every((c) => c.kind.startsWith('cache-') || c.kind === 'presentation-changed'));
  const filled = report.changes.filter((n) => n.changes.some((c) => c.kind === 'cache-filled' || c.kind === 'cache-changed')).map((n) => n.node);
  const wiped = report.changes.filter((n) => n.changes.some((c) => c.kind === 'cache-wiped')).map((n) => n.node);
  if (rerolls.length > 0) {
    add('reroll', 'n/a', 'no', null, `re-roll asked for ${rerolls.join(', ')}: wipe N/A (the runner ignores their cache), bump NO (unless the results differ meaningfully)`);
  } else if (cacheOnly && filled.length > 0 && filled.every((id) => ctx.cache?.nodes.find((n) => n.node === id)?.provenance?.origin === null) && ctx.head?.op === 'reroll') {
    add('reroll', 'n/a', 'no', 'nbv commit -m MSG', `re-rolled outputs: bump NO: 'nbv commit -m MSG' records them`);
  }

  if (restoredRef !== null) {
    const command = report.uncommitted ? `nbv restore ${restoredRef}` : null;
    if (report.stale.length === 0) {
      add('restored', 'no', 'no', command, `restored from ${restoredRef}: wipe NO (every restored cache matches its node), bump NO (back to a prior version)${command ? `: '${command}' records it` : ''}`);
    } else {
      add('restored', 'yes', 'no', 'nbv wipe --stale', `restored from ${restoredRef}: ${plural(report.stale.length, 'cache')} ${report.stale.length === 1 ? 'does' : 'do'} not match the restored inputs: wipe those ('nbv wipe --stale'), bump NO`);
    }
  }

  const allWiped = ctx.cache !== undefined && ctx.cache.nodes.length > 0 && ctx.cache.nodes.every((n) => !n.hasCache);
  if (cacheOnly && wiped.length > 0 && filled.length === 0) {
    if (allWiped) add('fresh-run', 'yes', 'yes', 'nbv bump -m MSG', `every cache cleared by hand: a fresh run: wipe YES, bump YES (a wipe is a meaningful change): 'nbv bump -m MSG' records it as a new version, the old one keeps its cache`);
    else add('hand-wiped', 'yes', null, 'nbv commit -m MSG', `caches were cleared by hand: 'nbv commit -m MSG' records it (next time 'nbv wipe' keeps a backup)`);
  } else if (!report.uncommitted && allWiped && ctx.head?.op === 'wipe' && !ctx.head.bumped) {
    add('fresh-run', 'yes', 'yes', 'nbv bump -m MSG', `every cache is wiped: a fresh run: bump YES (a wipe is a meaningful change): 'nbv bump -m MSG'`);
  }
  if (cacheOnly && filled.length > 0 && !out.some((d) => d.row === 'reroll')) {
    const pending = ctx.cache?.nodes.filter((n) => !n.hasCache || n.reasons.length > 0).length ?? 0;
    if (pending > 0) {
      add('runner-crash', 'no', 'no', 'nbv commit -m MSG', `a run filled ${plural(filled.length, 'cache')}, ${plural(pending, 'node')} still to generate: wipe NO (the next run reuses what is there): 'nbv commit -m MSG'`);
    } else {
      add('run-filled', 'no', 'no', 'nbv commit -m MSG', `a run filled caches: wipe NO, bump NO: 'nbv commit -m MSG' records the outputs`);
    }
  }

  const run = ctx.head?.run;
  if (run?.interrupted && !report.uncommitted) {
    const pending = ctx.cache?.nodes.filter((n) => !n.hasCache || n.reasons.length > 0 || n.reroll !== null).length ?? run.planned.length - run.filled.length;
    const how = run.signal ?? `exit ${run.exitCode}`;
    const partial = run.lastCompleteSave ? '; it died while saving, so its last complete save is what is recorded' : '';
    add('runner-crash', 'no', 'no', 'nbv run -- CMD',
      `the last run stopped (${how}) after filling ${plural(run.filled.length, 'node')} of ${run.planned.length}${partial}: wipe NO (the cache holds what succeeded; the next run reuses it), re-run it: only the ${plural(pending, 'unfilled node')} ${pending === 1 ? 'is' : 'are'} planned ('nbv plan')`);
  }

  const oldest = lastRunAge(ctx);
  if (oldest !== null) {
    add('old-project', 'yes', 'yes', 'nbv wipe --all --bump',
      `the newest cache was made ${oldest.days} days ago (${oldest.date}): outputs may point at URLs that were cleaned up: wipe YES, bump YES: 'nbv wipe --all --bump'`);
  }
  if (report.uncommitted && out.length === 0) add('commit', null, null, 'nbv commit -m MSG', `'nbv commit -m MSG' records the working file`);
  if (report.stale.length > 0 && !out.some((d) => d.command?.startsWith('nbv wipe --stale'))) {
    out.push({ row: 'stale', wipe: 'no', bump: null, command: 'nbv plan', text: `${report.stale.length === 1 ? '1 cache no longer matches its node' : `${report.stale.length} caches no longer match their node`}: the runner regenerates ${report.stale.length === 1 ? 'it' : 'them'} ('nbv plan'), or 'nbv wipe --stale' clears them now` });
  }
  if (report.backups.missing.length + report.backups.altered.length > 0) {
    add('backups-drift', null, null, 'nbv backups sync', `backups/ differs from history: 'nbv backups sync' rebuilds it`);
  }
  return dedupe(out);
}

function dedupe(decisions: Decision[]): Decision[] {
  const seen = new Set<string>();
  return decisions.filter((d) => (seen.has(d.text) ? false : (seen.add(d.text), true)));
}

function lastRunAge(ctx: AdviceContext): { days: number; date: string } | null {
  if (!ctx.cache || !ctx.now) return null;
  const times = ctx.cache.nodes.map((n) => n.provenance?.time).filter((t): t is string => typeof t === 'string');
  if (times.length === 0) return null;
  // The newest cache decides: a project whose latest run is a month old is last month's project.
  const newest = times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
  const days = Math.floor((Date.parse(ctx.now) - Date.parse(newest)) / 86_400_000);
  return days > OLD_CACHE_DAYS ? { days, date: newest.slice(0, 10) } : null;
}
