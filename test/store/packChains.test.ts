// The packer on a history longer than one delta chain (src/store/pack.ts, deltaBases.ts): the real
// git verifies the pack and finds no chain past MAX_DELTA_DEPTH; each name's newest version is
// whole and no other version of the big file is; small files are deltas against the big file of
// their own commit; every object reads back byte for byte through git, isomorphic-git and the
// native reader; unreachable objects stay.
import * as fs from 'node:fs';
import * as path from 'node:path';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, serialize } from '../../fixtures/generator.js';
import { MAX_DELTA_DEPTH, packObjects } from '../../src/store/pack.js';
import { ObjectReader } from '../../src/store/objectReader.js';
import { Store } from '../../src/store/store.js';
import { fsckStrict, git as gitCli, JANE, makeTempDir, commitFiles, readFileAt, type CommitFilesInput } from './helpers.js';

const STATES = 120; // more than two full chains
let gitdir = '';
let cleanup = async () => {};
const trees: Array<Record<string, string>> = []; // newest first
let before = new Map<string, Buffer>();
let stray = '';

/** Every object in the store, by the real git: oid -> `<type> <size>\n<content>`. */
function allObjects(dir: string): Map<string, Buffer> {
  const oids = gitCli(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).toString().trim().split('\n');
  const out = gitCli(dir, ['cat-file', '--batch'], Buffer.from(oids.join('\n') + '\n'));
  const objects = new Map<string, Buffer>();
  let at = 0;
  for (const oid of oids) {
    const eol = out.indexOf(0x0a, at);
    const [, type, size] = out.toString('latin1', at, eol).split(' ');
    objects.set(oid, Buffer.concat([Buffer.from(`${type} ${size}\n`), out.subarray(eol + 1, eol + 1 + Number(size))]));
    at = eol + 1 + Number(size) + 1;
  }
  return objects;
}

beforeAll(async () => {
  ({ dir: gitdir, cleanup } = await makeTempDir());
  const store = await Store.init(gitdir);
  let parent: string | null = null;
  for (const [i, step] of generateHistory({ seed: 21, steps: STATES, targetBytes: 20_000 }).entries()) {
    const nbflow = Buffer.from(serialize(step.doc, 'two-space'));
    // A record that repeats a stretch of the big file, as a patch repeats the values it sets.
    const from = (i * 5003) % (nbflow.length - 3000);
    const files = {
      'XYZG3-V0-1.nbflow': nbflow,
      'op.json': Buffer.from(JSON.stringify({ seq: i, op: step.op, message: step.message }, null, 2)),
      'patch.json': Buffer.concat([Buffer.from(`[{"op":"replace","seq":${i},"value":`), nbflow.subarray(from, from + 3000), Buffer.from('}]')]),
    };
    const author = { ...JANE, timestamp: JANE.timestamp + i * 60 };
    const input: CommitFilesInput = { ref: 'refs/heads/XYZG3', expectedOld: parent, parents: parent ? [parent] : [], files, message: `state ${i}`, author };
    parent = await store.withLock((): Promise<string> => commitFiles(store, input));
  }
  for (let c: string | null = parent; c !== null; ) {
    const commit = await store.readCommit(c);
    trees.push(await store.readTree(commit.tree));
    c = commit.parents[0] ?? null;
  }
  stray = await store.withLock(() => store.writeBlob(Buffer.from('written, never committed: must survive\n')));
  before = allObjects(gitdir);
  await packObjects(gitdir);
}, 120_000);

afterAll(() => cleanup());

describe('packObjects on a long history', () => {
  it('keeps every object, byte for byte, as the real git, isomorphic-git and the native reader read it', async () => {
    expect(fs.readdirSync(path.join(gitdir, 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    const after = allObjects(gitdir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(after.has(stray)).toBe(true);
    const reader = new ObjectReader(gitdir);
    const cache = {};
    for (const [oid, bytes] of before) {
      expect(after.get(oid)!.equals(bytes)).toBe(true);
      const content = bytes.subarray(bytes.indexOf(0x0a) + 1);
      expect(Buffer.from(reader.read(oid)!.content).equals(content)).toBe(true);
      const viaIso = await git.readObject({ fs, gitdir, oid, format: 'content', cache });
      expect(Buffer.from(viaIso.object as Uint8Array).equals(content)).toBe(true);
    }
    fsckStrict(gitdir);
  });

  it(`keeps chains within ${MAX_DELTA_DEPTH}, the newest of each name whole, and no second whole copy of the big file`, () => {
    const pack = fs.readdirSync(path.join(gitdir, 'objects', 'pack')).find((n) => n.endsWith('.idx'))!;
    const verify = gitCli(gitdir, ['verify-pack', '-v', path.join(gitdir, 'objects', 'pack', pack)]).toString();
    const chains = [...verify.matchAll(/^chain length = (\d+): \d+ objects?$/gm)].map((m) => Number(m[1]));
    expect(Math.max(...chains)).toBeLessThanOrEqual(MAX_DELTA_DEPTH);
    expect(Math.max(...chains)).toBeGreaterThan(10);
    const base = new Map<string, string | null>();
    for (const line of verify.split('\n')) {
      const f = line.split(/\s+/);
      if (/^[0-9a-f]{40}$/.test(f[0] ?? '') && f.length >= 5) base.set(f[0]!, f[6] ?? null);
    }
    const newest = trees[0]!;
    for (const oid of Object.values(newest)) expect(base.get(oid)).toBeNull();
    const nbflows = new Set(trees.map((t) => t['XYZG3-V0-1.nbflow']!));
    expect([...nbflows].filter((oid) => base.get(oid) === null)).toEqual([newest['XYZG3-V0-1.nbflow']]);
    // Older patches repeat their own commit's big file: that is their base.
    const older = trees.slice(1);
    const onSibling = older.filter((t) => base.get(t['patch.json']!) === t['XYZG3-V0-1.nbflow']).length;
    expect(onSibling).toBeGreaterThan(older.length * 0.8);
  });

  it('merges packs by copying their deltas, and the merged pack still holds every object exactly', async () => {
    // Two more states, packed on their own, then merged with the big pack by the geometric rule
    // forced to take every pack: the old deltas are copied, the new states get fresh ones.
    const store = await Store.open(gitdir);
    let parent = (await store.resolveRef('refs/heads/XYZG3'))!;
    const nbflow = Buffer.from(await readFileAt(store, parent, 'XYZG3-V0-1.nbflow'));
    for (const i of [1, 2]) {
      const files = { 'XYZG3-V0-1.nbflow': Buffer.concat([nbflow, Buffer.from(`\n${i}`)]), 'op.json': Buffer.from(`{"more": ${i}}`), 'patch.json': Buffer.from('[]') };
      const input: CommitFilesInput = { ref: 'refs/heads/XYZG3', expectedOld: parent, parents: [parent], files, message: `more ${i}`, author: JANE };
      parent = await store.withLock((): Promise<string> => commitFiles(store, input));
    }
    await packObjects(gitdir, { merge: 'none' });
    const objects = allObjects(gitdir);
    const merged = await packObjects(gitdir, { merge: 'all', reuseDeltas: true });
    expect(merged.packsRemoved).toBe(2);
    expect(merged.reused).toBeGreaterThan(STATES * 2);
    expect(merged.deltas).toBeGreaterThan(merged.reused);
    const after = allObjects(gitdir);
    expect([...after.keys()].sort()).toEqual([...objects.keys()].sort());
    for (const [oid, bytes] of objects) expect(after.get(oid)!.equals(bytes)).toBe(true);
    const idx = path.join(gitdir, 'objects', 'pack', fs.readdirSync(path.join(gitdir, 'objects', 'pack')).find((n) => n.endsWith('.idx'))!);
    const chains = [...gitCli(gitdir, ['verify-pack', '-v', idx]).toString().matchAll(/^chain length = (\d+):/gm)].map((m) => Number(m[1]));
    expect(Math.max(...chains)).toBeLessThanOrEqual(MAX_DELTA_DEPTH);
    fsckStrict(gitdir);
  });
});

describe('an old state brought back (a restore, an undo)', () => {
  it('is written loose when it was read through a long chain, then read from the newer pack, whole', async () => {
    const store = await Store.open(gitdir);
    const oldest = trees.at(-1)!['XYZG3-V0-1.nbflow']!;
    const probe = new ObjectReader(gitdir);
    const bytes = Buffer.from(probe.read(oldest)!.content);
    expect(probe.deltaChain(oldest)).toBeGreaterThan(10);
    // The store reads it (the restore's read of the state it brings back), then commits it.
    expect(Buffer.from(await store.readBlob(oldest)).equals(bytes)).toBe(true);
    let parent = (await store.resolveRef('refs/heads/XYZG3'))!;
    const files = { 'XYZG3-V0-1.nbflow': bytes, 'op.json': Buffer.from('{"restore": true}'), 'patch.json': Buffer.from('[]') };
    parent = await store.withLock((): Promise<string> => commitFiles(store, { ref: 'refs/heads/XYZG3', expectedOld: parent, parents: [parent], files, message: 'restore the oldest', author: JANE }));
    expect(fs.existsSync(path.join(gitdir, 'objects', oldest.slice(0, 2), oldest.slice(2)))).toBe(true);
    fsckStrict(gitdir);
    // Packed with the other loose objects, it is the newest of its name in the new pack: whole,
    // and the newer pack is where a reader finds it.
    await packObjects(gitdir, { merge: 'none' });
    const fresh = new ObjectReader(gitdir);
    expect(Buffer.from(fresh.read(oldest)!.content).equals(bytes)).toBe(true);
    expect(fresh.deltaChain(oldest)).toBe(0);
    fsckStrict(gitdir);
  });
});
