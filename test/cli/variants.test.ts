// The done-when of issue 18 on the binary: a scene re-rolled and re-run twice under `nbv run`;
// every take is listed by `nbv variants` and each one comes back with `restore --variant`.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, SAMPLE_DIR, nbv, nbvJson, nbvOk, removeDir, tempDir } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const RUNNER = path.join(REPO_ROOT, 'fixtures', 'fake-runner.mjs');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

interface Listed {
  nodes: Array<{ node: string; variants: Array<{ index: number; current: boolean; madeBy: { op: string }; urls: string[] }> }>;
}
const imageCache = (dir: string) =>
  JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, FILE), 'utf8')).tabs[0].nodes.find((n: { id: string }) => n.id === 'img-s03').data._savedImages);

describe('nbv variants and restore --variant', () => {
  it('lists every take of a re-rolled scene and restores each', () => {
    const dir = tempDir('nbv-variants-cli-');
    dirs.push(dir);
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', FILE]);
    const original = imageCache(dir);
    const rerolled = nbvOk(dir, ['reroll', '--node', 'img-s03']);
    expect(rerolled).toContain(`'nbv restore --node img-s03 --variant K' brings one back`);
    nbvOk(dir, ['run', '--', process.execPath, RUNNER]);
    const second = imageCache(dir);
    nbvOk(dir, ['reroll', '--node', 'img-s03']);
    nbvOk(dir, ['run', '--', process.execPath, RUNNER]);

    const listed = nbvJson<Listed>(dir, ['variants', '--scene', '03']);
    const img = listed.nodes.find((n) => n.node === 'img-s03')!;
    expect(img.variants.map((v) => v.madeBy.op)).toEqual(['run', 'run', 'track']);
    expect(img.variants.map((v) => v.current)).toEqual([true, false, false]);
    expect(nbvOk(dir, ['variants', '--node', 'img-s03'])).toMatch(/img-s03 \(Scene 03\): 3 takes, newest first/);

    expect(nbvOk(dir, ['restore', '--node', 'img-s03', '--variant', '3'])).toMatch(/Restored the cache of img-s03 from take 3/);
    expect(imageCache(dir)).toBe(original);
    nbvOk(dir, ['restore', 'XYZG3', '--node', 'img-s03', '--variant', '2']);
    expect(imageCache(dir)).toBe(second);
    expect(nbvJson<Array<{ op: string }>>(dir, ['log', '-n', '2']).map((i) => i.op)).toEqual(['restore', 'restore']);

    const before = fs.readFileSync(path.join(dir, FILE));
    for (const args of [['restore', '--variant', '1'], ['restore', '--node', 'img-s03', '--variant', '9'], ['restore', 'HEAD', 'x', '--node', 'img-s03', '--variant', '1'], ['variants']]) {
      const r = nbv(dir, args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(fs.readFileSync(path.join(dir, FILE)).equals(before)).toBe(true);
  });
});
