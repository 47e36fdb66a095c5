// Staleness through the library API on the bundled sample: the seed's scenarios 3, 4 and 5,
// provenance across commit, bump, wipe, restore, undo and import, re-rolls and the plan.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bump,
  commit,
  initProject,
  openProject,
  plan,
  reroll,
  restore,
  status,
  track,
  undo,
  wipe,
  type Project,
  type StatusReport,
} from '../../src/index.js';
import { readEntry, walkEntries } from '../../src/history/history.js';
import { decide, type AdviceContext, type Decision } from '../../src/history/advice.js';
import { analyzeCaches, type CacheReport, type CacheState } from '../../src/history/stale.js';
import { SAMPLE_DIR, git, removeDir, tempDir, TEST_ENV } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const V2 = 'avatars/jane-v2.png';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function sampleProject(withBackups = false): Promise<{ dir: string; project: Project; file: string }> {
  const dir = tempDir('nbv-stale-');
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
  if (withBackups) fs.cpSync(path.join(SAMPLE_DIR, 'backups'), path.join(dir, 'backups'), { recursive: true });
  const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
  await track(project, { file: path.join(dir, FILE) });
  return { dir, project, file: path.join(dir, FILE) };
}

const read = (file: string) => fs.readFileSync(file, 'utf8');
const edit = (file: string, change: (text: string) => string) => fs.writeFileSync(file, change(read(file)));

/** Where a node's object starts in the text and where the next generation node starts. */
function nodeSpan(text: string, id: string): [number, number] {
  const start = text.indexOf(`"id": "${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  const next = text.slice(start + 1).search(/"id": "(img|vid|note|style|avatar)-/);
  return [start, next < 0 ? text.length : start + 1 + next];
}

function inNode(text: string, id: string, from: string, to: string): string {
  const [start, end] = nodeSpan(text, id);
  const at = text.indexOf(from, start);
  expect(at > -1 && at < end, `${from} in ${id}`).toBe(true);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const prefixPrompt = (id: string, prefix: string) => (text: string) => inNode(text, id, '"prompt": "', `"prompt": "${prefix}`);

/** A runner pass over one node: its cache array now holds one new output. */
const regenerate = (id: string, field = id.startsWith('img') ? '_savedImages' : '_savedClips') => (text: string) => {
  const [start] = nodeSpan(text, id);
  const open = text.indexOf(`"${field}": [`, start) + `"${field}": `.length;
  let depth = 0;
  let close = open;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    if (c === '[' || c === '{') depth++;
    if (c === ']' || c === '}') depth--;
    if (depth === 0) {
      close = i + 1;
      break;
    }
  }
  return `${text.slice(0, open)}["https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/out/XYZG3/${id}/regen-${Math.random().toString(16).slice(2, 10)}.png"]${text.slice(close)}`;
};

async function report(project: Project): Promise<StatusReport> {
  return (await status(project))[0]!;
}

const staleIds = (r: StatusReport) => r.stale.map((s) => s.node);
const codes = (r: StatusReport, id: string) => r.stale.find((s) => s.node === id)?.reasons.map((x) => x.code) ?? [];

describe('provenance in op.json', () => {
  it('is recorded at track for every cached node, compactly, and a tracked sample is fresh', async () => {
    const { project } = await sampleProject();
    const head = (await analyzeCaches(project)).head;
    const provenance = head.op.provenance!;
    expect(Object.keys(provenance)).toHaveLength(40);
    expect(provenance['img-s03']!.inputs?.['model']).toBe('NB2');
    expect(JSON.stringify(provenance).length).toBeLessThan(20_000);
    const r = await report(project);
    expect(r.stale).toEqual([]);
    expect(git(project.gitdir, ['fsck', '--strict']).status).toBe(0);
  });
});

describe("the seed's scenarios", () => {
  it('3: a prompt edit flags only that node and its video, committed or not; a run clears it', async () => {
    const { project, file } = await sampleProject();
    edit(file, prefixPrompt('img-s03', 'Close-up, rain on the window. '));
    let r = await report(project);
    expect(staleIds(r)).toEqual(['img-s03', 'vid-s03']);
    const reason = r.stale[0]!.reasons[0]!;
    expect(reason.code).toBe('prompt-changed');
    expect(reason.detail).toContain('Close-up, rain on the window.');
    expect(codes(r, 'vid-s03')).toEqual(['upstream-stale']);
    expect(r.decisions.map((d) => [d.row, d.wipe, d.bump])).toContainEqual(['prompt-edited', 'no', 'yes']);

    await commit(project, { message: 'rain' });
    r = await report(project);
    expect(staleIds(r)).toEqual(['img-s03', 'vid-s03']);

    edit(file, regenerate('img-s03'));
    r = await report(project);
    expect(staleIds(r)).toEqual(['vid-s03']);
    expect(r.stale[0]!.reasons.map((x) => [x.code, (x as { node?: string }).node])).toEqual([['upstream-regenerated', 'img-s03']]);
    await commit(project, { message: 'runner pass: img-s03' });
    edit(file, regenerate('vid-s03'));
    await commit(project, { message: 'runner pass: vid-s03' });
    expect((await report(project)).stale).toEqual([]);
  });

  it('4: an avatar URL change flags every node made with the old URL; wipe --stale --bump recovers', async () => {
    const { project, file } = await sampleProject();
    edit(file, (t) => t.split(V2).join('avatars/jane-v3.png'));
    const r = await report(project);
    const images = r.stale.filter((s) => s.kind === 'image');
    expect(images).toHaveLength(20);
    for (const s of images) expect(s.reasons.map((x) => x.code)).toContain('reference-url-changed');
    expect(r.stale.filter((s) => s.kind === 'video').every((s) => s.reasons.some((x) => x.code === 'upstream-stale'))).toBe(true);
    const first = images[0]!.reasons.find((x) => x.code === 'reference-url-changed')!;
    expect([first.before, first.after].map((u) => String(u).slice(-11))).toEqual(['jane-v2.png', 'jane-v3.png']);
    expect(r.decisions.find((d) => d.row === 'avatar-url-changed')?.command).toBe('nbv wipe --stale --bump');

    const wiped = await wipe(project, { selector: {}, stale: true, bump: true });
    expect(wiped.bump?.to.version).toBe('V0-4');
    expect(wiped.selected.map((n) => n.id).sort()).toEqual(r.stale.map((s) => s.node).sort());
    const after = await report(project);
    expect(after.stale).toEqual([]);
    expect(after.version).toBe('V0-4');
  });

  it('5: NB1 -> NB2 flags exactly the caches made with NB1 (and their videos)', async () => {
    const { project, file } = await sampleProject();
    const nb1 = (await analyzeCaches(project)).nodes.filter((n) => n.model === 'NB1').map((n) => n.node);
    expect(nb1.length).toBeGreaterThan(0);
    edit(file, (t) => t.split('"model": "NB1"').join('"model": "NB2"'));
    const r = await report(project);
    const images = r.stale.filter((s) => s.kind === 'image');
    expect(images.map((s) => s.node)).toEqual(nb1);
    for (const s of images) expect(s.reasons).toEqual([expect.objectContaining({ code: 'model-changed', detail: 'model NB1 -> NB2' })]);
    expect(r.stale.filter((s) => s.kind === 'video').map((s) => s.node)).toEqual(nb1.map((id) => id.replace('img', 'vid')));
  });

  it('6: a whole restore brings back the cache and its provenance: fresh', async () => {
    const { project, file } = await sampleProject();
    const fresh = (await analyzeCaches(project)).head.commit;
    edit(file, (t) => regenerate('img-s03')(prefixPrompt('img-s03', 'New take. ')(t)));
    await commit(project, { message: 'new take, re-run' });
    expect((await report(project)).stale.map((s) => s.node)).toEqual(['vid-s03']);
    await restore(project, { ref: fresh });
    const r = await report(project);
    expect(r.stale).toEqual([]);
    expect(r.decisions.map((d) => d.row)).toContain('restored');
    const head = (await analyzeCaches(project)).head;
    // Restored records name the op.json that holds them whole instead of copying it.
    expect(head.op.provenance?.['img-s03']).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), from: fresh });
    const opJson = git(project.gitdir, ['cat-file', 'blob', `${head.commit}:op.json`]).stdout;
    expect(opJson.split('\n')).toEqual([expect.stringMatching(/^\{"format":"nbv-op\/1",/), '']);
  });
});

describe('provenance across operations', () => {
  it('a bump keeps stale caches stale; a restored stale state is stale again', async () => {
    const { project, file } = await sampleProject();
    edit(file, prefixPrompt('img-s05', 'Dusk. '));
    await bump(project, { message: 'dusk' });
    const staleState = await analyzeCaches(project);
    expect(staleState.nodes.filter((n) => n.reasons.length).map((n) => n.node)).toEqual(['img-s05', 'vid-s05']);
    await wipe(project, { selector: { scenes: ['05'] } });
    await restore(project, { ref: staleState.head.commit });
    expect(staleIds(await report(project))).toEqual(['img-s05', 'vid-s05']);
  });

  it("a partial restore of an old cache keeps that cache's old provenance", async () => {
    const { project, file } = await sampleProject();
    const original = (await analyzeCaches(project)).head.commit;
    edit(file, (t) => regenerate('vid-s03')(regenerate('img-s03')(prefixPrompt('img-s03', 'Night. ')(t))));
    await commit(project, { message: 'night, re-run' });
    expect((await report(project)).stale).toEqual([]);
    await restore(project, { ref: original, selector: { nodes: ['img-s03'] } });
    const r = await report(project);
    expect(codes(r, 'img-s03')).toEqual(['prompt-changed']);
    // The reference is read through to the record it names: the prompt it was made under is known.
    expect(r.stale.find((s) => s.node === 'img-s03')!.reasons[0]).toEqual(expect.objectContaining({ before: expect.stringMatching(/./) }));
    expect(codes(r, 'vid-s03')).toContain('upstream-regenerated');
  });

  it('undo of a wipe brings the caches back fresh; the wiped image makes its video stale meanwhile', async () => {
    const { project } = await sampleProject();
    await wipe(project, { selector: { nodes: ['img-s03'] } });
    const r = await report(project);
    expect(r.stale.map((s) => [s.node, s.reasons.map((x) => x.code)])).toEqual([['vid-s03', ['upstream-wiped']]]);
    await undo(project, {});
    expect((await report(project)).stale).toEqual([]);
  });

  it('an imported backups/ history is fresh at its head and at each restored version', async () => {
    const { project } = await sampleProject(true);
    const entries = [];
    for await (const e of walkEntries(project, (await analyzeCaches(project)).head.commit)) entries.push(e);
    expect(entries.filter((e) => e.op.op === 'import').every((e) => e.op.provenance !== undefined)).toBe(true);
    expect((await report(project)).stale).toEqual([]);
    await restore(project, { ref: 'V0-1' });
    const r = await report(project);
    expect(r.stale).toEqual([]);
    expect((await analyzeCaches(project)).nodes.find((n) => n.node === 'img-s03')?.model).toBe('NB1');
  });

  it('a store written before provenance: a cache counts as made under the inputs of the commit that filled it', async () => {
    const { project, file } = await sampleProject();
    const head = (await analyzeCaches(project)).head;
    const op = { ...head.op };
    delete op.provenance;
    const { store } = project;
    const tree = await store.readTree(head.stored.tree);
    tree['op.json'] = await store.writeBlob(new TextEncoder().encode(JSON.stringify(op, null, 2) + '\n'));
    const legacy = await store.writeCommit({ tree: await store.writeTree(tree), parents: [], message: 'legacy\n', author: head.stored.author });
    await store.updateRef('refs/heads/XYZG3', legacy, head.commit);
    const reopened = await openProject(project.root, project.context);
    expect((await readEntry(reopened, legacy)).op.provenance).toBeUndefined();
    expect((await report(reopened)).stale).toEqual([]);
    edit(file, (t) => inNode(t, 'img-s04', '"model": "NB1"', '"model": "NB2"'));
    expect(codes(await report(reopened), 'img-s04')).toEqual(['model-changed']);
  });

  it('a malformed cache is stale (cache-malformed) and wipe --stale clears it', async () => {
    const { project, file } = await sampleProject();
    edit(file, (t) => {
      const [start] = nodeSpan(t, 'img-s10');
      return t.slice(0, start) + t.slice(start).replace('"_savedImages": [', '"_savedImages": [42, ');
    });
    await commit(project, { message: 'hand edit' });
    const r = await report(project);
    expect(codes(r, 'img-s10')).toContain('cache-malformed');
    expect(r.decisions.map((d) => d.row)).toContain('cache-corrupt');
    const result = await wipe(project, { selector: {}, stale: true });
    expect(result.selected.map((n) => n.id)).toEqual(['img-s10', 'vid-s10']);
  });
});

describe('the origin cache', () => {
  it("quotes a stale cache's old prompt from the state it was made under, read once and then kept", async () => {
    const { project, file } = await sampleProject();
    const origin = (await analyzeCaches(project)).head;
    edit(file, prefixPrompt('img-s03', 'Rain. '));
    await commit(project, { message: 'rain' });
    const reasonOf = (r: CacheReport) => r.nodes.find((n) => n.node === 'img-s03')!.reasons.find((x) => x.code === 'prompt-changed')!;
    const reopened = () => openProject(project.root, project.context);
    const first = await reopened();
    const readBlob = vi.spyOn(first.store, 'readBlob');
    const r1 = reasonOf(await analyzeCaches(first));
    expect(r1.before).toMatch(/^(?!Rain\. )/);
    expect(r1.detail).toMatch(/^prompt: ".*" -> "Rain\. /);
    // The first analysis read the origin's state to quote it; the next one does not.
    expect(readBlob.mock.calls.some(([oid]) => oid === origin.fileBlob)).toBe(true);
    const second = await reopened();
    const readAgain = vi.spyOn(second.store, 'readBlob');
    expect(reasonOf(await analyzeCaches(second))).toEqual(r1);
    expect(readAgain.mock.calls.some(([oid]) => oid === origin.fileBlob)).toBe(false);
    // A damaged cache is no cache: the state is read again and the answer is the same.
    fs.writeFileSync(path.join(project.gitdir, 'nbv-origin-cache.json'), '{"format":"nbv-derived/1","kind":"origin-inputs","workflows":{"[\\"XYZG3\\",');
    const third = await reopened();
    const readThird = vi.spyOn(third.store, 'readBlob');
    expect(reasonOf(await analyzeCaches(third))).toEqual(r1);
    expect(readThird.mock.calls.some(([oid]) => oid === origin.fileBlob)).toBe(true);
  });
});

describe('the lookup cache', () => {
  it('gives the answer of a full walk, lets the next walk stop at the cached head, and survives damage', async () => {
    const { project, file } = await sampleProject();
    for (const id of ['img-s01', 'vid-s02', 'img-s04']) {
      edit(file, regenerate(id));
      await commit(project, { message: `runner pass: ${id}` });
    }
    await reroll(project, { selector: { nodes: ['img-s05'] } });
    const summary = (r: Awaited<ReturnType<typeof analyzeCaches>>) => r.nodes.map((n) => [n.node, n.reasons.map((x) => x.code), n.reroll?.commit ?? null, n.provenance?.origin ?? null]);
    const first = await analyzeCaches(project);
    const cacheFile = path.join(project.gitdir, 'nbv-stale-cache.json');
    expect(fs.existsSync(cacheFile)).toBe(true);

    edit(file, prefixPrompt('img-s07', 'Low sun. '));
    await commit(project, { message: 'low sun' });
    const reopened = () => openProject(project.root, project.context);
    const cachedRun = await analyzeCaches(await reopened());
    expect(cachedRun.walked).toBe(1);
    fs.rmSync(cacheFile);
    const fullRun = await analyzeCaches(await reopened());
    expect(fullRun.walked).toBeGreaterThan(1);
    expect(summary(cachedRun)).toEqual(summary(fullRun));
    expect(summary(cachedRun).find((n) => n[0] === 'img-s05')?.[2]).toBe(first.nodes.find((n) => n.node === 'img-s05')?.reroll?.commit);
    expect(summary(cachedRun).filter((n) => (n[1] as string[]).length > 0).map((n) => n[0])).toEqual(['vid-s01', 'vid-s04', 'img-s07', 'vid-s07']);

    fs.writeFileSync(cacheFile, '{"format":"nbv-stale-cache/1","workflows":{"XYZG3":{"head":"nonsense');
    expect(summary(await analyzeCaches(await reopened()))).toEqual(summary(fullRun));

    // A well-formed file whose data breaks the rules is no cache either: the walk goes on.
    const good = await analyzeCaches(await reopened());
    expect(good.walked).toBe(0);
    const written = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { workflows: { XYZG3: { data: { found: Record<string, Record<string, unknown>> } } } };
    const found = written.workflows.XYZG3.data.found;
    for (const damage of [
      (f: Record<string, unknown>) => ((f['record'] as Record<string, unknown>)['fingerprint'] = 'F'.repeat(64)),
      (f: Record<string, unknown>) => (f['origin'] = 7),
      (f: Record<string, unknown>) => (f['extra'] = true),
      (f: Record<string, unknown>) => delete f['time'],
    ]) {
      const copy = structuredClone(written);
      damage(copy.workflows.XYZG3.data.found[Object.keys(found)[0]!]!);
      fs.writeFileSync(cacheFile, JSON.stringify(copy));
      const again = await analyzeCaches(await reopened());
      expect(again.walked).toBeGreaterThan(1);
      expect(summary(again)).toEqual(summary(fullRun));
    }
  });
});

describe('reroll and plan', () => {
  it("reroll marks nodes without touching a byte; plan lists them until their cache changes", async () => {
    const { project, file } = await sampleProject();
    const before = read(file);
    const result = await reroll(project, { selector: { scenes: ['03'] } });
    expect(result.nodes.map((n) => n.id)).toEqual(['img-s03', 'vid-s03']);
    expect(read(file)).toBe(before);
    expect(result.entry.op.op).toBe('reroll');
    expect(result.entry.op.intent.nodes).toEqual(['img-s03', 'vid-s03']);
    expect(result.entry.fileBlob).toBe((await readEntry(project, result.entry.parent!)).fileBlob);

    let p = await plan(project);
    expect(p.regenerate.map((i) => [i.node, i.reasons.map((x) => x.code)])).toEqual([
      ['img-s03', ['reroll']],
      ['vid-s03', ['reroll', 'upstream']],
    ]);
    const r = await report(project);
    expect(r.stale).toEqual([]);
    expect(r.decisions.find((d) => d.row === 'reroll')).toMatchObject({ wipe: 'n/a', bump: 'no' });

    edit(file, regenerate('img-s03'));
    await commit(project, { message: 're-rolled img-s03' });
    p = await plan(project);
    expect(p.regenerate.map((i) => [i.node, i.reasons.map((x) => x.code)])).toEqual([['vid-s03', ['stale', 'reroll']]]);
  });

  it("reproduces the seed's 30-45 min for a full pass of the sample's 40 nodes, and reads configured figures", async () => {
    const { project } = await sampleProject();
    expect((await plan(project)).regenerate).toEqual([]);
    await wipe(project, { selector: { all: true } });
    const p = await plan(project);
    expect(p.regenerate).toHaveLength(40);
    expect(p.seconds).toEqual({ min: 30 * 60, max: 45 * 60 });
    expect(p.regenerate.every((i) => i.reasons[0]!.code === 'no-cache')).toBe(true);
    const custom = { ...project, config: { ...project.config, estimates: { models: { NB2: { min: 10, max: 10 } }, kinds: { image: { min: 20, max: 20 }, video: { min: 100, max: 100 }, other: { min: 1, max: 1 } } } } };
    const q = await plan(custom);
    const images = q.regenerate.filter((i) => i.kind === 'image');
    const nb2 = images.filter((i) => i.model === 'NB2').length;
    expect(q.seconds.min).toBe(nb2 * 10 + (images.length - nb2) * 20 + 20 * 100);
  });
});

describe("advice: every row of the seed's two tables", () => {
  type Change = StatusReport['changes'][number];
  const change = (node: string, ...kinds: string[]): Change => ({ node, tab: 'acct-1', title: 'Scene 03', kind: 'image', changes: kinds.map((kind) => ({ kind })) }) as Change;
  const staleNode = (node: string, ...codes: string[]) => ({ node, tab: 'acct-1', kind: 'image' as const, reasons: codes.map((code) => ({ code, detail: code })) }) as StatusReport['stale'][number];
  const state = (node: string, o: Partial<CacheState> = {}): CacheState => ({
    node, tab: 'acct-1', title: undefined, kind: 'image', model: 'NB2', hasCache: true, reasons: [], reroll: null,
    provenance: { record: { fingerprint: '0'.repeat(64) }, origin: 'c'.repeat(40), time: '2026-05-10T10:00:00+02:00', version: 'V0-3' },
    ...o,
  });
  const report = (o: Partial<StatusReport> = {}): StatusReport => ({
    workflow: 'XYZG3', file: FILE, version: 'V0-3', head: 'c'.repeat(40), uncommitted: false, missing: false, changes: [], otherChanges: [],
    stale: [], advice: [], decisions: [], backups: { ok: true, missing: [], altered: [], unknown: [] }, handBump: null, retired: [], ...o,
  });
  const cache = (nodes: CacheState[]) => ({ nodes }) as CacheReport;
  const NOW = '2026-05-12T10:15:00+02:00';
  const row = (decisions: Decision[], name: string) => decisions.find((d) => d.row === name);

  it.each([
    // [seed row, status, context, expected row, wipe, bump]
    ['re-run after a prompt edit: no wipe, bump', report({ uncommitted: true, changes: [change('img-s03', 'prompt-edited')], stale: [staleNode('img-s03', 'prompt-changed')] }), {}, 'prompt-edited', 'no', 'yes'],
    ['re-roll on one scene: per-node rerun, wipe N/A, no bump', report(), { cache: cache([state('img-s03', { reroll: { commit: 'r'.repeat(40), message: 're-roll', time: NOW } })]) }, 'reroll', 'n/a', 'no'],
    ['avatar reference URL changed (+ re-run): wipe, bump', report({ uncommitted: true, changes: [change('img-s03', 'reference-changed')], stale: [staleNode('img-s03', 'reference-url-changed')] }), {}, 'avatar-url-changed', 'yes', 'yes'],
    ['model changed NB1 -> NB2: wipe, bump', report({ uncommitted: true, changes: [change('img-s03', 'model-changed')], stale: [staleNode('img-s03', 'model-changed')] }), {}, 'model-changed', 'yes', 'yes'],
    ['complete fresh run (every cache cleared): wipe, bump', report({ uncommitted: true, changes: [change('img-s03', 'cache-wiped')] }), { cache: cache([state('img-s03', { hasCache: false, provenance: null })]) }, 'fresh-run', 'yes', 'yes'],
    ['wiped to start fresh with nbv wipe --all: bump', report(), { head: { op: 'wipe', version: 'V0-3', time: NOW }, cache: cache([state('img-s03', { hasCache: false, provenance: null })]) }, 'fresh-run', 'yes', 'yes'],
    ['restored from backup, caches match: no wipe, no bump', report(), { head: { op: 'restore', version: 'V0-3', ref: 'abc1234', time: NOW } }, 'restored', 'no', 'no'],
    ['restored from backup, caches do not match the restored prompts: wipe those', report({ stale: [staleNode('img-s03', 'prompt-changed')] }), { head: { op: 'restore', version: 'V0-3', ref: 'abc1234', time: NOW } }, 'restored', 'yes', 'no'],
    ['a backup copied over the working file by hand: restore, no wipe', report({ uncommitted: true, changes: [change('img-s03', 'prompt-edited', 'cache-changed')] }), { sameAsRecorded: 'backups/XYZG3-V0-2.nbflow' }, 'restored', 'no', 'no'],
    ["an old .nbflow from a previous month's project: wipe", report(), { now: '2026-07-01T10:00:00+02:00', cache: cache([state('img-s03')]) }, 'old-project', 'yes', 'yes'],
    ['suspect cache corruption: wipe', report({ stale: [staleNode('img-s03', 'cache-malformed')] }), {}, 'cache-corrupt', 'yes', null],
    ['recovering from a runner crash: no wipe', report({ uncommitted: true, changes: [change('img-s03', 'cache-filled')] }), { cache: cache([state('img-s03', { provenance: { record: { fingerprint: '0'.repeat(64) }, origin: null, time: null, version: null } }), state('img-s04', { hasCache: false, provenance: null })]) }, 'runner-crash', 'no', 'no'],
  ] as const)('%s', (_row, r, ctx, expected, wipe, bump) => {
    const decision = row(decide(r, { now: NOW, ...ctx } as AdviceContext), expected);
    expect(decision).toMatchObject({ wipe, bump });
  });

  it('a month-old project is only old when its newest cache is; a bump already done is not asked for again', () => {
    expect(row(decide(report(), { now: '2026-05-20T10:00:00+02:00', cache: cache([state('img-s03')]) }), 'old-project')).toBeUndefined();
    const bumped = decide(report({ version: 'V0-4', stale: [staleNode('img-s03', 'reference-url-changed')] }), { cache: cache([state('img-s03', { reasons: [{ code: 'reference-url-changed', detail: '' }] })]) });
    expect(row(bumped, 'avatar-url-changed')).toMatchObject({ bump: 'no', command: 'nbv wipe --stale' });
  });
});
