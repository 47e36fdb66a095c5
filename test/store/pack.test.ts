// Packing (src/store/pack.ts, delta.ts) and `nbv gc`: deltas rebuild their targets; packs pass the
// real git's verify-pack and fsck --strict; every version reads back byte for byte through
// isomorphic-git and through git; nothing in the store is ever dropped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { editPrompt, generateHistory, generationNodeIds, serialize } from '../../fixtures/generator.js';
import { commit, gc, initProject, openProject, track, type Project } from '../../src/index.js';
import { applyDelta, createDelta } from '../../src/store/delta.js';
import { storeObjectStats } from '../../src/store/objectFiles.js';
import { packObjects } from '../../src/store/pack.js';
import { copyFixture, git, nbvOk, removeDir, tempDir } from '../helpers/cli.js';
import { readFileAt } from './helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const CONTEXT = { author: 'Jane <jane@example.com>', env: { NBV_NOW: '2026-05-12T10:15:00+02:00', NBV_GC_AUTO: '0' } };

function gitOk(gitdir: string, args: string[]): string {
  const result = git(gitdir, args);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A project whose history is `steps` states of a generated workflow, recorded by `nbv commit`. */
async function historyProject(steps: number, targetBytes = 120_000, env: Record<string, string> = CONTEXT.env): Promise<{ project: Project; states: Map<string, Buffer> }> {
  const dir = tempDir();
  dirs.push(dir);
  const project = await initProject(dir, { ...CONTEXT, env });
  const file = path.join(dir, 'XYZG3-V0-1.nbflow');
  const states = new Map<string, Buffer>();
  for (const [i, step] of generateHistory({ seed: 3, steps, targetBytes }).entries()) {
    const bytes = Buffer.from(serialize(step.doc, 'two-space'));
    fs.writeFileSync(file, bytes);
    const result = i === 0 ? (await track(project, { file })).entry : (await commit(project, { message: step.message })).entry;
    states.set(result.commit, bytes);
  }
  return { project, states };
}

async function expectEveryState(project: Project, states: Map<string, Buffer>): Promise<void> {
  const fresh = await openProject(project.root, CONTEXT); // no cache from before the packing
  for (const [oid, bytes] of states) {
    expect(Buffer.from(await readFileAt(fresh.store, oid, 'XYZG3-V0-1.nbflow')).equals(bytes)).toBe(true);
    expect(spawnSync('git', [`--git-dir=${project.gitdir}`, 'show', `${oid}:XYZG3-V0-1.nbflow`]).stdout.equals(bytes)).toBe(true);
  }
}

describe('git deltas', () => {
  it('rebuild the target from a small edit of a real workflow, in a fraction of its size', () => {
    const [first] = generateHistory({ seed: 5, steps: 1, targetBytes: 200_000 });
    const base = Buffer.from(serialize(first!.doc, 'two-space'));
    const id = generationNodeIds(first!.doc)[7]!;
    const target = Buffer.from(serialize(editPrompt(first!.doc, id, 'A new prompt for this one scene.'), 'two-space'));
    const delta = createDelta(base, target)!;
    expect(Buffer.from(applyDelta(base, delta)).equals(target)).toBe(true);
    expect(delta.length).toBeLessThan(target.length / 100);
  });

  it('rebuild any target from any base, and give up past the size limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), fc.nat(3000), (a, b, cut) => {
        const target = Buffer.concat([b.subarray(0, cut % (b.length + 1)), a, b.subarray(cut % (b.length + 1))]);
        const delta = createDelta(a, target)!;
        expect(Buffer.from(applyDelta(a, delta)).equals(target)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(createDelta(Buffer.alloc(100, 1), Buffer.alloc(5000, 2), 100)).toBeNull();
  });
});

describe('packObjects', () => {
  it('packs every object with deltas that the real git verifies, and every state reads back exactly', async () => {
    const { project, states } = await historyProject(8);
    const stray = await project.store.writeBlob(Buffer.from('written, never committed: must survive\n'));
    const before = await storeObjectStats(project.gitdir);
    const result = await packObjects(project.gitdir);
    expect(result.objects).toBe(before.looseObjects);
    expect(result.deltas).toBeGreaterThanOrEqual(7);
    expect(await storeObjectStats(project.gitdir)).toEqual(expect.objectContaining({ looseObjects: 0, packs: 1 }));
    expect(result.packBytes).toBeLessThan(before.looseBytes / 3);
    gitOk(project.gitdir, ['verify-pack', path.join(project.gitdir, 'objects', 'pack', `${path.basename(result.pack!, '.pack')}.idx`)]);
    gitOk(project.gitdir, ['fsck', '--strict', '--no-dangling']);
    expect(gitOk(project.gitdir, ['cat-file', '-p', stray])).toBe('written, never committed: must survive\n');
    await expectEveryState(project, states);
  });

  it('adds incremental packs, then merges them into one without losing an object', async () => {
    const { project, states } = await historyProject(4);
    await packObjects(project.gitdir, { merge: 'none' });
    const file = path.join(project.root, 'XYZG3-V0-1.nbflow');
    fs.appendFileSync(file, '\n');
    states.set((await commit(project, { message: 'trailing newline' })).entry.commit as string, fs.readFileSync(file));
    await packObjects(project.gitdir, { merge: 'none' });
    expect((await storeObjectStats(project.gitdir)).packs).toBe(2);
    // A third pack, then the geometric merge: the biggest pack stays when it outweighs the rest twice.
    fs.appendFileSync(file, '\n');
    states.set((await commit(project, { message: 'another newline' })).entry.commit as string, fs.readFileSync(file));
    await packObjects(project.gitdir, { merge: 'none' });
    const objectsBefore = gitOk(project.gitdir, ['cat-file', '--batch-all-objects', '--batch-check']);
    const packDir = path.join(project.gitdir, 'objects', 'pack');
    const sizes = fs.readdirSync(packDir).filter((n) => n.endsWith('.pack')).map((n) => ({ n, size: fs.statSync(path.join(packDir, n)).size }));
    sizes.sort((a, b) => b.size - a.size);
    const keepsBiggest = sizes[0]!.size >= 2 * (sizes[1]!.size + sizes[2]!.size);
    const small = await packObjects(project.gitdir, { merge: 'small' });
    expect(small.packsRemoved).toBe(keepsBiggest ? 2 : 3);
    expect(fs.existsSync(path.join(packDir, sizes[0]!.n))).toBe(keepsBiggest);
    expect(gitOk(project.gitdir, ['cat-file', '--batch-all-objects', '--batch-check'])).toBe(objectsBefore);
    gitOk(project.gitdir, ['fsck', '--strict']);
    const packsLeft = (await storeObjectStats(project.gitdir)).packs;
    const merged = await packObjects(project.gitdir);
    expect(merged.packsRemoved).toBe(packsLeft > 1 ? packsLeft : 0); // one pack and nothing loose: nothing to do
    expect(await storeObjectStats(project.gitdir)).toEqual(expect.objectContaining({ looseObjects: 0, packs: 1 }));
    expect(gitOk(project.gitdir, ['cat-file', '--batch-all-objects', '--batch-check'])).toBe(objectsBefore);
    gitOk(project.gitdir, ['fsck', '--strict']);
    await expectEveryState(project, states);
  });

  it('packs automatically once loose objects pile up, and `nbv gc` packs the rest', async () => {
    const { project, states } = await historyProject(8, 120_000, { NBV_NOW: CONTEXT.env.NBV_NOW, NBV_GC_AUTO_MIN_BYTES: String(48 * 1024) });
    const stats = await storeObjectStats(project.gitdir);
    expect(stats.packs).toBeGreaterThanOrEqual(1);
    const result = await gc(project);
    expect(result.after).toEqual(expect.objectContaining({ looseObjects: 0, packs: 1 }));
    gitOk(project.gitdir, ['fsck', '--strict']);
    await expectEveryState(project, states);
  });
});

describe('nbv gc', () => {
  it('packs the sample project; git fsck and nbv verify accept the store; a second gc has nothing to do', () => {
    const dir = copyFixture();
    dirs.push(dir);
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
    nbvOk(dir, ['wipe', '--scene', '03', '-m', 'wipe one scene']);
    expect(nbvOk(dir, ['gc'])).toMatch(/^Packed \d+ objects \(\d+ as deltas\) into one pack/);
    gitOk(path.join(dir, '.nbv'), ['fsck', '--strict']);
    nbvOk(dir, ['verify']);
    expect(nbvOk(dir, ['gc'])).toMatch(/^Nothing to pack/);
    expect(nbvOk(dir, ['log']).split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
  });
});
