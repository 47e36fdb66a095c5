// Both people change the same thing: the same prompt (a conflict, resolved or aborted), or both
// bump the version (the puller's unpushed version is renumbered). Over a bare repository on a
// local path, the shared-drive setup.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addRemote, bump, clone, commit, log, mergeAbort, restore, mergeContinue, openProject, pull, push, resolve, status, verify, NbvError, type Project,
} from '../../src/index.js';
import { bareRepo, contextFor, editField, fsck, imageNodes, nodeData, removeDir, sampleProject, tempRoot, WORKING } from './helpers/projects.js';
import { readFileAt } from '../store/helpers.js';

let root: string;
beforeAll(() => void (root = tempRoot()));
afterAll(() => removeDir(root));

async function pair(name: string): Promise<{ jane: Project; omar: Project; repo: string }> {
  const repo = bareRepo(root, `${name}.git`);
  const jane = await sampleProject(path.join(root, `${name}-jane`));
  await addRemote(jane, 'origin', repo);
  await push(jane);
  const omarDir = path.join(root, `${name}-omar`);
  await clone({ url: `file://${repo}`, dir: omarDir, context: contextFor('omar') });
  return { jane, omar: await openProject(omarDir, contextFor('omar', '2026-05-13T09:00:00+02:00')), repo };
}

async function expectVerified(project: Project): Promise<void> {
  const report = await verify(project);
  expect(report.problems, JSON.stringify(report.problems, null, 1)).toEqual([]);
}

describe('conflicts and renumbering, over a bare repository on a local path', () => {
  it('the same prompt edited on both sides: conflict listed, resolved field by field, continued', async () => {
    const { jane, omar, repo } = await pair('prompt');
    const id = imageNodes(path.join(jane.root, WORKING))[0]!;
    const omarFile = path.join(omar.root, WORKING);
    editField(path.join(jane.root, WORKING), id, 'prompt', 'Jane: night market, lanterns.');
    await commit(jane, { message: 'lanterns' });
    await push(jane);
    editField(omarFile, id, 'prompt', 'Omar: night market, rain.');
    // left unrecorded on purpose: the pull records it first

    const pulled = await pull(omar);
    expect(pulled.workflows[0]!.result).toBe('conflicts');
    expect(pulled.workflows[0]!.saved).not.toBeNull();
    expect(nodeData(omarFile, id)['prompt']).toBe('Omar: night market, rain.');
    const report = (await status(omar, {}))[0]!;
    expect(report.merge?.conflicts.map((c) => [c.node, c.field, c.ours, c.theirs])).toEqual([[id, '/data/prompt', 'Omar: night market, rain.', 'Jane: night market, lanterns.']]);
    await expect(push(omar)).rejects.toMatchObject({ code: 'MERGE_IN_PROGRESS' });
    await expect(mergeContinue(omar)).rejects.toMatchObject({ code: 'MERGE_IN_PROGRESS' });

    const settled = await resolve(omar, { node: id, field: 'data/prompt', side: 'theirs' });
    expect(settled.remaining).toEqual([]);
    expect(nodeData(omarFile, id)['prompt']).toBe('Jane: night market, lanterns.');
    const done = await mergeContinue(omar);
    expect(done.merged[0]!.entry.op.op).toBe('merge');
    expect(done.merged[0]!.entry.stored.parents).toHaveLength(2);
    await push(omar);
    await pull(jane);
    expect(fs.readFileSync(path.join(jane.root, WORKING)).equals(fs.readFileSync(omarFile))).toBe(true);
    fsck(repo);
    await expectVerified(jane);
    await expectVerified(omar);
  });

  it('merge --abort brings our bytes back exactly', async () => {
    const { jane, omar } = await pair('abort');
    const id = imageNodes(path.join(jane.root, WORKING))[1]!;
    const omarFile = path.join(omar.root, WORKING);
    editField(path.join(jane.root, WORKING), id, 'model', 'NB3');
    await commit(jane, { message: 'model' });
    await push(jane);
    editField(omarFile, id, 'model', 'NB1-legacy');
    await commit(omar, { message: 'older model' });
    const before = fs.readFileSync(omarFile);
    const pulled = await pull(omar);
    expect(pulled.workflows[0]!.result).toBe('conflicts');
    const aborted = await mergeAbort(omar);
    expect(aborted.restored).toHaveLength(1);
    expect(fs.readFileSync(omarFile).equals(before)).toBe(true);
    expect((await status(omar, {}))[0]!.merge).toBeNull();
    await expect(mergeAbort(omar)).rejects.toBeInstanceOf(NbvError);
    await expectVerified(omar);
  });

  it('both sides bump V0-3 to V0-4: the puller renumbers its own to V0-5 and says so', async () => {
    const { jane, omar, repo } = await pair('bump');
    const ids = imageNodes(path.join(jane.root, WORKING));
    editField(path.join(jane.root, WORKING), ids[0]!, 'prompt', 'Jane before her bump.');
    await commit(jane, { message: 'jane edit' });
    await bump(jane, { message: 'jane bump' });
    await push(jane);
    editField(path.join(omar.root, WORKING), ids[2]!, 'prompt', 'Omar before his bump.');
    await commit(omar, { message: 'omar edit' });
    await bump(omar, { message: 'omar bump' });
    const omarV4 = (await log(omar, {}))[0]!.commit;

    const pulled = await pull(omar);
    const item = pulled.workflows[0]!;
    expect(item.renumbered).toEqual([{ from: 'V0-4', to: 'V0-5' }]);
    expect(item.result).toBe('merged');
    expect(fs.existsSync(path.join(omar.root, 'XYZG3-V0-5.nbflow'))).toBe(true);
    expect(fs.existsSync(path.join(omar.root, 'XYZG3-V0-4.nbflow'))).toBe(false);
    const merged = path.join(omar.root, 'XYZG3-V0-5.nbflow');
    expect(nodeData(merged, ids[0]!)['prompt']).toBe('Jane before her bump.');
    expect(nodeData(merged, ids[2]!)['prompt']).toBe('Omar before his bump.');
    // the old, unpushed commit is still in the store, restorable by its id
    expect(await omar.store.hasObject(omarV4)).toBe(true);
    await push(omar);
    await pull(jane);
    expect(fs.readFileSync(path.join(jane.root, 'XYZG3-V0-5.nbflow')).equals(fs.readFileSync(merged))).toBe(true);
    fsck(repo);
    await expectVerified(jane);
    await expectVerified(omar);
    // the renumbered-away state is still restorable by its old id
    const restored = await restore(omar, { ref: omarV4 });
    expect(restored.recorded).toBe(true);
    expect(nodeData(merged, ids[2]!)['prompt']).toBe('Omar before his bump.');
    expect(nodeData(merged, ids[0]!)['prompt']).not.toBe('Jane before her bump.');

    // a clone from scratch holds every state of both sides, byte-exact
    await push(omar);
    const freshDir = path.join(root, 'bump-fresh');
    await clone({ url: repo, dir: freshDir, context: contextFor('omar') });
    const fresh = await openProject(freshDir, contextFor('omar'));
    const history = await log(omar, {});
    for (const item of history) {
      expect(Buffer.from(await readFileAt(fresh.store, item.commit, path.basename(item.file))).equals(Buffer.from(await readFileAt(omar.store, item.commit, path.basename(item.file))))).toBe(true);
    }
    for (const parent of history.flatMap((i) => i.parents)) expect(await fresh.store.hasObject(parent)).toBe(true);
    expect(fs.readFileSync(path.join(freshDir, 'XYZG3-V0-5.nbflow')).equals(fs.readFileSync(merged))).toBe(true);
    for (const name of fs.readdirSync(path.join(omar.root, 'backups'))) {
      expect(fs.readFileSync(path.join(freshDir, 'backups', name)).equals(fs.readFileSync(path.join(omar.root, 'backups', name))), name).toBe(true);
    }
    await expectVerified(fresh);
  });
});
