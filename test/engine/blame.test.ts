// blame through the library on a realistic history (the sample project, its backups/ taken in,
// then edits, a wipe, a bump, a partial restore, reorderings by several people), checked against a
// brute-force oracle that parses every state and compares every field with its parent's.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blame, bump, commit, openProject, initProject, restore, track, wipe, type Project } from '../../src/index.js';
import { readEntry, readStateBytes, walkEntries, type HistoryEntry } from '../../src/history/history.js';
import { canonicalJson, contentHash } from '../../src/json/index.js';
import { copyFixture, removeDir } from '../helpers/cli.js';

let dir = '';
const as = (who: string, now: string): Promise<Project> =>
  openProject(dir, { author: who, env: { NBV_NOW: now } });

type Node = { id: string; data: Record<string, unknown>; [k: string]: unknown };
const nodeIn = (doc: { tabs: Array<{ nodes: Node[] }> }, id: string) => doc.tabs.flatMap((t) => t.nodes).find((n) => n.id === id);

function editWorking(file: string, edit: (doc: { tabs: Array<{ nodes: Node[] }> }) => void): void {
  const full = path.join(dir, file);
  const doc = JSON.parse(fs.readFileSync(full, 'utf8'));
  edit(doc);
  fs.writeFileSync(full, JSON.stringify(doc, null, 2) + '\n');
}

let commits: Record<string, string> = {};

beforeAll(async () => {
  dir = copyFixture();
  await initProject(dir, { author: 'Jane <jane@example.com>', env: { NBV_NOW: '2026-05-12T10:15:00+02:00' } });
  commits['track'] = (await track(await as('Jane <jane@example.com>', '2026-05-12T10:15:00+02:00'), { file: path.join(dir, 'XYZG3-V0-3.nbflow') })).entry.commit;
  editWorking('XYZG3-V0-3.nbflow', (doc) => {
    nodeIn(doc, 'img-s03')!.data['prompt'] = 'Tighter framing on the lead, soft rim light.';
  });
  commits['edit'] = (await commit(await as('Bob <bob@example.com>', '2026-05-12T11:00:00+02:00'), { message: 'Scene 03: tighter framing' })).entry!.commit;
  commits['wipe'] = (await wipe(await as('Carol <carol@example.com>', '2026-05-12T14:00:00+02:00'), { selector: { scenes: ['03'] }, message: 'old avatar in Scene 03' })).entry!.commit;
  commits['bump'] = (await bump(await as('Jane <jane@example.com>', '2026-05-13T09:00:00+02:00'), { message: 'next pass' })).entry.commit;
  // Reorderings are not changes: a node moved to the end of its tab, a cache array reversed.
  editWorking('XYZG3-V0-4.nbflow', (doc) => {
    const tab = doc.tabs.find((t) => t.nodes.some((n) => n.id === 'img-s05'))!;
    const i = tab.nodes.findIndex((n) => n.id === 'img-s05');
    tab.nodes.push(...tab.nodes.splice(i, 1));
    const cache = nodeIn(doc, 'img-s07')!.data['_savedImages'] as unknown[];
    cache.reverse();
  });
  commits['reorder'] = (await commit(await as('Erin <erin@example.com>', '2026-05-13T10:00:00+02:00'), { message: 'tidy layout' })).entry!.commit;
  commits['restore'] = (
    await restore(await as('Dave <dave@example.com>', '2026-05-14T09:30:00+02:00'), { ref: commits['edit']!, selector: { nodes: ['img-s03'] }, message: 'bring Scene 03 stills back' })
  ).entry!.commit;
}, 60_000);
afterAll(() => removeDir(dir));

const parsed = new Map<string, unknown>();

/** The newest commit where the field's value differs from its parent's: every state parsed. */
async function oracle(project: Project, id: string, tokens: string[], cacheOf?: string[]): Promise<string> {
  const entries: HistoryEntry[] = [];
  const head = (await project.store.resolveRef('refs/heads/XYZG3'))!;
  for await (const e of walkEntries(project, head)) entries.push(e);
  const get = async (e: HistoryEntry) => {
    if (!parsed.has(e.fileBlob)) parsed.set(e.fileBlob, JSON.parse(new TextDecoder().decode(await readStateBytes(project, e))));
    return nodeIn(parsed.get(e.fileBlob) as never, id);
  };
  const dig = (n: Node | undefined, t: string[]) => t.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), n);
  const now = dig(await get(entries[0]!), tokens);
  for (const e of entries) {
    if (e.parent === null) return e.commit;
    const before = await get(await readEntry(project, e.parent));
    if (cacheOf) {
      const arr = dig(before, cacheOf);
      if (!Array.isArray(arr) || !arr.some((x) => contentHash(x) === contentHash(now))) return e.commit;
    } else if (before === undefined || canonicalJson(dig(before, tokens)) !== canonicalJson(now)) return e.commit;
  }
  throw new Error('unreachable');
}

describe('blame', () => {
  it('answers who changed each field of Scene 03, and follows the node across the bump and the restore', async () => {
    const project = await openProject(dir);
    const result = await blame(project, { node: 'img-s03' });
    const by = (p: string) => result.fields.find((f) => f.path === p)!;
    expect(result.title).toBe('Scene 03');
    expect(by('/data/prompt')).toMatchObject({ commit: commits['edit'], op: 'commit', version: 'V0-3', author: 'Bob <bob@example.com>', date: '2026-05-12T11:00:00+02:00', message: 'Scene 03: tighter framing' });
    expect(by('/data/_savedImages')).toMatchObject({ commit: commits['restore'], op: 'restore', version: 'V0-4', author: 'Dave <dave@example.com>', restoredFrom: commits['edit'] });
    const vid = await blame(project, { node: 'vid-s03', field: '_savedClips' });
    expect(vid.fields).toEqual([expect.objectContaining({ path: '/data/_savedClips', commit: commits['wipe'], op: 'wipe', author: 'Carol <carol@example.com>', message: 'old avatar in Scene 03' })]);
    // Fields the bump did not touch keep pointing before it.
    expect(by('/data/model').commit).not.toBe(commits['bump']);
  });

  it('does not count a node moved within its tab, or cache entries reordered, as changes', async () => {
    const project = await openProject(dir);
    const moved = await blame(project, { node: 'img-s05' });
    expect(moved.fields.map((f) => f.commit)).not.toContain(commits['reorder']);
    const reversed = await blame(project, { node: 'img-s07', field: '/data/_savedImages' });
    const [whole, ...entries] = reversed.fields;
    expect(whole!.commit).toBe(commits['reorder']);
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.map((f) => f.commit)).not.toContain(commits['reorder']);
    const one = await blame(project, { node: 'img-s07', field: '/data/_savedImages/0' });
    expect(one.fields).toEqual([expect.objectContaining({ path: '/data/_savedImages/0', commit: entries[0]!.commit })]);
  });

  it('agrees with a brute-force oracle on every field of several nodes', async () => {
    const project = await openProject(dir);
    for (const id of ['img-s03', 'vid-s03', 'img-s05', 'img-s07', 'img-s09', 'vid-s12']) {
      const result = await blame(project, { node: id });
      expect(result.fields.length).toBeGreaterThan(3);
      for (const f of result.fields) {
        const tokens = f.path.slice(1).split('/');
        const cacheOf = tokens.length === 3 && tokens[1]!.startsWith('_saved') ? tokens.slice(0, 2) : undefined;
        expect([id, f.path, f.commit]).toEqual([id, f.path, await oracle(project, id, tokens, cacheOf)]);
      }
    }
  });

  it('refuses a node or a field that is not there (exit 2 material), naming it', async () => {
    const project = await openProject(dir);
    await expect(blame(project, { node: 'img-s99' })).rejects.toMatchObject({ code: 'NO_MATCH', exitStatus: 2 });
    await expect(blame(project, { node: 'img-s03', field: '/data/nope' })).rejects.toThrow(/nope/);
  });
});
