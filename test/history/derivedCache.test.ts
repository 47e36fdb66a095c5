// The derived-data protocol (src/history/derivedCache.ts) on its own: what a slot is trusted for,
// and that a damaged, foreign or mis-keyed file is no cache rather than an error.
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { commit, initProject, openProject, track, undo, type Project } from '../../src/index.js';
import { commitsSince, readDerived, writeDerived, type DerivedKind } from '../../src/history/derivedCache.js';
import { branchRef } from '../../src/history/history.js';
import { removeDir, SAMPLE_DIR, tempDir, TEST_ENV } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

const COUNTS: DerivedKind<{ states: number }> = { meta: 'nbv-test-derived.json', kind: 'counts', data: z.object({ states: z.number().int() }).strict() };

async function project(): Promise<{ project: Project; file: string }> {
  const dir = tempDir('nbv-derived-');
  dirs.push(dir);
  const file = path.join(dir, FILE);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), file);
  const p = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
  await track(p, { file });
  return { project: p, file };
}

const reopen = (p: Project) => openProject(p.root, p.context);
const headOf = async (p: Project) => (await p.store.resolveRef(branchRef('XYZG3')))!;
const edit = async (p: Project, file: string, n: number) => {
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"prompt": "', `"prompt": "Take ${n}. `));
  return commit(p, { message: `take ${n}` });
};

describe('derived slots', () => {
  it('are read back under their key, and are no cache under another key, kind or format', async () => {
    const { project: p } = await project();
    const head = await headOf(p);
    await writeDerived(p, COUNTS, new Map([['XYZG3', { head, key: 'k1', data: { states: 1 } }]]));
    expect(await readDerived(await reopen(p), COUNTS, 'XYZG3', 'k1')).toEqual({ head, key: 'k1', data: { states: 1 } });
    expect(await readDerived(await reopen(p), COUNTS, 'XYZG3', 'k2')).toBeNull();
    expect(await readDerived(await reopen(p), { ...COUNTS, kind: 'other' }, 'XYZG3', 'k1')).toBeNull();
    const file = path.join(p.gitdir, COUNTS.meta);
    for (const damaged of ['{"format":"nbv-derived/1","kind":"counts","workflows":{"XYZG3":', 'null', '{"format":"nbv-derived/0","kind":"counts","workflows":{}}']) {
      fs.writeFileSync(file, damaged);
      expect(await readDerived(await reopen(p), COUNTS, 'XYZG3', 'k1')).toBeNull();
    }
  });

  it('drop a slot whose data fails its schema and keep the others', async () => {
    const { project: p } = await project();
    const head = await headOf(p);
    const file = path.join(p.gitdir, COUNTS.meta);
    const workflows = { A: { head, key: '', data: { states: 'many' } }, B: { head, key: '', data: { states: 2 } } };
    fs.writeFileSync(file, JSON.stringify({ format: 'nbv-derived/1', kind: 'counts', workflows }));
    const fresh = await reopen(p);
    expect(await readDerived(fresh, COUNTS, 'A')).toBeNull();
    expect((await readDerived(fresh, COUNTS, 'B'))?.data).toEqual({ states: 2 });
    // Writing one slot keeps the valid others.
    await writeDerived(fresh, COUNTS, new Map([['C', { head, key: '', data: { states: 3 } }]]));
    const again = await reopen(p);
    expect((await readDerived(again, COUNTS, 'B'))?.data).toEqual({ states: 2 });
    expect((await readDerived(again, COUNTS, 'C'))?.data).toEqual({ states: 3 });
  });
});

describe('commitsSince', () => {
  it('reads only the commits a descendant added, and the whole line when the head does not descend', async () => {
    const { project: p, file } = await project();
    const base = await headOf(p);
    const second = (await edit(p, file, 1)).entry;
    const third = (await edit(p, file, 2)).entry;
    const since = await commitsSince(p, third.commit, base);
    expect(since).toEqual({ newer: [expect.objectContaining({ commit: third.commit }), expect.objectContaining({ commit: second.commit })], reachedStop: true });
    expect(await commitsSince(p, third.commit, third.commit)).toEqual({ newer: [], reachedStop: true });
    // From a head that does not descend from the stop (second is older than third), the stop is
    // never met and the whole line is read.
    const unrelated = await commitsSince(p, second.commit, third.commit);
    expect(unrelated.reachedStop).toBe(false);
    expect(unrelated.newer.map((e) => e.commit)).toEqual([second.commit, base]);
    // An undo adds a commit on top: one commit since.
    const undone = (await undo(p, {})).entry!;
    expect((await commitsSince(p, undone.commit, third.commit)).newer.map((e) => e.commit)).toEqual([undone.commit]);
  });
});
