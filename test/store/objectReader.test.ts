// The native read path must return what git itself (`git cat-file --batch`) and the old
// isomorphic-git path return, for loose objects, nbv's own packs and real git's repacks
// (OFS_DELTA, REF_DELTA, 64-bit offsets), and must still call a torn object CORRUPT_STORE.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommit } from '../../src/store/gitFormat.js';
import { ObjectReader } from '../../src/store/objectReader.js';
import { packObjects } from '../../src/store/pack.js';
import { Store } from '../../src/store/store.js';
import type { Signature } from '../../src/store/types.js';
import { fsckStrict, git as realGit, JANE, makeTempDir, rejectsWith, commitFiles, readFileAt } from './helpers.js';

let dir: string;
let gitdir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  gitdir = path.join(dir, '.nbv');
});
afterEach(async () => cleanup());

const ZONES = [-120, 0, -0, 330, -345];

/** A history whose files change a little each time, so that packers make long delta chains. */
async function buildHistory(store: Store, count: number): Promise<string[]> {
  const commits: string[] = [];
  const nodes = Array.from({ length: 120 }, (_, i) => ({ id: `node-${i}`, prompt: `a lighthouse at dusk, take ${i}` }));
  let parent: string | null = null;
  for (let i = 0; i < count; i++) {
    nodes[(i * 7) % nodes.length]!.prompt += ` (edit ${i})`;
    const author: Signature = { ...JANE, timestamp: JANE.timestamp + i * 60, timezoneOffset: ZONES[i % ZONES.length]! };
    const files: Record<string, Uint8Array> = {
      'XYZG3-V0-3.nbflow': Buffer.from(JSON.stringify({ nodes, step: i }, null, 2)),
      'op.json': Buffer.from(JSON.stringify({ op: 'commit', n: i })),
      'raw.bin': Uint8Array.from({ length: 300 }, (_, k) => (k * 31 + i) & 0xff),
    };
    const message = i % 4 === 0 ? `\n\nstep ${i}\r\nwith a CR and trailing lines\n\n` : `step ${i}`;
    const oid: string = await store.withLock(() =>
      commitFiles(store, { ref: 'refs/heads/XYZG3', expectedOld: parent, parents: parent === null ? [] : [parent], files, message, author }),
    );
    commits.push(oid);
    parent = oid;
  }
  return commits;
}

/** Every object in the store with git's own view of its type and bytes. */
function gitObjects(): Map<string, { type: string; content: Buffer }> {
  const list = realGit(gitdir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).toString().trim().split('\n');
  const out = realGit(gitdir, ['cat-file', '--batch'], Buffer.from(list.join('\n') + '\n'));
  const objects = new Map<string, { type: string; content: Buffer }>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    const [oid, type, size] = out.toString('latin1', at, eol).split(' ');
    const content = out.subarray(eol + 1, eol + 1 + Number(size));
    objects.set(oid!, { type: type!, content });
    at = eol + 1 + Number(size) + 1;
  }
  return objects;
}

async function expectSameAsGit(commits: string[], viaIsomorphicGit = true): Promise<void> {
  const objects = gitObjects();
  expect(objects.size).toBeGreaterThanOrEqual(commits.length * 3);
  const reader = new ObjectReader(gitdir);
  for (const [oid, want] of objects) {
    const got = reader.read(oid);
    expect(got?.type, oid).toBe(want.type);
    expect(Buffer.from(got!.content).equals(want.content), oid).toBe(true);
  }
  const store = await Store.open(gitdir);
  if (!viaIsomorphicGit) {
    for (const oid of commits) {
      const commit = await store.readCommit(oid);
      expect(commit).toEqual({ oid, ...parseCommit(objects.get(oid)!.content) });
      const blob = /^100644 XYZG3-V0-3.nbflow\0([\s\S]{20})/m.exec(objects.get(commit.tree)!.content.toString('latin1'));
      const want = objects.get(Buffer.from(blob![1]!, 'latin1').toString('hex'))!.content;
      expect(Buffer.from(await readFileAt(store, oid, 'XYZG3-V0-3.nbflow')).equals(want)).toBe(true);
    }
    return;
  }
  // Through the Store, against what isomorphic-git itself makes of the same objects.
  const cache = {};
  for (const oid of commits) {
    const { object } = await git.readObject({ fs, gitdir, oid, format: 'content', cache });
    const commit = await store.readCommit(oid);
    expect(commit).toEqual({ oid, ...parseCommit(object as Uint8Array) });
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    expect(await store.readTree(commit.tree)).toEqual(Object.fromEntries(tree.map((e) => [e.path, e.oid])));
    expect(await store.readTree(oid)).toEqual(await store.readTree(commit.tree));
    for (const entry of tree) {
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
      expect(await readFileAt(store, oid, entry.path)).toEqual(new Uint8Array(blob));
    }
    expect(await store.hasObject(oid)).toBe(true);
  }
  expect(Object.is((await store.readCommit(commits[2]!)).author.timezoneOffset, -0)).toBe(true);
  expect(await store.hasObject('0'.repeat(40))).toBe(false);
}

function packFiles(): Promise<string[]> {
  return fs.readdir(path.join(gitdir, 'objects', 'pack')).catch(() => []);
}

describe('ObjectReader', () => {
  it('reads loose objects, nbv packs and real git repacks exactly as git does', async () => {
    const store = await Store.init(gitdir);
    const commits = await buildHistory(store, 20);
    await expectSameAsGit(commits);

    const packed = await packObjects(gitdir);
    expect(packed.deltas).toBeGreaterThan(0);
    await expectSameAsGit(commits);

    realGit(gitdir, ['gc', '--aggressive', '--prune=now', '-q']);
    await expectSameAsGit(commits);

    realGit(gitdir, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-adf', '-q', '--depth=50']);
    await expectSameAsGit(commits);

    realGit(gitdir, ['repack', '-adf', '-q', '--depth=50']);
    // Rewrite the index with every offset but the first in the 64-bit table, as for a pack over
    // 2 GiB (git refuses an index whose first entry is there too).
    const pack = (await packFiles()).find((n) => n.endsWith('.pack'))!;
    const idx = path.join(gitdir, 'objects', 'pack', pack.replace(/\.pack$/, '.idx'));
    await fs.rm(idx);
    realGit(gitdir, ['index-pack', '--index-version=2,12', '-o', idx, path.join(gitdir, 'objects', 'pack', pack)]);
    const bytes = await fs.readFile(idx);
    const count = bytes.readUInt32BE(8 + 255 * 4);
    const offsets = Array.from({ length: count }, (_, i) => bytes.readUInt32BE(8 + 1024 + count * 24 + i * 4));
    expect(offsets.filter((o) => o & 0x80000000)).toHaveLength(count - 1);
    await expectSameAsGit(commits, false); // isomorphic-git cannot read such an index at all
    fsckStrict(gitdir);
  });

  it('follows the store when gc replaces its packs between reads', async () => {
    const store = await Store.init(gitdir);
    const commits = await buildHistory(store, 6);
    await packObjects(gitdir);
    const before = await readFileAt(store, commits[0]!, 'XYZG3-V0-3.nbflow');
    realGit(gitdir, ['repack', '-adf', '-q']);
    expect(await packFiles()).not.toEqual([]);
    expect(await readFileAt(store, commits[0]!, 'XYZG3-V0-3.nbflow')).toEqual(before);
    expect(await store.hasObject(commits[5]!)).toBe(true);

    // The same objects repacked without deltas, after reads that filled the reader's caches.
    const readAll = async () => Promise.all(commits.map((c) => readFileAt(store, c, 'XYZG3-V0-3.nbflow')));
    const first = await readAll();
    realGit(gitdir, ['repack', '-adf', '-q', '--window=0']);
    expect(await readAll()).toEqual(first);
    expect(first.map((bytes) => Store.hashBlob(bytes))).toEqual(
      commits.map((c) => realGit(gitdir, ['rev-parse', `${c}:XYZG3-V0-3.nbflow`]).toString().trim()),
    );
  });

  it('calls a tampered, torn or missing object CORRUPT_STORE and names it', async () => {
    const store = await Store.init(gitdir);
    const [c1] = await buildHistory(store, 2);
    const tree = await store.readTree(c1!);
    const blob = tree['op.json']!;
    // Loose: a well-formed object under the wrong name, then a file that is not zlib at all.
    const file = path.join(gitdir, 'objects', blob.slice(0, 2), blob.slice(2));
    const other = path.join(gitdir, 'objects', tree['raw.bin']!.slice(0, 2), tree['raw.bin']!.slice(2));
    await fs.chmod(file, 0o644);
    await fs.copyFile(other, file);
    let err = await rejectsWith(store.readBlob(blob), 'CORRUPT_STORE');
    expect(err.message).toContain(blob);
    await fs.writeFile(file, 'not zlib');
    err = await rejectsWith(store.readBlob(blob), 'CORRUPT_STORE');
    expect(err.message).toContain(blob);
    await fs.rm(file);
    err = await rejectsWith(store.readBlob(blob), 'CORRUPT_STORE');
    expect(err.message).toContain(blob);
    expect(await store.hasObject(blob)).toBe(false);

    // Packed: flip bytes in the middle of the pack, where the entries' zlib streams are.
    const fresh = path.join(dir, 'fresh');
    const s2 = await Store.init(fresh);
    gitdir = fresh;
    const commits = await buildHistory(s2, 3);
    await packObjects(fresh);
    const pack = path.join(fresh, 'objects', 'pack', (await packFiles()).find((n) => n.endsWith('.pack'))!);
    const bytes = await fs.readFile(pack);
    for (let i = 40; i < bytes.length - 40; i += 7) bytes[i] = bytes[i]! ^ 0x55;
    await fs.chmod(pack, 0o644);
    await fs.writeFile(pack, bytes);
    const reopened = await Store.open(fresh);
    err = await rejectsWith(reopened.readCommit(commits[0]!), 'CORRUPT_STORE');
    expect(err.message).toContain(commits[0]!);
  });
});
