// Variants through the library on the bundled sample: a scene re-rolled several times (each take
// recorded by a run), a wipe, a prompt edit; every take is listed newest first and restorable.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commit, initProject, reroll, restore, track, variants, wipe, type Project } from '../../src/index.js';
import { readEntry } from '../../src/history/history.js';
import { SAMPLE_DIR, git, removeDir, tempDir, TEST_ENV } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function sampleProject(): Promise<{ dir: string; project: Project; file: string }> {
  const dir = tempDir('nbv-variants-');
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
  const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
  await track(project, { file: path.join(dir, FILE) });
  return { dir, project, file: path.join(dir, FILE) };
}

type Doc = { tabs: Array<{ nodes: Array<{ id: string; data: Record<string, unknown> }> }> };
const readDoc = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
const nodeOf = (doc: Doc, id: string) => doc.tabs.flatMap((t) => t.nodes).find((n) => n.id === id)!;

/** What the runner writes after a re-roll: fresh outputs with fresh seeds. */
function fillTake(file: string, id: string, take: number): string[] {
  const doc = readDoc(file);
  const urls = [1, 2, 3].map((i) => `https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/out/XYZG3/s03/take${take}-${i}.png`);
  nodeOf(doc, id).data['_savedImages'] = urls.map((url, i) => ({ url, seed: 1000 * take + i, width: 1024, height: 1536 }));
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return urls;
}

const cacheOf = (file: string, id: string) => JSON.stringify(nodeOf(readDoc(file), id).data['_savedImages'] ?? []);

describe('variants', () => {
  it('lists every take of a re-rolled scene newest first, with what made it, and restores any of them', async () => {
    const { dir, project, file } = await sampleProject();
    const original = cacheOf(file, 'img-s03');
    const takeCommits: string[] = [];
    for (let take = 1; take <= 4; take++) {
      await reroll(project, { selector: { scenes: ['03'] }, message: `re-roll ${take}` });
      fillTake(file, 'img-s03', take);
      const made = await commit(project, { message: `runner take ${take}` });
      takeCommits.push(made.entry.commit);
    }
    // A wipe holds no take; the caches of the other nodes are not takes of img-s03.
    await wipe(project, { selector: { nodes: ['img-s03'] } });
    fillTake(file, 'img-s03', 5);
    takeCommits.push((await commit(project, { message: 'runner take 5' })).entry.commit);
    // The prompt changes: only the takes made from now on are made with the current inputs.
    const doc = readDoc(file);
    nodeOf(doc, 'img-s03').data['prompt'] = `Close-up, golden hour. ${String(nodeOf(doc, 'img-s03').data['prompt'])}`;
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    await commit(project, { message: 'prompt edit' });
    fillTake(file, 'img-s03', 6);
    takeCommits.push((await commit(project, { message: 'runner take 6' })).entry.commit);

    const listed = await variants(project, { scene: '03' });
    expect(listed.nodes.map((n) => n.node)).toEqual(['img-s03', 'vid-s03']);
    const img = listed.nodes[0]!;
    expect(img.variants).toHaveLength(7); // the tracked take and six runner takes
    expect(img.variants.map((v) => v.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(img.variants.map((v) => v.madeBy.commit)).toEqual([...takeCommits].reverse().concat([img.variants[6]!.madeBy.commit]));
    expect(img.variants[6]!.madeBy.op).toBe('track');
    expect(img.variants.map((v) => v.current)).toEqual([true, false, false, false, false, false, false]);
    expect(img.variants.map((v) => v.matchesCurrentInputs)).toEqual([true, false, false, false, false, false, false]);
    expect(img.variants[0]!.urls[0]).toContain('take6-1.png');
    expect(img.variants[0]!.counts).toEqual({ _savedImages: 3 });
    expect(img.variants[1]!.inputs.prompt).not.toContain('golden hour');
    expect(img.variants[0]!.inputs.prompt).toContain('golden hour');
    expect(img.variants[0]!.inputs.model).toBe('NB2');
    expect(img.unrecorded).toBe(false);
    // Only the states that changed img-s03's cache were read, not the whole history.
    expect(img.statesRead).toBe(7);
    expect(listed.nodes[1]!.variants).toHaveLength(1);

    // Take 7 (the tracked original) comes back byte for byte in that node, as a recorded restore.
    const back = await restore(project, { selector: { nodes: ['img-s03'] }, variant: 7 });
    expect(back.recorded).toBe(true);
    expect(back.entry!.op.op).toBe('restore');
    expect(cacheOf(file, 'img-s03')).toBe(original);
    expect(back.entry!.op.message).toContain('take 7 of img-s03');
    const again = await variants(project, { node: 'img-s03' });
    expect(again.nodes[0]!.variants).toHaveLength(7); // a restore makes no new take
    expect(again.nodes[0]!.variants[6]!.current).toBe(true);
    expect(again.nodes[0]!.variants[6]!.heldAt[0]).toBe(back.entry!.commit);
    // And take 3 (runner take 4) after it.
    await restore(project, { selector: { scenes: ['03'], kinds: ['image'] }, variant: 3 });
    expect(cacheOf(file, 'img-s03')).toContain('take4-1.png');
    const restored = await readEntry(project, (await variants(project, { node: 'img-s03' })).nodes[0]!.variants[2]!.heldAt[0]!);
    expect(restored.op.op).toBe('restore');
    expect(git(project.gitdir, ['fsck', '--strict']).status).toBe(0);
    expect(dir).toBeTruthy();
  });

  it('refuses what it cannot answer, changing nothing', async () => {
    const { project, file } = await sampleProject();
    const before = fs.readFileSync(file);
    await expect(variants(project, {})).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(variants(project, { node: 'nope' })).rejects.toMatchObject({ code: 'NO_MATCH' });
    await expect(variants(project, { node: 'note-acct-1' })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(restore(project, { selector: { scenes: ['03'] }, variant: 1 })).rejects.toThrow(/2 nodes \(img-s03, vid-s03\)/);
    await expect(restore(project, { selector: { nodes: ['img-s03'] }, variant: 2 })).rejects.toThrow(/has 1 take \(1-1\); there is no variant 2/);
    await expect(restore(project, { variant: 1 })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    // The one take there is is the current one: restoring it records nothing.
    const same = await restore(project, { selector: { nodes: ['img-s03'] }, variant: 1 });
    expect(same.recorded).toBe(false);
  });

  it('shows a take the working file holds but no commit does', async () => {
    const { project, file } = await sampleProject();
    fillTake(file, 'img-s03', 9);
    const listed = await variants(project, { node: 'img-s03' });
    expect(listed.nodes[0]!.unrecorded).toBe(true);
    expect(listed.nodes[0]!.variants.map((v) => v.current)).toEqual([false]);
  });
});
