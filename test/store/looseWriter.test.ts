// The native loose-object writer: git's layout and compression, objects written once, and nothing a
// ref reaches left without its folder synced.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { generateWorkflow, serialize } from '../../fixtures/generator.js';
import { fsckStrict, git, JANE, makeTempDir, commitFiles } from './helpers.js';

let cleanup: () => Promise<void>;
let gitdir: string;
let store: Store;
beforeEach(async () => {
  const made = await makeTempDir();
  cleanup = made.cleanup;
  gitdir = path.join(made.dir, '.nbv');
  store = await Store.init(gitdir);
});
afterEach(async () => cleanup());

const looseFile = (oid: string) => path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));

describe('loose objects written natively', () => {
  it('are what git writes: same ids as hash-object, zlib at best speed (core.looseCompression), read back by git byte for byte', async () => {
    const bytes = new TextEncoder().encode(serialize(generateWorkflow({ seed: 5, targetBytes: 300_000 }), 'two-space'));
    const oid = await store.writeBlob(bytes);
    expect(oid).toBe(git(gitdir, ['hash-object', '--stdin'], bytes).toString().trim());
    const raw = await fs.readFile(looseFile(oid));
    expect([raw[0], raw[1]]).toEqual([0x78, 0x01]); // zlib header of level 1
    expect(inflateSync(raw).subarray(0, 12).toString('latin1')).toBe(`blob ${bytes.length}\0`.slice(0, 12));
    expect(Buffer.compare(git(gitdir, ['cat-file', 'blob', oid]), Buffer.from(bytes))).toBe(0);
  });

  it('writes an object once: a second write of the same bytes leaves the file as it was', async () => {
    const oid = await store.writeBlob(new TextEncoder().encode('{"tabs": []}\n'));
    const before = await fs.stat(looseFile(oid));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.writeBlob(new TextEncoder().encode('{"tabs": []}\n'))).toBe(oid);
    const after = await fs.stat(looseFile(oid));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('commits through them pass fsck --strict, including an empty tree, and leave no temp files behind', async () => {
    const oid = await store.withLock(() =>
      commitFiles(store, { ref: 'refs/heads/w', expectedOld: null, parents: [], files: {}, message: 'empty\n', author: JANE }),
    );
    const second = await store.withLock(() =>
      commitFiles(store, { ref: 'refs/heads/w', expectedOld: oid, parents: [oid], files: { 'a b.nbflow': new Uint8Array([1, 2]), 'op.json': new Uint8Array(0) }, message: 'two\n', author: JANE }),
    );
    fsckStrict(gitdir);
    expect(git(gitdir, ['ls-tree', '--name-only', second]).toString()).toBe('a b.nbflow\nop.json\n');
    const leftovers: string[] = [];
    for (const fan of await fs.readdir(path.join(gitdir, 'objects'))) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      for (const name of await fs.readdir(path.join(gitdir, 'objects', fan))) if (!/^[0-9a-f]{38}$/.test(name)) leftovers.push(name);
    }
    expect(leftovers).toEqual([]);
  });
});
