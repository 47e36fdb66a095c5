// One advice, right for every row of the seed's two tables and for every path that leads there
// (issue 15 item 6): each case checks the row, its wipe and bump words, its command, and that no
// two decisions contradict each other on bumping.
import { describe, expect, it } from 'vitest';
import { decide, type AdviceContext, type AdviceInput, type Decision } from '../../src/history/advice.js';
import type { CacheReport, CacheState } from '../../src/history/stale.js';

const NOW = '2026-05-12T10:15:00+02:00';
const FILE = 'XYZG3-V0-4.nbflow';
type Change = AdviceInput['changes'][number];
const change = (node: string, ...kinds: string[]): Change => ({ node, tab: 'acct-1', title: 'Scene 03', kind: 'image', changes: kinds.map((kind) => ({ kind })) }) as Change;
const staleNode = (node: string, ...codes: string[]) => ({ node, tab: 'acct-1', kind: 'image' as const, reasons: codes.map((code) => ({ code, detail: code })) }) as AdviceInput['stale'][number];
const state = (node: string, o: Partial<CacheState> = {}): CacheState => ({
  node, tab: 'acct-1', title: undefined, kind: 'image', model: 'NB2', hasCache: true, reasons: [], reroll: null,
  provenance: { record: { fingerprint: '0'.repeat(64) }, origin: 'c'.repeat(40), time: '2026-05-10T10:00:00+02:00', version: 'V0-3' },
  ...o,
});
const cache = (nodes: CacheState[]) => ({ nodes }) as CacheReport;
const report = (o: Partial<AdviceInput> = {}): AdviceInput => ({
  file: FILE, version: 'V0-4', uncommitted: false, missing: false, changes: [], stale: [], backups: { ok: true, missing: [], altered: [], unknown: [] }, ...o,
});
const head = (op: string, o: Partial<NonNullable<AdviceContext['head']>> = {}) => ({ head: { op, version: 'V0-4', time: NOW, ...o } });
const wiped = cache([state('img-s03', { hasCache: false, provenance: null }), state('vid-s03', { hasCache: false, provenance: null })]);
const staleRef = [staleNode('img-s03', 'reference-url-changed'), staleNode('vid-s03', 'upstream-stale')];

function bumpWords(decisions: Decision[]): Set<string> {
  return new Set(decisions.map((d) => d.bump).filter((b): b is 'yes' | 'no' => b !== null));
}

describe('advice: one answer per path (issue 15 item 6)', () => {
  it.each([
    // [path, status, context, expected row, wipe, bump, command]
    ['wipe --all --bump, then status: the bump is done', report(), { ...head('wipe', { bumped: true }), cache: wiped }, null, null, null, null],
    ['wipe --all without --bump: a fresh run wants its bump', report(), { ...head('wipe'), cache: wiped }, 'fresh-run', 'yes', 'yes', 'nbv bump -m MSG'],
    ['wipe --stale --bump, then status: nothing stale, nothing to bump', report(), { ...head('wipe', { bumped: true }), cache: cache([state('img-s03', { hasCache: false, provenance: null }), state('img-s05')]) }, null, null, null, null],
    ['path A: avatar URL changed in place: wipe the stale, bump', report({ version: 'V0-3', uncommitted: true, changes: [change('img-s03', 'reference-changed')], stale: staleRef }), head('commit', { version: 'V0-3' }), 'avatar-url-changed', 'yes', 'yes', 'nbv wipe --stale --bump'],
    ['path B: bump, then the avatar URL changed: wipe, no second bump', report({ uncommitted: true, changes: [change('img-s03', 'reference-changed')], stale: staleRef }), head('bump'), 'avatar-url-changed', 'yes', 'no', 'nbv wipe --stale'],
    ['path B committed: the caches were made in V0-3, the change is in V0-4', report({ stale: staleRef }), { ...head('commit'), cache: cache([state('img-s03', { reasons: [{ code: 'reference-url-changed', detail: '' }] })]) }, 'avatar-url-changed', 'yes', 'no', 'nbv wipe --stale'],
    ['model changed after a bump: wipe, no second bump', report({ uncommitted: true, changes: [change('img-s03', 'model-changed')], stale: [staleNode('img-s03', 'model-changed')] }), head('bump'), 'model-changed', 'yes', 'no', 'nbv wipe --stale'],
    ['prompt edited: bump', report({ uncommitted: true, changes: [change('img-s03', 'prompt-edited')], stale: [staleNode('img-s03', 'prompt-changed')] }), head('commit'), 'prompt-edited', 'no', 'yes', 'nbv bump -m MSG'],
    ['prompt edited right after a bump: commit it into the new version', report({ uncommitted: true, changes: [change('img-s03', 'prompt-edited')], stale: [staleNode('img-s03', 'prompt-changed')] }), head('bump'), 'prompt-edited', 'no', 'no', 'nbv commit'],
    ['partial restore of an older cache whose URL differs: the restore row alone', report({ stale: staleRef }), head('restore', { ref: 'abc1234' }), 'restored', 'yes', 'no', 'nbv wipe --stale'],
    ['whole restore, caches match', report(), head('restore', { ref: 'abc1234' }), 'restored', 'no', 'no', null],
    ['the next version saved by hand', report({ missing: true, handBump: { file: 'XYZG3-V0-5.nbflow', version: 'V0-5' } }), head('commit'), 'hand-bump', null, 'yes', 'nbv commit'],
    ['the working file is gone', report({ missing: true }), head('commit'), 'missing', null, null, 'nbv restore HEAD'],
    ['edits saved into a retired file', report({ retired: [{ file: 'XYZG3-V0-3.nbflow', version: 'V0-3', changes: [change('img-s03', 'prompt-edited')] }] }), head('bump'), 'retired-edit', null, null, 'nbv commit'],
  ] as const)('%s', (_path, r, ctx, expected, wipe, bump, command) => {
    const decisions = decide(r, { now: NOW, ...ctx } as AdviceContext);
    expect(bumpWords(decisions).size).toBeLessThanOrEqual(1);
    if (expected === null) {
      expect(decisions.filter((d) => d.bump === 'yes')).toEqual([]);
      return;
    }
    expect(decisions.find((d) => d.row === expected)).toMatchObject({ wipe, bump, command });
    if (expected === 'hand-bump') expect(decisions.some((d) => d.row === 'missing')).toBe(false);
    if (expected === 'restored') expect(decisions.some((d) => d.row === 'avatar-url-changed')).toBe(false);
  });
});
