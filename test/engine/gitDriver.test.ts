// The drivers' engine functions through the library: settings from the nearest nbv project,
// added and deleted files in the diff, textconv of a broken file, and the merge driver's fallback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitDiff, gitTextconv, mergeDriver } from '../../src/engine/gitDriver.js';
import { CONFIG_META, initProject } from '../../src/history/project.js';
import { DEFAULT_CONFIG } from '../../src/nbflow/config.js';

let dir: string;
const node = (renders: string[]) =>
  JSON.stringify({ name: 'T', tabs: [{ id: 'a', nodes: [{ id: 'n', type: 'upscaler', data: { prompt: 'p', _renders: renders } }], edges: [] }] }, null, 2) + '\n';
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-git-driver-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mergeDriver', () => {
  it("takes the cache fields from the nearest nbv project's settings", async () => {
    const project = await initProject(path.join(dir, 'project'));
    await project.store.writeMeta(CONFIG_META, new TextEncoder().encode(JSON.stringify({ ...DEFAULT_CONFIG, cacheFields: ['_savedImages', '_savedClips', '_renders'] })));
    const args = (where: string) => ({
      base: write(`${where}/base`, node([])),
      ours: write(`${where}/ours`, node(['o.png'])),
      theirs: write(`${where}/theirs`, node(['t.png'])),
      path: `${where}/T.nbflow`,
      cwd: dir,
    });
    const inProject = await mergeDriver(args('project/sub'));
    expect(inProject.kind === 'merged' && inProject.result.conflicts.map((c) => c.detail)).toEqual(['two different caches for the same inputs']);
    const elsewhere = await mergeDriver(args('plain'));
    expect(elsewhere.kind === 'merged' && elsewhere.result.conflicts.map((c) => [c.field, c.detail])).toEqual([['/data/_renders', undefined]]);
  });

  it('writes the merged bytes into the ours file, and git line merge whole when a side is broken', async () => {
    const ok = { base: write('m/base', node([])), ours: write('m/ours', node([])), theirs: write('m/theirs', node(['t.png'])), path: 'T.nbflow', cwd: dir };
    const done = await mergeDriver(ok);
    expect(done.kind).toBe('merged');
    expect(fs.readFileSync(ok.ours, 'utf8')).toBe(node(['t.png']));

    const bad = { base: write('b/base', node([])), ours: write('b/ours', node(['o.png'])), theirs: write('b/theirs', '{"tabs": [}'), path: 'T.nbflow', cwd: dir };
    const outcome = await mergeDriver(bad);
    expect(outcome.kind).toBe('fallback');
    if (outcome.kind !== 'fallback') return;
    expect(outcome.error.message).toMatch(/^T\.nbflow \(theirs\): /);
    expect(outcome.error.details['side']).toBe('theirs');
    expect(outcome.textConflicts).toBe(true);
    expect(fs.readFileSync(bad.ours, 'utf8')).toMatch(/^<<<<<<< ours\n[\s\S]*\n=======\n\{"tabs": \[\}\n>>>>>>> theirs\n$/);
  });
});

describe('gitDiff and gitTextconv', () => {
  it('describes an added and a deleted file', async () => {
    const file = write('d/T.nbflow', node(['a.png']));
    const added = await gitDiff({ path: 'd/T.nbflow', oldFile: '/dev/null', newFile: file, cwd: dir });
    expect([added.status, added.diff.nodes.map((n) => [n.node, n.changes[0]!.kind])]).toEqual(['added', [['n', 'added']]]);
    const deleted = await gitDiff({ path: 'd/T.nbflow', oldFile: file, newFile: '/dev/null', cwd: dir });
    expect([deleted.status, deleted.diff.nodes.map((n) => [n.node, n.changes[0]!.kind])]).toEqual(['deleted', [['n', 'removed']]]);
  });

  it('passes bytes that are not an .nbflow through the textconv unchanged', async () => {
    const file = write('t/broken.nbflow', '{"tabs": [\n  oops');
    expect(new TextDecoder().decode(await gitTextconv(file, dir))).toBe('{"tabs": [\n  oops');
    const good = write('t/T.nbflow', node(['a.png', 'b.png']));
    expect(new TextDecoder().decode(await gitTextconv(good, dir))).toContain('node n [a] upscaler\n  prompt:\n    p\n  _renders: ["a.png","b.png"]\n');
  });
});
