// Two people share the sample production through the real `git http-backend`: push, clone,
// concurrent work merged through pull, and every state of both sides still there after.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addRemote, clone, commit, log, openProject, pull, push, restore, verify, wipe, NbvError, type Project,
} from '../../src/index.js';
import { startGitServer, type GitServer } from './helpers/gitServer.js';
import { bareRepo, contextFor, editField, fsck, imageNodes, nodeData, removeDir, sampleProject, tempRoot, WORKING } from './helpers/projects.js';
import { readFileAt } from '../store/helpers.js';

let root: string;
let server: GitServer;

beforeAll(async () => {
  root = tempRoot();
  fs.mkdirSync(path.join(root, 'srv'));
  server = await startGitServer(path.join(root, 'srv'));
});
afterAll(async () => {
  await server.stop();
  removeDir(root);
});

async function expectVerified(project: Project): Promise<void> {
  const report = await verify(project);
  expect(report.problems, JSON.stringify(report.problems, null, 1)).toEqual([]);
}

async function rejection(promise: Promise<unknown>): Promise<NbvError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NbvError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('sharing through git http-backend', () => {
  it('push starts an empty repository; a clone restores every state byte-exact', async () => {
    const repo = bareRepo(path.join(root, 'srv'), 'first.git');
    const jane = await sampleProject(path.join(root, 'first-jane'));
    await addRemote(jane, 'origin', server.url('first.git'));
    const pushed = await push(jane);
    expect(pushed.started).toBe(true);
    fsck(repo);

    const omarDir = path.join(root, 'first-omar');
    const cloned = await clone({ url: server.url('first.git'), dir: omarDir, context: contextFor('omar') });
    expect(cloned.workflows.map((w) => w.name)).toEqual(['XYZG3']);
    const omar = await openProject(omarDir, contextFor('omar'));
    expect(fs.readFileSync(path.join(omarDir, WORKING)).equals(fs.readFileSync(path.join(jane.root, WORKING)))).toBe(true);
    for (const name of fs.readdirSync(path.join(jane.root, 'backups'))) {
      expect(fs.readFileSync(path.join(omarDir, 'backups', name)).equals(fs.readFileSync(path.join(jane.root, 'backups', name))), name).toBe(true);
    }
    // every state restores on the clone exactly as it was recorded
    const history = await log(jane, {});
    expect((await log(omar, {})).map((e) => e.commit)).toEqual(history.map((e) => e.commit));
    const janeStore = jane.store;
    for (const item of history) {
      await restore(omar, { ref: item.commit });
      const expected = await readFileAt(janeStore, item.commit, path.basename(item.file));
      expect(Buffer.from(fs.readFileSync(path.join(omarDir, WORKING))).equals(Buffer.from(expected)), item.commit).toBe(true);
    }
    await expectVerified(jane);
    await expectVerified(omar);
  });

  it('different scenes edited on each side merge through pull; the same prompt edited twice conflicts', async () => {
    const repo = bareRepo(path.join(root, 'srv'), 'scenes.git');
    const jane = await sampleProject(path.join(root, 'scenes-jane'));
    await addRemote(jane, 'origin', server.url('scenes.git'));
    await push(jane);
    const omarDir = path.join(root, 'scenes-omar');
    await clone({ url: server.url('scenes.git'), dir: omarDir, context: contextFor('omar') });
    const omar = await openProject(omarDir, contextFor('omar', '2026-05-12T10:00:00+02:00'));
    const [first, second] = imageNodes(path.join(jane.root, WORKING));
    const janeFile = path.join(jane.root, WORKING);
    const omarFile = path.join(omarDir, WORKING);

    editField(janeFile, first!, 'prompt', 'Jane: a rainy street at dusk, neon reflections.');
    await commit(jane, { message: 'rain on the first scene' });
    await push(jane);
    editField(omarFile, second!, 'prompt', 'Omar: a quiet beach at dawn, long shadows.');
    await commit(omar, { message: 'dawn on the second scene' });

    const refused = await rejection(push(omar));
    expect(refused.code).toBe('REMOTE_REJECTED');
    expect(refused.message).toMatch(/pull first/);

    const pulled = await pull(omar);
    expect(pulled.workflows[0]!.result).toBe('merged');
    expect(nodeData(omarFile, first!)['prompt']).toBe('Jane: a rainy street at dusk, neon reflections.');
    expect(nodeData(omarFile, second!)['prompt']).toBe('Omar: a quiet beach at dawn, long shadows.');
    const merge = (await log(omar, {}))[0]!;
    expect(merge.op).toBe('merge');
    await push(omar);
    const back = await pull(jane);
    expect(back.workflows[0]!.result).toBe('fast-forward');
    expect(fs.readFileSync(janeFile).equals(fs.readFileSync(omarFile))).toBe(true);
    fsck(repo);
    await expectVerified(jane);
    await expectVerified(omar);
  });

  it('a cache filled on one side and wiped on the other both arrive', async () => {
    bareRepo(path.join(root, 'srv'), 'caches.git');
    const jane = await sampleProject(path.join(root, 'caches-jane'));
    await addRemote(jane, 'origin', server.url('caches.git'));
    await push(jane);
    const omarDir = path.join(root, 'caches-omar');
    await clone({ url: server.url('caches.git'), dir: omarDir, context: contextFor('omar') });
    const omar = await openProject(omarDir, contextFor('omar'));
    const nodes = imageNodes(path.join(jane.root, WORKING)).filter((id) => (nodeData(path.join(jane.root, WORKING), id)['_savedImages'] as unknown[] | undefined)?.length);
    const [wiped, filled] = [nodes[0]!, nodes[1]!];
    await wipe(jane, { selector: { nodes: [wiped] } });
    await push(jane);
    editField(path.join(omarDir, WORKING), filled, '_savedImages', ['https://pub.r2.dev/out/new-a.png', 'https://pub.r2.dev/out/new-b.png']);
    await commit(omar, { message: 'runner filled the cache' });
    const pulled = await pull(omar);
    expect(pulled.workflows[0]!.result).toBe('merged');
    expect(nodeData(path.join(omarDir, WORKING), wiped)['_savedImages']).toEqual([]);
    expect(nodeData(path.join(omarDir, WORKING), filled)['_savedImages']).toEqual(['https://pub.r2.dev/out/new-a.png', 'https://pub.r2.dev/out/new-b.png']);
    await expectVerified(omar);
  });
});
