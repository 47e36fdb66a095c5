// A remote is hostile until checked: a history whose op records name files outside the project,
// or settings that are not settings, is refused before any ref moves or any file is written.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRemote, clone, fetch, push, NbvError } from '../../src/index.js';
import { bareRepo, contextFor, removeDir, sampleProject, tempRoot } from './helpers/projects.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' };
let root: string;
beforeAll(() => void (root = tempRoot()));
afterAll(() => removeDir(root));

function git(gitdir: string, args: string[], input?: string): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], { env: GIT_ENV, input, encoding: 'utf8' }).trim();
}

/** A commit on `ref` of `repo` whose op record (taken from `template`, then changed) names `file`. */
function forge(repo: string, ref: string, parent: string, change: (op: Record<string, unknown>) => void, treeName: string): string {
  const op = JSON.parse(git(repo, ['show', `${parent}:op.json`])) as Record<string, unknown>;
  change(op);
  delete op['chain'];
  const opBlob = git(repo, ['hash-object', '-w', '--stdin'], JSON.stringify(op));
  const fileBlob = git(repo, ['rev-parse', `${parent}^{tree}`]).length ? git(repo, ['ls-tree', parent]).split('\n').find((l) => l.endsWith('.nbflow'))!.split(/\s+/)[2]! : '';
  const patchBlob = git(repo, ['hash-object', '-w', '--stdin'], '[]\n');
  const tree = git(repo, ['mktree'], `100644 blob ${fileBlob}\t${treeName}\n100644 blob ${opBlob}\top.json\n100644 blob ${patchBlob}\tpatch.json\n`);
  const commit = git(repo, ['commit-tree', tree, '-p', parent, '-m', 'commit XYZG3 V0-3: forged']);
  git(repo, ['update-ref', ref, commit]);
  return commit;
}

async function failure(promise: Promise<unknown>): Promise<NbvError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NbvError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('a hostile remote', () => {
  it.each([
    ['a working file outside the project', (op: Record<string, unknown>) => void (op['file'] = '../../escaped.nbflow'), 'escaped.nbflow'],
    ['a working file inside the store', (op: Record<string, unknown>) => void (op['file'] = '.nbv/hooks/XYZG3-V0-3.nbflow'), 'XYZG3-V0-3.nbflow'],
    ['a backups path climbing out', (op: Record<string, unknown>) => void (op['view'] = [{ path: 'backups/../../../evil', state: 'self' }]), 'XYZG3-V0-3.nbflow'],
  ])('%s: the clone is refused, nothing is written anywhere', async (_what, change, treeName) => {
    const name = treeName + String(Math.random()).slice(2, 8);
    const repo = bareRepo(root, `${name}.git`);
    const jane = await sampleProject(path.join(root, `${name}-jane`));
    await addRemote(jane, 'origin', repo);
    await push(jane);
    const head = git(repo, ['rev-parse', 'refs/heads/XYZG3']);
    forge(repo, 'refs/heads/XYZG3', head, change, treeName);
    const target = path.join(root, 'deep', 'inside', `${name}-clone`);
    const err = await failure(clone({ url: repo, dir: target, context: contextFor('omar') }));
    expect(err.code).toBe('CORRUPT_STORE');
    // Refused where the record is read (its path is not a project path), before anything is written.
    expect(err.message).toMatch(/climbs out|points into the store|refused/);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(path.join(root, 'deep', 'escaped.nbflow'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'deep', 'evil'))).toBe(false);
  });

  it('settings that are not settings are refused on fetch; our refs do not move', async () => {
    const repo = bareRepo(root, 'badconfig.git');
    const jane = await sampleProject(path.join(root, 'badconfig-jane'));
    await addRemote(jane, 'origin', repo);
    await push(jane);
    const blob = git(repo, ['hash-object', '-w', '--stdin'], '{"cacheFields": 42}\n');
    const tree = git(repo, ['mktree'], `100644 blob ${blob}\tnbv-config.json\n`);
    const commit = git(repo, ['commit-tree', tree, '-p', git(repo, ['rev-parse', 'refs/nbv/config']), '-m', 'settings: bad']);
    git(repo, ['update-ref', 'refs/nbv/config', commit]);
    const before = git(jane.gitdir, ['for-each-ref']);
    const err = await failure(fetch(jane));
    expect(err.code).toBe('BAD_CONFIG');
    expect(git(jane.gitdir, ['for-each-ref'])).toBe(before);
  });
});
