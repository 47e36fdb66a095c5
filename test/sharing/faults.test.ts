// Faults, each a clear error with nothing lost on either side: a connection cut in the middle of
// a fetch and of a push (the server is killed mid-transfer), wrong credentials, a URL that does
// not answer, a repository that is not an nbv project. A retry after the fault works.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRemote, clone, commit, fetch, listRemotes, openProject, pull, push, verify, NbvError, type Project } from '../../src/index.js';
import { startGitServer, type GitServer } from './helpers/gitServer.js';
import { bareRepo, contextFor, editField, fsck, imageNodes, removeDir, sampleProject, tempRoot, WORKING } from './helpers/projects.js';

const AUTH = { username: 'studio', password: 's3cret-token-XYZ' };
let root: string;
let srv: string;
let server: GitServer;

beforeAll(async () => {
  root = tempRoot();
  srv = path.join(root, 'srv');
  fs.mkdirSync(srv);
  server = await startGitServer(srv, { auth: AUTH });
});
afterAll(async () => {
  await server.stop();
  removeDir(root);
});

async function failure(promise: Promise<unknown>): Promise<NbvError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NbvError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

function withAuth(project: Project, auth: { username: string; password: string } | null): Project {
  const env = { ...project.context.env, NBV_USERNAME: auth?.username, NBV_PASSWORD: auth?.password };
  return { ...project, context: { ...project.context, env } };
}

function refsOf(gitdir: string): string {
  return execFileSync('git', ['--git-dir', gitdir, 'for-each-ref', '--format=%(refname) %(objectname)'], { encoding: 'utf8' });
}

describe('faults while sharing', () => {
  it('wrong or missing credentials: a clear error that never shows the secret; nothing changes', async () => {
    bareRepo(srv, 'auth.git');
    const jane = await sampleProject(path.join(root, 'auth-jane'));
    await addRemote(jane, 'origin', server.url('auth.git'));
    const before = refsOf(jane.gitdir);
    const wrong = await failure(push(withAuth(jane, { username: 'studio', password: 'wrong-password-123' })));
    expect(wrong.code).toBe('REMOTE_AUTH');
    expect(wrong.message).toMatch(/refused the credentials/);
    expect(wrong.message).not.toContain('wrong-password-123');
    const none = await failure(push(withAuth(jane, null)));
    expect(none.code).toBe('REMOTE_AUTH');
    expect(none.message).toMatch(/NBV_USERNAME/);
    // push records the settings ref first; nothing else of ours moved
    expect(refsOf(jane.gitdir).split('\n').filter((l) => !l.startsWith('refs/nbv/config'))).toEqual(before.split('\n').filter((l) => !l.startsWith('refs/nbv/config')));
    await push(withAuth(jane, AUTH));
    expect(fs.readFileSync(path.join(jane.gitdir, 'config'), 'utf8')).not.toContain(AUTH.password);
  });

  it('credentials in a URL are refused before anything is saved, and not echoed', async () => {
    const jane = await sampleProject(path.join(root, 'url-jane'));
    const err = await failure(addRemote(jane, 'origin', `http://studio:${AUTH.password}@127.0.0.1:${server.port}/x.git`));
    expect(err.code).toBe('BAD_USAGE');
    expect(err.message).not.toContain(AUTH.password);
    expect(await listRemotes(jane)).toEqual([]);
  });

  it('a URL that does not answer, and a repository that is not an nbv project', async () => {
    const jane = await sampleProject(path.join(root, 'dead-jane'));
    await addRemote(jane, 'origin', 'http://127.0.0.1:9/nothing.git');
    expect((await failure(fetch(jane))).code).toBe('REMOTE_UNREACHABLE');
    const plain = bareRepo(root, 'plain.git');
    const work = path.join(root, 'plain-work');
    execFileSync('git', ['clone', '-q', plain, work]);
    fs.writeFileSync(path.join(work, 'README'), 'not nbv\n');
    execFileSync('git', ['-C', work, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qam', 'x', '--allow-empty']);
    execFileSync('git', ['-C', work, 'add', 'README']);
    execFileSync('git', ['-C', work, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'readme']);
    execFileSync('git', ['-C', work, 'push', '-q', 'origin', 'HEAD:refs/heads/main']);
    const target = path.join(root, 'plain-clone');
    const err = await failure(clone({ url: plain, dir: target, context: contextFor('omar') }));
    expect(err.code).toBe('NOT_AN_NBV_REMOTE');
    expect(fs.existsSync(target)).toBe(false);
  });

  it('the server killed in the middle of a fetch and of a push: nothing lost, a retry works', async () => {
    const repo = bareRepo(srv, 'cut.git');
    const jane = withAuth(await sampleProject(path.join(root, 'cut-jane')), AUTH);
    await addRemote(jane, 'origin', server.url('cut.git'));
    await push(jane);

    // a clone cut halfway through the pack leaves no folder behind; the retry clones
    const omarDir = path.join(root, 'cut-omar');
    server.cutNext({ service: 'git-upload-pack', afterBytes: 20_000 });
    const cutClone = await failure(clone({ url: server.url('cut.git'), dir: omarDir, context: { ...contextFor('omar'), env: { ...contextFor('omar').env, NBV_USERNAME: AUTH.username, NBV_PASSWORD: AUTH.password } } }));
    expect(cutClone.code).toBe('REMOTE_UNREACHABLE');
    expect(server.cuts()).toBe(1);
    expect(fs.existsSync(omarDir)).toBe(false);
    await clone({ url: server.url('cut.git'), dir: omarDir, context: { ...contextFor('omar'), env: { ...contextFor('omar').env, NBV_USERNAME: AUTH.username, NBV_PASSWORD: AUTH.password } } });
    const omar = await openProject(omarDir, { ...contextFor('omar'), env: { ...contextFor('omar').env, NBV_USERNAME: AUTH.username, NBV_PASSWORD: AUTH.password } });

    // Jane's new work; Omar's fetch is cut: his refs and files stay as they were
    const id = imageNodes(path.join(jane.root, WORKING))[0]!;
    editField(path.join(jane.root, WORKING), id, 'prompt', 'Jane after the cut.');
    await commit(jane, { message: 'after the cut' });
    const serverBefore = refsOf(repo);
    // a push cut halfway: the server keeps what it had
    server.cutNext({ service: 'git-receive-pack', afterBytes: 2_000 });
    expect((await failure(push(jane))).code).toBe('REMOTE_UNREACHABLE');
    expect(refsOf(repo)).toBe(serverBefore);
    fsck(repo);
    await push(jane);

    const omarRefs = refsOf(omar.gitdir);
    const omarBytes = fs.readFileSync(path.join(omarDir, WORKING));
    server.cutNext({ service: 'git-upload-pack', afterBytes: 200 });
    expect((await failure(pull(omar))).code).toBe('REMOTE_UNREACHABLE');
    expect(refsOf(omar.gitdir)).toBe(omarRefs);
    expect(fs.readFileSync(path.join(omarDir, WORKING)).equals(omarBytes)).toBe(true);
    fsck(omar.gitdir);
    const pulled = await pull(omar);
    expect(pulled.workflows[0]!.result).toBe('fast-forward');
    expect(fs.readFileSync(path.join(omarDir, WORKING)).equals(fs.readFileSync(path.join(jane.root, WORKING)))).toBe(true);
    expect((await verify(omar)).problems).toEqual([]);
    expect((await verify(jane)).problems).toEqual([]);
    fsck(repo);
  });
});
