// The lookup cache after a restore: a whole-file restore's op record names, for every cached node,
// the older commit its cache was made under; resolving those reads one entry each. The first
// analysis at that head keeps what it found, so the next answers from the cache with the same result.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commit, initProject, openProject, restore, status, track, undo } from '../../src/index.js';
import { analyzeCaches } from '../../src/history/stale.js';
import { SAMPLE_DIR, removeDir, tempDir, TEST_ENV } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('the lookup cache at a restored head', () => {
  it('is written by the first analysis and gives the same answer as a fresh one', async () => {
    const dir = tempDir('nbv-provcache-');
    dirs.push(dir);
    const file = path.join(dir, FILE);
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), file);
    const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
    const tracked = await track(project, { file });
    // A runner pass over every output URL, then back to the tracked state: every cache's
    // provenance now points at the tracked commit.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\/out\/XYZG3\//g, '/out/XYZG3/pass2-'));
    await commit(project, { message: 'runner pass' });
    const restored = await restore(project, { ref: tracked.entry.commit, message: 'back' });
    const cacheFile = path.join(project.gitdir, 'nbv-stale-cache.json');
    fs.rmSync(cacheFile, { force: true });

    const reopened = () => openProject(project.root, project.context);
    const first = await analyzeCaches(await reopened());
    expect(first.walked).toBe(1); // the restore's record answered for every node
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { workflows: Record<string, { head: string }> };
    expect(cached.workflows['XYZG3']!.head).toBe(restored.entry!.commit);
    const origins = (r: typeof first) => r.nodes.map((n) => [n.node, n.provenance?.origin ?? null, n.reasons.map((x) => x.code)]);
    expect(first.nodes.some((n) => n.provenance?.origin === tracked.entry.commit)).toBe(true);
    expect(origins(await analyzeCaches(await reopened()))).toEqual(origins(first));
  });
});

describe('the provenance an undo records', () => {
  it('comes from the lookup at the head for nodes no commit since recorded, not from a walk back through history', async () => {
    const dir = tempDir('nbv-provundo-');
    dirs.push(dir);
    const file = path.join(dir, FILE);
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), file);
    const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
    await track(project, { file });
    const editPrompt = async (i: number) => {
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"prompt": "', `"prompt": "${i}. `));
      await commit(project, { message: `edit ${i}` });
    };
    // Seventy prompt edits: no cache changes, so every cache's record stays the one at track.
    for (let i = 0; i < 70; i++) await editPrompt(i);
    // A status (the lookup cache at the head): the edited prompt's image and its video are stale.
    const before = await analyzeCaches(await openProject(dir, project.context));
    const staleOf = (r: typeof before) => r.nodes.filter((n) => n.reasons.length > 0).map((n) => [n.node, n.reasons.map((x) => x.code)]);
    expect(staleOf(before).map(([id]) => id)).toEqual(['img-s01', 'vid-s01']);
    // A runner pass over scenes 03 and 04, then one more edit, and the undo of that edit.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\/out\/XYZG3\/(s03|s04)\//g, '/out/XYZG3/$1/pass2-'));
    await commit(project, { message: 'runner pass' });
    await status(await openProject(dir, project.context)); // as a user looks after a run
    const afterPass = staleOf(await analyzeCaches(await openProject(dir, project.context)));
    await editPrompt(70);
    const fresh = await openProject(dir, project.context);
    const readCommit = vi.spyOn(fresh.store, 'readCommit');
    const undone = await undo(fresh, { message: 'undo the edit' });
    // A walk back from the state brought back read all 74 commits of history; the head's lookup
    // answers for every node (the runner pass was recorded before that state).
    expect(new Set(readCommit.mock.calls.map((c) => c[0])).size).toBeLessThan(10);
    // And what it recorded is what that walk would have found: caches as fresh or stale as then.
    expect(undone.entry).not.toBeNull();
    expect(staleOf(await analyzeCaches(await openProject(dir, project.context)))).toEqual(afterPass);
  });
});
