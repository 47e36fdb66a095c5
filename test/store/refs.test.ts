import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refNameProblem } from '../../src/store/refNames.js';
import { Store } from '../../src/store/store.js';
import { fsckStrict, git, JANE, makeTempDir, rejectsWith, commitFiles } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let gitdir: string;
let store: Store;
let c1: string;
let c2: string;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  gitdir = path.join(dir, '.nbv');
  store = await Store.init(gitdir);
  const tree = await store.writeTree({ f: await store.writeBlob(new Uint8Array([1])) });
  c1 = await store.writeCommit({ tree, parents: [], message: 'one', author: JANE });
  c2 = await store.writeCommit({ tree, parents: [c1], message: 'two', author: JANE });
});
afterEach(async () => cleanup());

const BRANCH = 'refs/heads/XYZG3';

describe('updateRef (compare-and-swap)', () => {
  it('creates, then moves only from the expected value', async () => {
    await store.updateRef(BRANCH, c1, null);
    await store.updateRef(BRANCH, c2, c1);
    expect(await store.resolveRef(BRANCH)).toBe(c2);
    expect(await fs.readFile(path.join(gitdir, 'refs', 'heads', 'XYZG3'), 'utf8')).toBe(`${c2}\n`);
    expect(git(gitdir, ['rev-parse', BRANCH]).toString().trim()).toBe(c2);
    fsckStrict(gitdir);
  });

  it('of two updates from the same expected old value, the second fails and changes nothing', async () => {
    await store.updateRef(BRANCH, c1, null);
    await store.updateRef(BRANCH, c2, c1);
    const err = await rejectsWith(store.updateRef(BRANCH, c1, c1), 'REF_CONFLICT');
    expect(err.message).toContain(BRANCH);
    expect(err.message).toContain(c1);
    expect(err.message).toContain(c2);
    expect(err.details).toMatchObject({ ref: BRANCH, expected: c1, actual: c2 });
    expect(await store.resolveRef(BRANCH)).toBe(c2);
  });

  it('racing commitFiles calls from one base: exactly one wins, the ref holds the winner', async () => {
    await store.updateRef(BRANCH, c1, null);
    const attempt = (name: string) =>
      store.withLock(() =>
        commitFiles(store, { ref: BRANCH, expectedOld: c1, parents: [c1], files: { f: Buffer.from(name) }, message: name, author: JANE }),
      );
    const results = await Promise.allSettled([attempt('a'), attempt('b')]);
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ code: 'REF_CONFLICT' });
    expect(await store.resolveRef(BRANCH)).toBe(won[0]);
  });

  it('expectedOld null fails when the ref exists; a missing ref fails an expected value', async () => {
    await rejectsWith(store.updateRef(BRANCH, c1, c2), 'REF_CONFLICT');
    expect(await store.resolveRef(BRANCH)).toBeNull();
    await store.updateRef(BRANCH, c1, null);
    await rejectsWith(store.updateRef(BRANCH, c2, null), 'REF_CONFLICT');
    expect(await store.resolveRef(BRANCH)).toBe(c1);
  });

  it('never points a ref at an object the store does not have', async () => {
    await rejectsWith(store.updateRef(BRANCH, 'f'.repeat(40), null), 'CORRUPT_STORE');
    await rejectsWith(store.updateRef(BRANCH, 'HEAD', null), 'BAD_USAGE');
    expect(await store.resolveRef(BRANCH)).toBeNull();
  });

  it('refuses a ref that clashes with an existing ref namespace', async () => {
    await store.updateRef('refs/heads/a', c1, null);
    await rejectsWith(store.updateRef('refs/heads/a/b', c1, null), 'REF_CONFLICT');
    await store.updateRef('refs/heads/x/y', c1, null);
    await rejectsWith(store.updateRef('refs/heads/x', c1, null), 'REF_CONFLICT');
    git(gitdir, ['pack-refs', '--all']);
    await rejectsWith(store.updateRef('refs/heads/a/c', c1, null), 'REF_CONFLICT');
  });
});

describe('tags', () => {
  it('are created once and never overwritten', async () => {
    await store.createTag('XYZG3/V0-3', c1);
    expect(git(gitdir, ['rev-parse', 'refs/tags/XYZG3/V0-3']).toString().trim()).toBe(c1);
    const err = await rejectsWith(store.createTag('XYZG3/V0-3', c2), 'ALREADY_EXISTS');
    expect(err.message).toContain('XYZG3/V0-3');
    await rejectsWith(store.updateRef('refs/tags/XYZG3/V0-3', c2, c1), 'BAD_USAGE');
    await rejectsWith(store.updateRef('refs/tags/XYZG3/V0-3', c2, null), 'REF_CONFLICT');
    expect(await store.resolveRef('refs/tags/XYZG3/V0-3')).toBe(c1);
    await rejectsWith(store.createTag('refs/tags/x', c1), 'BAD_USAGE');
    await rejectsWith(store.createTag('bad..name', c1), 'BAD_USAGE');
    fsckStrict(gitdir);
  });
});

describe('ref names', () => {
  const rejected = [
    'refs/heads/a..b', 'refs/heads/a b', 'refs/heads/a~1', 'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a?',
    'refs/heads/a*', 'refs/heads/a[', 'refs/heads/a\\b', 'refs/heads/a.lock', 'refs/heads/a.lock/b', 'refs/heads/a/',
    'refs/heads/a@{1}', 'refs/heads/a\u0001', 'refs/heads/a\u007f', 'refs/heads/.hidden', 'refs/heads//a', 'refs/heads/a.',
    'refs/heads/a\tb', 'refs/heads/a\nb',
  ];
  const accepted = ['refs/heads/XYZG3', 'refs/tags/XYZG3/V0-3', 'refs/heads/a.b', 'refs/heads/a-b_c', 'refs/heads/é'];

  it('are judged as git check-ref-format judges them', () => {
    for (const ref of [...rejected, ...accepted]) {
      const gitSays = spawnSync('git', ['check-ref-format', ref]).status === 0;
      expect(refNameProblem(ref) === null, ref).toBe(gitSays);
    }
  });

  it('are rejected before anything is written', async () => {
    for (const ref of [...rejected, 'heads/main', 'refs/heads', 'HEAD']) {
      await rejectsWith(store.updateRef(ref, c1, null), 'BAD_USAGE');
    }
    for (const ref of accepted) await store.updateRef(ref, c1, null);
    expect((await store.listRefs('refs/')).map((r) => r.ref)).toEqual([...accepted].sort());
    fsckStrict(gitdir);
  });
});

describe('reading and listing refs', () => {
  it('follows HEAD, prefers loose over packed, ignores temp and lock files, sorts', async () => {
    expect(await store.resolveRef('HEAD')).toBeNull();
    await store.updateRef('refs/heads/main', c1, null);
    expect(await store.resolveRef('HEAD')).toBe(c1);
    await store.updateRef('refs/heads/b', c1, null);
    git(gitdir, ['pack-refs', '--all']);
    await store.updateRef('refs/heads/b', c2, c1); // loose again, shadowing the packed entry
    await fs.writeFile(path.join(gitdir, 'refs', 'heads', '.b.tmp-1-ab'), 'junk');
    await fs.writeFile(path.join(gitdir, 'refs', 'heads', 'c.lock'), `${c1}\n`);
    expect(await store.listRefs('refs/heads/')).toEqual([
      { ref: 'refs/heads/b', oid: c2 },
      { ref: 'refs/heads/main', oid: c1 },
    ]);
    expect(await store.listRefs('refs/tags/')).toEqual([]);
    expect(git(gitdir, ['rev-parse', 'refs/heads/b']).toString().trim()).toBe(c2);
  });

  it('reports a ref file holding garbage as CORRUPT_STORE', async () => {
    await fs.writeFile(path.join(gitdir, 'refs', 'heads', 'bad'), 'not an oid\n');
    await rejectsWith(store.resolveRef('refs/heads/bad'), 'CORRUPT_STORE');
  });
});
