import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBlob, Store } from '../../src/store/index.js';
import type { Signature } from '../../src/store/types.js';
import { fsckStrict, git, JANE, makeTempDir, rejectsWith, commitFiles, readFileAt, type CommitFilesInput } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let gitdir: string;
let store: Store;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  gitdir = path.join(dir, '.nbv');
  store = await Store.init(gitdir);
});
afterEach(async () => cleanup());

const BINARY = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x0d, 0x0a, 0xed, 0xa0, 0x80]); // not UTF-8

function commitInput(over: Partial<CommitFilesInput> = {}): CommitFilesInput {
  return { ref: 'refs/heads/XYZG3', expectedOld: null, parents: [], files: {}, message: 'm', author: JANE, ...over };
}

const commit = (input: CommitFilesInput) => store.withLock(() => commitFiles(store, input));

describe('Store.init / Store.open', () => {
  it('creates a bare repository the real git accepts', async () => {
    expect(git(gitdir, ['rev-parse', '--is-bare-repository']).toString().trim()).toBe('true');
    expect(git(gitdir, ['config', 'core.bare']).toString().trim()).toBe('true');
    expect(git(gitdir, ['symbolic-ref', 'HEAD']).toString().trim()).toBe('refs/heads/main');
    fsckStrict(gitdir);
  });

  it('refuses to init over an existing store, and opens it', async () => {
    await rejectsWith(Store.init(gitdir), 'ALREADY_EXISTS');
    expect((await Store.open(gitdir)).gitdir).toBe(gitdir);
    const file = path.join(dir, 'plain-file');
    await fs.writeFile(file, 'x');
    await rejectsWith(Store.init(file), 'ALREADY_EXISTS');
  });

  it('opens nothing that is not a store: NOT_A_PROJECT', async () => {
    await rejectsWith(Store.open(path.join(dir, 'missing')), 'NOT_A_PROJECT');
    await fs.mkdir(path.join(dir, 'empty'));
    await rejectsWith(Store.open(path.join(dir, 'empty')), 'NOT_A_PROJECT');
  });
});

describe('blobs', () => {
  it('round-trips non-UTF-8 bytes exactly, with the same id as git hash-object', async () => {
    const oid = await store.writeBlob(BINARY);
    expect(oid).toBe(hashBlob(BINARY));
    expect(oid).toBe(Store.hashBlob(BINARY));
    expect(git(gitdir, ['hash-object', '--stdin'], BINARY).toString().trim()).toBe(oid);
    expect(await store.readBlob(oid)).toEqual(BINARY);
    expect(new Uint8Array(git(gitdir, ['cat-file', 'blob', oid]))).toEqual(BINARY);
    expect(await store.hasObject(oid)).toBe(true);
    expect(await store.hasObject(hashBlob(new Uint8Array([1])))).toBe(false);
  });

  it('round-trips a 5 MB blob and an empty one', async () => {
    const big = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const oid = await store.writeBlob(big);
    expect(Buffer.compare(Buffer.from(await store.readBlob(oid)), Buffer.from(big))).toBe(0);
    expect(Buffer.compare(git(gitdir, ['cat-file', 'blob', oid]), Buffer.from(big))).toBe(0);
    const empty = await store.writeBlob(new Uint8Array());
    expect(empty).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(await store.readBlob(empty)).toEqual(new Uint8Array());
    fsckStrict(gitdir);
  });

  it('reports a missing or corrupt object as CORRUPT_STORE, not a raw error', async () => {
    await rejectsWith(store.readBlob(hashBlob(new Uint8Array([9]))), 'CORRUPT_STORE');
    const oid = await store.writeBlob(BINARY);
    const file = path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    await fs.chmod(file, 0o644);
    await fs.writeFile(file, 'garbage, not zlib');
    const err = await rejectsWith((await Store.open(gitdir)).readBlob(oid), 'CORRUPT_STORE');
    expect(err.file).toBe(file);
  });
});

describe('trees', () => {
  it('writes flat trees in git order for awkward names; fsck agrees and they read back', async () => {
    const blob = await store.writeBlob(BINARY);
    const names = ['b', 'a.b', 'a', 'A', 'a-b', 'é.nbflow', '\u{FF5E}', '😀', '__proto__', 'constructor', 'XYZG3-V0-3.nbflow'];
    const entries = Object.fromEntries(names.map((n) => [n, blob]));
    const tree = await store.writeTree(entries);
    fsckStrict(gitdir);
    expect(await store.readTree(tree)).toEqual(entries);
    expect(Object.keys(await store.readTree(tree)).sort()).toEqual([...names].sort());
    const listed = git(gitdir, ['ls-tree', '-z', '--name-only', tree]).toString('utf8').split('\0').filter(Boolean);
    expect(new Set(listed)).toEqual(new Set(names));
  });

  it('rejects names a flat git tree cannot hold', async () => {
    const blob = await store.writeBlob(BINARY);
    for (const name of ['', 'a/b', '.', '..', '.git', '.GIT', 'x\0y', '\uD800']) {
      await rejectsWith(store.writeTree({ [name]: blob }), 'BAD_FILE_NAME');
    }
  });

  it('refuses a tree whose blobs are not in the store', async () => {
    await rejectsWith(store.writeTree({ a: hashBlob(new Uint8Array([7])) }), 'CORRUPT_STORE');
  });
});

describe('commits', () => {
  it('blobs, a tree, a commit and a ref written through the store are what git reads, byte for byte', async () => {
    const doc = Buffer.from('{"name":"XYZG3"}\n');
    const c1 = await commit(commitInput({ files: { 'XYZG3-V0-3.nbflow': doc, 'raw.bin': BINARY } }));
    const c2 = await commit(commitInput({ expectedOld: c1, parents: [c1], files: { 'raw.bin': BINARY }, message: 'second' }));
    fsckStrict(gitdir);
    expect(await store.resolveRef('refs/heads/XYZG3')).toBe(c2);
    expect(git(gitdir, ['log', '--all', '--format=%H']).toString().trim().split('\n')).toEqual([c2, c1]);
    expect(Buffer.compare(git(gitdir, ['show', `${c1}:XYZG3-V0-3.nbflow`]), doc)).toBe(0);
    expect(new Uint8Array(git(gitdir, ['show', `${c2}:raw.bin`]))).toEqual(BINARY);
    expect(await readFileAt(store, c1, 'raw.bin')).toEqual(BINARY);
    expect(await readFileAt(store, c1, 'XYZG3-V0-3.nbflow')).toEqual(new Uint8Array(doc));
    const read = await store.readCommit(c2);
    expect(read).toMatchObject({ oid: c2, parents: [c1], message: 'second', author: JANE, committer: JANE });
  });

  it('writes timezone offsets with isomorphic-git sign (minutes west): -120 is +0200, 300 is -0500', async () => {
    const east: Signature = { ...JANE, timezoneOffset: -120 };
    const west: Signature = { ...JANE, name: 'Bob', timezoneOffset: 300 };
    const oid = await commit(commitInput({ author: east, committer: west }));
    const text = git(gitdir, ['cat-file', '-p', oid]).toString();
    expect(text).toContain(`author Jane Doe <jane@example.com> ${JANE.timestamp} +0200\n`);
    expect(text).toContain(`committer Bob <jane@example.com> ${JANE.timestamp} -0500\n`);
    const read = await store.readCommit(oid);
    expect(read.author.timezoneOffset).toBe(-120);
    expect(read.committer.timezoneOffset).toBe(300);
    expect(git(gitdir, ['log', '-1', '--format=%ai', oid]).toString().trim()).toBe('2025-05-11 23:46:40 +0200');
  });

  it('round-trips messages exactly, including CR, blank lines and non-ASCII', async () => {
    let parent: string | null = null;
    for (const message of ['', 'one line', '\nleading', 'trailing\n\n', 'crlf\r\nbody\r\n', 'wipe Scene 03 — é 😀\n\n{"op":"wipe"}']) {
      const oid: string = await commit(commitInput({ expectedOld: parent, parents: parent ? [parent] : [], message }));
      expect((await store.readCommit(oid)).message).toBe(message);
      parent = oid;
    }
    fsckStrict(gitdir);
  });

  it('rejects signatures and messages git would misread', async () => {
    const tree = await store.writeTree({});
    const bad: Array<Partial<Signature>> = [
      { name: 'a <b>' }, { email: 'x>y' }, { name: 'line\nbreak' }, { name: '' }, { timestamp: -1 }, { timestamp: 1.5 }, { timezoneOffset: 24 * 60 },
    ];
    for (const over of bad) {
      await rejectsWith(store.writeCommit({ tree, parents: [], message: 'm', author: { ...JANE, ...over } }), 'BAD_USAGE');
    }
    await rejectsWith(store.writeCommit({ tree, parents: [], message: 'nul\0', author: JANE }), 'BAD_USAGE');
    await rejectsWith(store.writeCommit({ tree, parents: [hashBlob(BINARY)], message: 'm', author: JANE }), 'CORRUPT_STORE');
  });

  it('readCommit of a blob or of nothing is CORRUPT_STORE', async () => {
    await rejectsWith(store.readCommit(await store.writeBlob(BINARY)), 'CORRUPT_STORE');
    await rejectsWith(store.readCommit('0'.repeat(40)), 'CORRUPT_STORE');
    await rejectsWith(store.readCommit('abc'), 'BAD_USAGE');
  });

  it('walkFirstParent goes newest first along first parents, honouring limit', async () => {
    const side = await commit(commitInput({ ref: 'refs/heads/side', message: 'side' }));
    const oids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const prev = oids.at(-1) ?? null;
      const parents = prev === null ? [] : i === 2 ? [prev, side] : [prev];
      oids.push(await commit(commitInput({ expectedOld: prev, parents, message: `c${i}` })));
    }
    const walk = async (limit?: number) => {
      const seen: string[] = [];
      for await (const c of store.walkFirstParent(oids[3] ?? '', limit === undefined ? {} : { limit })) seen.push(c.message);
      return seen;
    };
    expect(await walk()).toEqual(['c3', 'c2', 'c1', 'c0']);
    expect(await walk(2)).toEqual(['c3', 'c2']);
    expect(await walk(0)).toEqual([]);
    fsckStrict(gitdir);
  });
});

describe('after the real git packs objects and refs', () => {
  it('still reads blobs, commits, refs and prefixes, and keeps committing by CAS', async () => {
    const c1 = await commit(commitInput({ files: { 'f.bin': BINARY } }));
    await store.createTag('XYZG3/V0-3', c1);
    git(gitdir, ['repack', '-a', '-d', '-q']);
    git(gitdir, ['pack-refs', '--all']);
    expect(await fs.readdir(path.join(gitdir, 'objects', c1.slice(0, 2))).catch(() => [])).toEqual([]);
    const reopened = await Store.open(gitdir);
    expect(await reopened.resolveRef('refs/heads/XYZG3')).toBe(c1);
    expect(await reopened.listRefs('refs/')).toEqual([
      { ref: 'refs/heads/XYZG3', oid: c1 },
      { ref: 'refs/tags/XYZG3/V0-3', oid: c1 },
    ]);
    expect(await reopened.hasObject(c1)).toBe(true);
    expect(await readFileAt(reopened, c1, 'f.bin')).toEqual(BINARY);
    await rejectsWith(reopened.createTag('XYZG3/V0-3', c1), 'ALREADY_EXISTS');
    const c2 = await reopened.withLock(() =>
      commitFiles(reopened, commitInput({ expectedOld: c1, parents: [c1], files: { 'f.bin': new Uint8Array([1]) } })),
    );
    expect(git(gitdir, ['rev-parse', 'refs/heads/XYZG3']).toString().trim()).toBe(c2);
    fsckStrict(gitdir);
  });
});

describe('metadata files', () => {
  it('writes, reads and deletes small files beside git, atomically', async () => {
    expect(await store.readMeta('nbv-journal.json')).toBeNull();
    await store.writeMeta('nbv-journal.json', BINARY);
    expect(await store.readMeta('nbv-journal.json')).toEqual(BINARY);
    await store.writeMeta('nbv-journal.json', new Uint8Array([1]));
    expect(await store.readMeta('nbv-journal.json')).toEqual(new Uint8Array([1]));
    await store.deleteMeta('nbv-journal.json');
    await store.deleteMeta('nbv-journal.json');
    expect(await store.readMeta('nbv-journal.json')).toBeNull();
    expect((await fs.readdir(gitdir)).filter((n) => n.includes('nbv-journal'))).toEqual([]);
    fsckStrict(gitdir);
  });

  it('rejects names that escape the gitdir or clobber git files', async () => {
    for (const name of ['../x', 'a/b', '..', '.hidden', '', 'HEAD', 'config', 'packed-refs', 'ORIG_HEAD', 'nbv.lock', 'refs', 'a\\b']) {
      await rejectsWith(store.writeMeta(name, BINARY), 'BAD_FILE_NAME');
    }
    expect(git(gitdir, ['symbolic-ref', 'HEAD']).toString().trim()).toBe('refs/heads/main');
  });
});

describe('the lock context across stores', () => {
  it('tells each store whether this async context holds its lock, with stores nested and in parallel', async () => {
    const other = await Store.init(path.join(dir, 'other', '.nbv'));
    expect(store.holdsLock()).toBe(false);
    await store.withLock(async () => {
      expect([store.holdsLock(), other.holdsLock()]).toEqual([true, false]);
      await other.withLock(async () => {
        expect([store.holdsLock(), other.holdsLock()]).toEqual([true, true]);
      });
      expect([store.holdsLock(), other.holdsLock()]).toEqual([true, false]);
      // A context that is not inside `other`'s lock, running at the same time, does not see it.
      await Promise.all([other.withLock(async () => expect(other.holdsLock()).toBe(true)), (async () => expect(other.holdsLock()).toBe(false))()]);
    });
    expect([store.holdsLock(), other.holdsLock()]).toEqual([false, false]);
    // Thousands of opened stores cost nothing per async step: one context is shared by all.
    for (let i = 0; i < 2000; i++) await (await Store.open(gitdir)).withLock(async () => undefined);
    expect(store.holdsLock()).toBe(false);
  });
});
