// The seed's staleness scenarios (3, 4, 5 and restore) through the real binary on the bundled
// sample, its backups/ history taken in by `nbv track`; the real git checks the store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, git, nbv, nbvJson, nbvOk, removeDir } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';

interface Status {
  version: string;
  uncommitted: boolean;
  stale: Array<{ node: string; kind: string; reasons: Array<{ code: string; detail: string; before?: unknown; after?: unknown }> }>;
  advice: string[];
  decisions: Array<{ row: string; wipe: string | null; bump: string | null; command: string | null }>;
}
interface Plan {
  regenerate: Array<{ node: string; reasons: Array<{ code: string }> }>;
  seconds: { min: number; max: number };
}

let dir: string;
/** The working file: its name changes with a bump. */
const file = () => path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.nbflow'))!);
const read = () => fs.readFileSync(file(), 'utf8');
const write = (text: string) => fs.writeFileSync(file(), text);
const status = () => nbvJson<Status>(dir, ['status']);

beforeAll(() => {
  dir = copyFixture();
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', FILE]);
});
afterAll(() => removeDir(dir));

describe('nbv status, plan, wipe --stale, reroll on the sample', () => {
  it('a freshly tracked sample (with its imported history) has no stale cache and nothing to regenerate', () => {
    expect(status().stale).toEqual([]);
    const plan = nbvJson<Plan>(dir, ['plan']);
    expect(plan.regenerate).toEqual([]);
  });

  it('scenario 3: a prompt edit on img-s03 flags img-s03 and vid-s03 only; the advice is no wipe, bump', () => {
    const original = read();
    const at = original.indexOf('"prompt": "', original.indexOf('"id": "img-s03"')) + '"prompt": "'.length;
    write(original.slice(0, at) + 'Close-up, rain on the glass. ' + original.slice(at));
    const s = status();
    expect(s.stale.map((n) => [n.node, n.reasons.map((r) => r.code)])).toEqual([
      ['img-s03', ['prompt-changed']],
      ['vid-s03', ['upstream-stale']],
    ]);
    expect(s.decisions.find((d) => d.row === 'prompt-edited')).toMatchObject({ wipe: 'no', bump: 'yes' });
    const text = nbvOk(dir, ['status', '-v']); // one line per stale node with -v; grouped by reason without
    expect(text).toContain('stale img-s03 (acct-1): prompt-changed prompt:');
    expect(text).toMatch(/advice: edited: wipe NO .* bump YES/);
    write(original);
  });

  it('scenario 5: NB1 -> NB2 flags the caches made with NB1', () => {
    const original = read();
    const doc = JSON.parse(original) as { tabs: Array<{ nodes: Array<{ id: string; data?: { model?: string } }> }> };
    const nb1 = doc.tabs.flatMap((t) => t.nodes).filter((n) => n.data?.model === 'NB1').map((n) => n.id);
    expect(nb1.length).toBeGreaterThan(0);
    write(original.split('"model": "NB1"').join('"model": "NB2"'));
    const s = status();
    const images = s.stale.filter((n) => n.kind === 'image');
    expect(images.map((n) => n.node)).toEqual(nb1);
    expect(images.every((n) => n.reasons.length === 1 && n.reasons[0]!.detail === 'model NB1 -> NB2')).toBe(true);
    write(original);
  });

  it('scenario 4: an avatar URL change flags every node made with the old URL; wipe --stale --bump is the one-command recovery', () => {
    const original = read();
    write(original.split('avatars/jane-v2.png').join('avatars/jane-v3.png'));
    const s = status();
    const imagesWithAvatar = [...original.matchAll(/"id": "(img-s\d+)"/g)].length;
    expect(s.stale.filter((n) => n.reasons.some((r) => r.code === 'reference-url-changed'))).toHaveLength(imagesWithAvatar);
    const advice = s.decisions.find((d) => d.row === 'avatar-url-changed');
    expect(advice).toMatchObject({ wipe: 'yes', bump: 'yes', command: 'nbv wipe --stale --bump' });

    const out = nbvOk(dir, ['wipe', '--stale', '--bump', '-m', 'avatar v3']);
    expect(out).toContain('Bumped V0-3 -> V0-4');
    const after = status();
    expect(after.stale).toEqual([]);
    expect(after.version).toBe('V0-4');
    const plan = nbvJson<Plan>(dir, ['plan']);
    expect(plan.regenerate.map((i) => i.node).sort()).toEqual(s.stale.map((n) => n.node).sort());
    expect(plan.regenerate.every((i) => i.reasons[0]!.code === 'no-cache')).toBe(true);
    expect(plan.seconds).toEqual({ min: 1800, max: 2700 });
    expect(nbvOk(dir, ['wipe', '--stale'])).toContain('Nothing to wipe');
  });

  it('restore from backup brings back a fresh state (its cache and the inputs it was made under)', () => {
    nbvOk(dir, ['restore', 'backups/XYZG3-V0-3.nbflow']);
    const s = status();
    expect(s.stale).toEqual([]);
    expect(s.decisions.find((d) => d.row === 'restored')).toMatchObject({ wipe: 'no', bump: 'no' });
    expect(nbvJson<Plan>(dir, ['plan']).regenerate).toEqual([]);
  });

  it('reroll marks scene 03 for the next run without touching a byte; plan shows it', () => {
    const before = read();
    const out = nbvJson<{ nodes: string[]; commit: string }>(dir, ['reroll', '--scene', '03']);
    expect(out.nodes).toEqual(['img-s03', 'vid-s03']);
    expect(read()).toBe(before);
    const plan = nbvJson<Plan>(dir, ['plan']);
    expect(plan.regenerate.map((i) => [i.node, i.reasons.map((r) => r.code)])).toEqual([
      ['img-s03', ['reroll']],
      ['vid-s03', ['reroll', 'upstream']],
    ]);
    expect(git(path.join(dir, '.nbv'), ['show', `${out.commit}:patch.json`]).stdout.trim()).toBe('[]');
    expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);
    expect(nbv(dir, ['reroll', '--node', 'avatar-acct-1']).status).toBe(2);
    expect(nbv(dir, ['wipe', '--stale', '--scene', '03']).status).toBe(2);
  });
});
