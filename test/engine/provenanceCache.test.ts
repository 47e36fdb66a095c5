// The lookup cache after a restore: a whole-file restore's op record names, for every cached node,
// the older commit its cache was made under; resolving those reads one entry each. The first
// analysis at that head keeps what it found, so the next answers from the cache with the same result.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commit, initProject, openProject, restore, track } from '../../src/index.js';
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
