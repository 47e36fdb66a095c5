// The seed's daily work through the real binary: the rows of its two decision tables and its
// recovery paths, each checked on disk, in the log, and in the backups/ view.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogItem } from '../../src/index.js';
import { git, initializedSampleFile, nbv, nbvJson, nbvOk, removeDir, snapshot } from '../helpers/cli.js';
import { expectedWipe, replaceAll, withPromptPrefix } from '../helpers/nbflowText.js';

const V3 = 'XYZG3-V0-3.nbflow';
const V4 = 'XYZG3-V0-4.nbflow';
const PRE_WIPE = 'backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe';
const AVATAR_V2 = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/avatars/jane-v2.png';
const AVATAR_V3 = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/avatars/jane-v3.png';
const CACHE_FIELDS = ['_savedImages', '_savedClips'];


const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** The sample's working file alone (no hand-made backups/), tracked. */
function project(): string {
  const dir = initializedSampleFile();
  dirs.push(dir);
  nbvOk(dir, ['track', V3]);
  return dir;
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));
const readText = (dir: string, file: string) => read(dir, file).toString('utf8');
const write = (dir: string, file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const log = (dir: string, ...args: string[]) => nbvJson<LogItem[]>(dir, ['log', ...args]);
const sceneNodes = (...scenes: string[]) => scenes.flatMap((s) => [`img-s${s}`, `vid-s${s}`]);
const allGenerationNodes = () => Array.from({ length: 20 }, (_, i) => sceneNodes(String(i + 1).padStart(2, '0'))).flat();

function expectStoreHealthy(dir: string): void {
  expect(nbv(dir, ['verify']).status).toBe(0);
  expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);
  const check = nbv(dir, ['backups', 'check']);
  expect(check.status, check.stdout).toBe(0);
}

describe('scenario 1: wipe everything in XYZG3-V0-3 and regenerate', () => {
  it('is one command; the pre-wipe state is in backups/ and one restore brings it back exactly', () => {
    const dir = project();
    const original = read(dir, V3);
    const out = nbvOk(dir, ['wipe', '--all']);
    expect(out).toContain('Wiped 20 image nodes and 20 video nodes across 5 account tabs');
    expect(out).toContain(PRE_WIPE);

    const wiped = readText(dir, V3);
    const targets = allGenerationNodes().flatMap((id) => CACHE_FIELDS.map((f) => [id, f] as [string, string]));
    expect(wiped).toBe(expectedWipe(original.toString('utf8'), targets));
    expect(read(dir, PRE_WIPE).equals(original)).toBe(true);
    expect(log(dir)[0]).toMatchObject({ op: 'wipe', version: 'V0-3', backups: [PRE_WIPE] });

    nbvOk(dir, ['restore', PRE_WIPE]);
    expect(read(dir, V3).equals(original)).toBe(true);
    expect(log(dir)[0]).toMatchObject({ op: 'restore', version: 'V0-3', file: V3 });
    expectStoreHealthy(dir);
  });
});

describe('scenario 2: wipe only Scenes 03 and 05', () => {
  it("leaves every other node's cache untouched, byte for byte", () => {
    const dir = project();
    const original = readText(dir, V3);
    const out = nbvOk(dir, ['wipe', '--scene', '03', '--scene', '5']);
    expect(out).toContain('Wiped 2 image nodes and 2 video nodes across 2 account tabs');
    const targets = sceneNodes('03', '05').flatMap((id) => CACHE_FIELDS.map((f) => [id, f] as [string, string]));
    expect(readText(dir, V3)).toBe(expectedWipe(original, targets));
    expect(log(dir)[0]!.nodes).toEqual(sceneNodes('03', '05'));
  });

  it('narrows by tab and kind, and a dry run changes nothing', () => {
    const dir = project();
    const before = snapshot(dir);
    const dry = nbvJson<{ recorded: boolean; selected: string[] }>(dir, ['wipe', '--tab', 'acct-2', '--kind', 'video', '--dry-run']);
    expect(dry.recorded).toBe(false);
    expect(dry.selected).toEqual(['vid-s05', 'vid-s06', 'vid-s07', 'vid-s08']);
    expect(snapshot(dir)).toEqual(before);
    nbvOk(dir, ['wipe', '--tab', 'acct-2', '--kind', 'video']);
    expect(log(dir)[0]!.nodes).toEqual(['vid-s05', 'vid-s06', 'vid-s07', 'vid-s08']);
  });

  it('a wipe of nodes already empty says so and records nothing', () => {
    const dir = project();
    nbvOk(dir, ['wipe', '--scene', '03']);
    const before = snapshot(dir);
    const again = nbv(dir, ['wipe', '--scene', '03']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Nothing to wipe');
    // The one file written is the note that this command ran, for the 'undo' after it (docs/undo.md).
    const after = snapshot(dir);
    expect(after.has('.nbv/nbv-noops.json')).toBe(true);
    after.delete('.nbv/nbv-noops.json');
    expect(after).toEqual(before);
  });
});

describe('scenario 6: restore from backup', () => {
  it('brings back the original cache intact, with no version bump', () => {
    const dir = project();
    const original = read(dir, V3);
    nbvOk(dir, ['wipe', '--scene', '03']);
    nbvOk(dir, ['wipe', '--all', '-m', 'second thoughts']);
    // Two wipes on one day: the second backup gets its own name, the first is not overwritten.
    const backups = log(dir, '--op', 'wipe').map((e) => e.backups[0]);
    expect(backups).toEqual([`${PRE_WIPE}-2`, PRE_WIPE]);
    expect(read(dir, PRE_WIPE).equals(original)).toBe(true);

    nbvOk(dir, ['restore', PRE_WIPE]);
    expect(read(dir, V3).equals(original)).toBe(true);
    const head = log(dir)[0]!;
    expect(head).toMatchObject({ op: 'restore', version: 'V0-3', file: V3 });
    expect(fs.existsSync(path.join(dir, V4))).toBe(false);
    expectStoreHealthy(dir);
  });

  it('restores only chosen nodes\' cache from a REF ("I wiped Scene 03 by mistake")', () => {
    const dir = project();
    const original = readText(dir, V3);
    nbvOk(dir, ['wipe', '--scene', '03', '--scene', '04']);
    nbvOk(dir, ['restore', PRE_WIPE, '--scene', '03']);
    const targets = sceneNodes('04').flatMap((id) => CACHE_FIELDS.map((f) => [id, f] as [string, string]));
    expect(readText(dir, V3)).toBe(expectedWipe(original, targets));
    expect(log(dir)[0]).toMatchObject({ op: 'restore', nodes: sceneNodes('03') });
  });
});

describe('the seed\'s table "Cache wipe vs. version bump"', () => {
  it('edited a single scene\'s prompt: no wipe, bump', () => {
    const dir = project();
    const original = read(dir, V3);
    write(dir, V3, withPromptPrefix(original.toString('utf8'), 'img-s03', 'Golden hour. '));
    const edited = read(dir, V3);
    const status = nbvJson<{ uncommitted: boolean; advice: string[] }>(dir, ['status']);
    expect(status.uncommitted).toBe(true);
    expect(status.advice.join('\n')).toMatch(/wipe NO.*bump YES/);

    const out = nbvOk(dir, ['bump', '-m', 'Scene 03 golden hour']);
    expect(out).toContain('V0-3 -> V0-4');
    expect(fs.existsSync(path.join(dir, V3))).toBe(false);
    expect(read(dir, V4).equals(edited)).toBe(true); // the edit and every cache go into V0-4
    expect(read(dir, 'backups/XYZG3-V0-3.nbflow').equals(original)).toBe(true); // V0-3 as recorded
    expect(log(dir)[0]).toMatchObject({ op: 'bump', version: 'V0-4', file: V4, nodes: ['img-s03'] });
    expect(git(path.join(dir, '.nbv'), ['tag', '-l']).stdout.split('\n').filter(Boolean)).toEqual(['XYZG3/V0-3', 'XYZG3/V0-4']);
    expectStoreHealthy(dir);
  });

  it('wiped cache to start fresh: wipe and bump in one step (a clean run)', () => {
    const dir = project();
    const original = read(dir, V3);
    const out = nbvOk(dir, ['wipe', '--all', '--bump']);
    expect(out).toContain('Bumped V0-3 -> V0-4');
    expect(read(dir, 'backups/XYZG3-V0-3.nbflow').equals(original)).toBe(true); // V0-3 keeps its cache
    expect(read(dir, 'backups/XYZG3-V0-4.nbflow.bak-2026-05-12-pre-cache-wipe').equals(original)).toBe(true);
    expect(log(dir).slice(0, 2).map((e) => [e.op, e.version])).toEqual([['wipe', 'V0-4'], ['bump', 'V0-4']]);
    expect(nbvJson<{ nodes: unknown[] }>(dir, ['diff', 'V0-3', 'V0-4']).nodes).toHaveLength(40);
    expectStoreHealthy(dir);
  });

  it('restored from backup: no wipe, no bump', () => {
    const dir = project();
    nbvOk(dir, ['bump']);
    nbvOk(dir, ['wipe', '--all']);
    nbvOk(dir, ['restore', 'backups/XYZG3-V0-3.nbflow']);
    expect(log(dir)[0]).toMatchObject({ op: 'restore', version: 'V0-4', file: V4 });
    expect(read(dir, V4).equals(read(dir, 'backups/XYZG3-V0-3.nbflow'))).toBe(true);
  });

  it('avatar reference URL update and re-run: wipe the nodes made with the old URL, and bump', () => {
    const dir = project();
    write(dir, V3, replaceAll(readText(dir, V3), AVATAR_V2, AVATAR_V3));
    const status = nbvJson<{ advice: string[]; changes: Array<{ node: string }> }>(dir, ['status']);
    const advice = status.advice.join('\n');
    expect(advice).toMatch(/reference URL changed: wipe YES.*bump YES/);
    const command = /'nbv (wipe [^']*--bump)'/.exec(advice)![1]!.split(' ');
    nbvOk(dir, command); // the recovery is one command, as the advice says
    const entries = log(dir);
    // The URL change goes into V0-4 with the bump; V0-3 stays as recorded, old URL and its cache.
    expect(entries.map((e) => [e.op, e.version])).toEqual([['wipe', 'V0-4'], ['bump', 'V0-4'], ['track', 'V0-3']]);
    const wipedNodes = entries[0]!.nodes;
    // Every image node was made with the old avatar; downstream videos may be included too.
    const images = allGenerationNodes().filter((id) => id.startsWith('img-'));
    expect(wipedNodes).toEqual(expect.arrayContaining(images));
    expect(readText(dir, V4)).toContain(AVATAR_V3);
    expect(readText(dir, 'backups/XYZG3-V0-3.nbflow')).toContain(AVATAR_V2);
  });
});

describe('the seed\'s table "When you need to wipe cache"', () => {
  it('model identifier changed (NB1 -> NB2): advice is wipe those nodes and bump', () => {
    const dir = project();
    write(dir, V3, readText(dir, V3).replace(/"model": "NB1"/g, '"model": "NB2"'));
    const status = nbvJson<{ advice: string[]; changes: Array<{ node: string; changes: Array<{ kind: string }> }> }>(dir, ['status']);
    expect(status.changes.length).toBeGreaterThan(0);
    expect(status.changes.every((n) => n.changes.some((c) => c.kind === 'model-changed'))).toBe(true);
    expect(status.advice.join('\n')).toMatch(/model changed: wipe YES.*bump YES/);
  });

  it('suspect cache corruption: wipe one node; undo brings it back; undo again walks further back', () => {
    const dir = project();
    const original = read(dir, V3);
    write(dir, V3, withPromptPrefix(original.toString('utf8'), 'vid-s07', 'Handheld. '));
    nbvOk(dir, ['commit', '-m', 'handheld']);
    const edited = read(dir, V3);
    nbvOk(dir, ['wipe', '--node', 'vid-s07', '-m', 'looks corrupted']);
    expect(read(dir, V3).equals(edited)).toBe(false);

    const first = nbvOk(dir, ['undo']);
    expect(first).toContain('Undid wipe');
    expect(read(dir, V3).equals(edited)).toBe(true);
    nbvOk(dir, ['undo']);
    expect(read(dir, V3).equals(original)).toBe(true);
    expect(log(dir).slice(0, 4).map((e) => e.op)).toEqual(['undo', 'undo', 'wipe', 'commit']);
    const again = nbv(dir, ['undo']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('nothing to undo');
    expectStoreHealthy(dir);
  });

  it('undo of a bump renames the file back; the next bump takes the undone number again (issue 15)', () => {
    const dir = project();
    nbvOk(dir, ['bump']);
    nbvOk(dir, ['undo']);
    expect(fs.existsSync(path.join(dir, V3))).toBe(true);
    expect(fs.existsSync(path.join(dir, V4))).toBe(false);
    expect(log(dir)[0]).toMatchObject({ op: 'undo', version: 'V0-3', file: V3 });
    nbvOk(dir, ['bump']);
    expect(log(dir)[0]).toMatchObject({ op: 'bump', version: 'V0-4', file: V4 });
    expect(nbv(dir, ['verify']).status).toBe(0);
  });
});

describe('backups/ is a view of history', () => {
  it('check finds missing, altered and unknown files; sync rebuilds them and keeps edited bytes', () => {
    const dir = project();
    nbvOk(dir, ['wipe', '--scene', '01']);
    nbvOk(dir, ['bump']);
    const preWipe = read(dir, PRE_WIPE);
    const superseded = read(dir, 'backups/XYZG3-V0-3.nbflow');
    fs.rmSync(path.join(dir, PRE_WIPE));
    fs.appendFileSync(path.join(dir, 'backups/XYZG3-V0-3.nbflow'), ' ');
    fs.writeFileSync(path.join(dir, 'backups/my-notes.txt'), 'keep me');

    const check = nbv(dir, ['backups', 'check', '--json']);
    expect(check.status).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report.missing.map((f: { path: string }) => f.path)).toEqual([PRE_WIPE]);
    expect(report.altered.map((f: { path: string }) => f.path)).toEqual(['backups/XYZG3-V0-3.nbflow']);
    expect(report.unknown).toEqual(['backups/my-notes.txt']);

    const sync = nbvJson<{ written: string[]; displaced: Array<{ keptAt: string }> }>(dir, ['backups', 'sync']);
    expect(sync.written.sort()).toEqual(['backups/XYZG3-V0-3.nbflow', PRE_WIPE].sort());
    expect(read(dir, PRE_WIPE).equals(preWipe)).toBe(true);
    expect(read(dir, 'backups/XYZG3-V0-3.nbflow').equals(superseded)).toBe(true);
    expect(fs.readFileSync(sync.displaced[0]!.keptAt).equals(Buffer.concat([superseded, Buffer.from(' ')]))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'backups/my-notes.txt'), 'utf8')).toBe('keep me');
    const after = nbv(dir, ['backups', 'check', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ missing: [], altered: [], unknown: ['backups/my-notes.txt'] });
  });
});
