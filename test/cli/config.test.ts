// Cache fields and generation inputs are per-project settings in .nbv/nbv-config.json.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initializedSampleFile, nbv, nbvJson, nbvOk, removeDir, snapshot } from '../helpers/cli.js';
import { expectedWipe } from '../helpers/nbflowText.js';

const V3 = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function project(): string {
  const dir = initializedSampleFile();
  dirs.push(dir);
  return dir;
}

function editConfig(dir: string, change: (config: Record<string, unknown>) => void): void {
  const file = path.join(dir, '.nbv', 'nbv-config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(config);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

describe('per-project configuration', () => {
  it('init writes the defaults; a project that caches only images wipes only images', () => {
    const dir = project();
    editConfig(dir, (c) => {
      expect(c['cacheFields']).toEqual(['_savedImages', '_savedClips']);
      c['cacheFields'] = ['_savedImages'];
    });
    nbvOk(dir, ['track', V3]);
    const original = fs.readFileSync(path.join(dir, V3), 'utf8');
    nbvOk(dir, ['wipe', '--scene', '03']);
    // The video node has no cache field under this config: only the image's array is cleared.
    expect(fs.readFileSync(path.join(dir, V3), 'utf8')).toBe(expectedWipe(original, [['img-s03', '_savedImages']]));
  });

  it('narrowing the generation inputs changes what counts as an input edit', () => {
    const dir = project();
    editConfig(dir, (c) => {
      c['inputFields'] = ['prompt', 'model'];
      c['presentationFields'] = [...(c['presentationFields'] as string[]), 'aspectRatio'];
    });
    nbvOk(dir, ['track', V3]);
    const text = fs.readFileSync(path.join(dir, V3), 'utf8');
    fs.writeFileSync(path.join(dir, V3), text.replace(/"aspectRatio": "[^"]*"/, '"aspectRatio": "1:1"'));
    const pending = nbvJson<{ nodes: Array<{ changes: Array<{ kind: string }> }> }>(dir, ['diff']);
    expect(pending.nodes).toHaveLength(1);
    expect(pending.nodes[0]!.changes.map((c) => c.kind)).toEqual(['presentation-changed']);
  });

  it('a malformed config is refused with its path and nothing changes', () => {
    const dir = project();
    editConfig(dir, (c) => {
      c['cacheField'] = ['typo'];
    });
    const before = snapshot(dir);
    const result = nbv(dir, ['track', V3]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nbv-config.json');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
  });
});
