// The store: a content-addressed history in a bare git repository. It knows refs, commits, flat
// trees of named blobs and metadata files, and nothing of what the blobs mean.
//
// Crash safety comes from the order of writes: every object is written atomically and made
// durable (looseWriter.ts, flushed by flushObjects) before the ref that makes it reachable moves,
// and a ref only moves by compare-and-swap under the project lock. A crash therefore leaves at
// worst unreachable objects, never a ref to a missing or torn one.

import { AsyncLocalStorage } from 'node:async_hooks';
import * as path from 'node:path';
import { NbvError } from '../errors.js';
import { atomicFs } from './atomicFs.js';
import { ObjectReader, parseTree, type GitObject } from './objectReader.js';
import { assertTreeEntryName, hashBlob, parseCommit, renderCommit, renderFlatTree } from './gitFormat.js';
import { LooseObjectWriter } from './looseWriter.js';
import { acquireProjectLock, type LockOptions } from './lock.js';
import { assertFullOid, assertValidRefName, isFullOid } from './refNames.js';
import * as refs from './refs.js';
import { guarded, isNotFound, wrapStoreError } from './storeErrors.js';
import { assertStoreLayout, createStoreLayout, deleteMetaFile, readMetaFile, writeMetaFile } from './storeLayout.js';
import type { RefEntry, StoredCommit, WriteCommitInput } from './types.js';

/** Who holds the lock in an async context; `held` turns false on release so stray tasks see it. */
interface LockTicket {
  owner: Store;
  held: boolean;
}

// One AsyncLocalStorage for every Store, holding the tickets of the locks held in a context. Node
// keeps every AsyncLocalStorage that ever ran and visits each one for every promise created, so
// one per Store (one per openProject) made a long-lived process slower with each project opened:
// a commit took 5x longer after 10,000 of them.
const heldLocks = new AsyncLocalStorage<readonly LockTicket[]>();

// isomorphic-git only serves what the native reader cannot (an index format it does not parse, an
// id prefix searched over the whole store), so it is loaded on first use: most commands never
// pay the ~100 ms its code takes to load.
let isomorphicGit: Promise<typeof import('isomorphic-git').default> | undefined;
const loadGit = () => (isomorphicGit ??= import('isomorphic-git').then((m) => m.default));

function asBytes(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export class Store {
  /** Absolute path of the git directory (`<project>/.nbv`). */
  readonly gitdir: string;
  // One isomorphic-git cache per Store: it keeps parsed pack indexes between reads.
  private readonly cache: object = {};
  // Reads go through node's zlib and sha1 first; isomorphic-git is the fallback (see objectReader).
  private readonly reader: ObjectReader;
  // Writes go through node's zlib too; their folders are synced before any ref moves (flushObjects).
  private readonly writer: LooseObjectWriter;

  private constructor(gitdir: string) {
    this.gitdir = gitdir;
    this.reader = new ObjectReader(gitdir);
    this.writer = new LooseObjectWriter(gitdir, this.reader);
  }

  /** Create a new empty store (a bare git repository, HEAD -> refs/heads/main). ALREADY_EXISTS if one is there. */
  static async init(gitdir: string): Promise<Store> {
    const abs = path.resolve(gitdir);
    await createStoreLayout(abs);
    return new Store(abs);
  }

  /** Open an existing store; NOT_A_PROJECT when `gitdir` is missing or not a git directory. */
  static async open(gitdir: string): Promise<Store> {
    const abs = path.resolve(gitdir);
    await assertStoreLayout(abs);
    return new Store(abs);
  }

  /** The git blob id of `bytes` (what `git hash-object` prints), computed without writing. */
  static hashBlob(bytes: Uint8Array): string {
    return hashBlob(bytes);
  }

  // ---- the lock ---------------------------------------------------------------------------------

  /**
   * Run `fn` holding the project lock (waiting up to `options.waitMs` for another nbv; LOCKED after).
   * NOT re-entrant: calling withLock from inside `fn` throws rather than waiting on itself.
   */
  async withLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    if (this.holdsLock()) {
      throw new Error('nbv internal error: Store#withLock is not re-entrant (the lock is already held here)');
    }
    const release = await acquireProjectLock(this.gitdir, options);
    const ticket: LockTicket = { owner: this, held: true };
    let result: T;
    try {
      result = await heldLocks.run([...(heldLocks.getStore() ?? []), ticket], fn);
    } catch (err) {
      ticket.held = false;
      await release().catch(() => undefined); // the caller's error matters more than ours
      throw err;
    }
    ticket.held = false;
    await release();
    return result;
  }

  /** True when the calling async context is inside this Store's withLock. */
  holdsLock(): boolean {
    return heldLocks.getStore()?.some((ticket) => ticket.owner === this && ticket.held) === true;
  }

  private async underLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.holdsLock() ? fn() : this.withLock(fn);
  }

  // ---- objects ----------------------------------------------------------------------------------

  private objectPath(oid: string): string {
    return path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  }

  /** Store `bytes` as a blob; returns its oid (equal to hashBlob(bytes)). */
  async writeBlob(bytes: Uint8Array): Promise<string> {
    return guarded('cannot write a blob', this.gitdir, () => this.writer.write('blob', bytes));
  }

  /** Every object written so far is durable once this returns: run before a ref may reach them. */
  private async flushObjects(): Promise<void> {
    await guarded('cannot sync the object folders', this.gitdir, () => this.writer.flush());
  }

  /** Object `oid` read natively (tags peeled, as isomorphic-git's readBlob and readTree do, when
   * `peelTags`); null when the native reader does not find it, so the caller falls back. */
  private async readNative(oid: string, what: string, peelTags: boolean): Promise<GitObject | null> {
    return guarded(`cannot read ${what} ${oid}`, this.objectPath(oid), async () => {
      let object = this.reader.read(oid);
      for (let hops = 0; peelTags && object?.type === 'tag' && hops < 32; hops++) {
        const target = /^object ([0-9a-f]{40})$/m.exec(Buffer.from(object.content).toString('latin1'));
        object = target === null ? null : this.reader.read(target[1]!);
      }
      return object;
    });
  }

  /** The exact bytes of blob `oid`; CORRUPT_STORE when it is missing or not a blob. */
  async readBlob(oid: string): Promise<Uint8Array> {
    assertFullOid(oid);
    const native = await this.readNative(oid, 'blob', true);
    if (native?.type === 'blob') return native.content;
    return guarded(`cannot read blob ${oid}`, this.objectPath(oid), async () => {
      const { blob } = await (await loadGit()).readBlob({ fs: atomicFs, gitdir: this.gitdir, oid, cache: this.cache });
      return asBytes(blob);
    });
  }

  /** True when object `oid` (of any type) is in the store, loose or packed. */
  async hasObject(oid: string): Promise<boolean> {
    if (!isFullOid(oid)) return false;
    const known = await guarded(`cannot look up object ${oid}`, this.gitdir, async () => this.reader.has(oid));
    if (known !== null) return known;
    // a pack whose index the native reader does not parse: ask isomorphic-git
    try {
      await (await loadGit()).readObject({ fs: atomicFs, gitdir: this.gitdir, oid, format: 'deflated', cache: this.cache });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw wrapStoreError(err, `cannot look up object ${oid}`, this.gitdir);
    }
  }

  private async assertObjects(oids: string[], what: string): Promise<void> {
    for (const oid of oids) {
      if (!(await this.hasObject(oid))) {
        throw new NbvError('CORRUPT_STORE', `${what} ${oid} is not in the store`, { file: this.gitdir, details: { oid } });
      }
    }
  }

  /** Write a flat tree (name -> blob oid, mode 100644, git's order); the blobs must exist. */
  async writeTree(entries: Record<string, string>): Promise<string> {
    const list = Object.entries(entries);
    for (const [name, oid] of list) {
      assertTreeEntryName(name);
      assertFullOid(oid, `blob id for ${JSON.stringify(name)}`);
    }
    await this.assertObjects(list.map(([, oid]) => oid), 'blob');
    return guarded('cannot write a tree', this.gitdir, () => this.writer.write('tree', renderFlatTree(entries)));
  }

  /** The entries of flat tree `oid` (a commit oid reads its tree); CORRUPT_STORE if it holds subtrees. */
  async readTree(oid: string): Promise<Record<string, string>> {
    assertFullOid(oid);
    const { tree } =
      (await this.readTreeNative(oid)) ??
      (await guarded(`cannot read tree ${oid}`, this.objectPath(oid), async () =>
        (await loadGit()).readTree({ fs: atomicFs, gitdir: this.gitdir, oid, cache: this.cache }),
      ));
    const nested = tree.find((entry) => entry.type !== 'blob');
    if (nested !== undefined) {
      throw new NbvError('CORRUPT_STORE', `tree ${oid} is not flat: ${nested.path} is a ${nested.type}`, { file: this.gitdir });
    }
    // fromEntries defines own properties, so a file named `__proto__` stays a plain entry.
    return Object.fromEntries(tree.map((entry) => [entry.path, entry.oid]));
  }

  /** Like isomorphic-git's readTree (a commit or tag reads its tree), or null to fall back to it. */
  private async readTreeNative(oid: string): Promise<{ tree: { path: string; oid: string; type: string }[] } | null> {
    let object = await this.readNative(oid, 'tree', true);
    if (object?.type === 'commit') {
      const tree = /^tree ([0-9a-f]{40})\n/.exec(Buffer.from(object.content.subarray(0, 46)).toString('latin1'));
      object = tree === null ? null : await this.readNative(tree[1]!, 'tree', true);
    }
    if (object?.type !== 'tree') return null;
    const entries = parseTree(object.content);
    return entries === null ? null : { tree: entries };
  }

  /** Write a commit object; tree and parents must exist. The message round-trips exactly. */
  async writeCommit(input: WriteCommitInput): Promise<string> {
    const object = renderCommit({ ...input, committer: input.committer ?? input.author });
    await this.assertObjects([input.tree], 'tree');
    await this.assertObjects(input.parents, 'parent commit');
    return guarded('cannot write a commit', this.gitdir, () => this.writer.write('commit', object));
  }

  /** Read commit `oid`; CORRUPT_STORE when it is missing, not a commit, or malformed. */
  async readCommit(oid: string): Promise<StoredCommit> {
    assertFullOid(oid, 'commit id');
    const file = this.objectPath(oid);
    const native = await this.readNative(oid, 'commit', false);
    const result =
      native !== null
        ? { type: native.type, object: native.content }
        : await guarded(`cannot read commit ${oid}`, file, async () =>
            (await loadGit()).readObject({ fs: atomicFs, gitdir: this.gitdir, oid, format: 'content', cache: this.cache }),
          );
    if (result.type !== 'commit' || !(result.object instanceof Uint8Array)) {
      throw new NbvError('CORRUPT_STORE', `${oid} is a ${result.type}, not a commit`, { file });
    }
    const fields = parseCommit(result.object);
    if (fields === null) throw new NbvError('CORRUPT_STORE', `commit ${oid} is malformed`, { file });
    return { oid, ...fields };
  }

  // ---- refs -------------------------------------------------------------------------------------

  /** The oid `ref` (a full name such as `refs/heads/XYZG3`, or `HEAD`) points at, or null. */
  async resolveRef(ref: string): Promise<string | null> {
    return refs.readRef(this.gitdir, ref);
  }

  /**
   * Compare-and-swap `ref` from `expectedOld` (null: must not exist) to `oid`, which must be in the
   * store. Takes the project lock unless this context holds it. REF_CONFLICT when the ref moved.
   */
  async updateRef(ref: string, oid: string, expectedOld: string | null): Promise<void> {
    assertValidRefName(ref);
    assertFullOid(oid);
    await this.assertObjects([oid], 'object');
    await this.flushObjects();
    await this.underLock(() => refs.updateRef(this.gitdir, ref, oid, expectedOld));
  }

  /** Compare-and-swap delete of `ref`, which must hold `expectedOld`. Takes the lock unless held. */
  async deleteRef(ref: string, expectedOld: string): Promise<void> {
    await this.underLock(() => refs.deleteRef(this.gitdir, ref, expectedOld));
  }

  /** Create lightweight tag `refs/tags/<name>` (e.g. `XYZG3/V0-3`) at `oid`; ALREADY_EXISTS if present. */
  async createTag(name: string, oid: string): Promise<void> {
    if (name.startsWith('refs/')) throw new NbvError('BAD_USAGE', `tag name ${JSON.stringify(name)} must not start with refs/`);
    const ref = `refs/tags/${name}`;
    try {
      await this.updateRef(ref, oid, null);
    } catch (err) {
      if (err instanceof NbvError && err.code === 'REF_CONFLICT' && typeof err.details.actual === 'string') {
        throw new NbvError('ALREADY_EXISTS', `tag ${name} already exists (at ${err.details.actual}); tags are never moved`, {
          details: { ref, oid: err.details.actual },
        });
      }
      throw err;
    }
  }

  /** All refs whose full name starts with `prefix` (e.g. `refs/tags/XYZG3/`), sorted by name. */
  async listRefs(prefix: string): Promise<RefEntry[]> {
    return refs.listRefs(this.gitdir, prefix);
  }

  // ---- history ----------------------------------------------------------------------------------

  /** Commits from `oid` along first parents, newest first, at most `limit` of them. */
  async *walkFirstParent(oid: string, options: { limit?: number } = {}): AsyncGenerator<StoredCommit> {
    let next: string | undefined = oid;
    for (let count = 0; next !== undefined && (options.limit === undefined || count < options.limit); count++) {
      const commit = await this.readCommit(next);
      yield commit;
      next = commit.parents[0];
    }
  }

  // ---- metadata files ---------------------------------------------------------------------------

  /** The bytes of metadata file `<gitdir>/<name>`, or null when absent. */
  async readMeta(name: string): Promise<Uint8Array | null> {
    return readMetaFile(this.gitdir, name);
  }

  /** Replace metadata file `<gitdir>/<name>` atomically. Take withLock for read-modify-write. */
  async writeMeta(name: string, bytes: Uint8Array): Promise<void> {
    await writeMetaFile(this.gitdir, name, bytes);
  }

  /** Remove metadata file `<gitdir>/<name>`; absent is fine. */
  async deleteMeta(name: string): Promise<void> {
    await deleteMetaFile(this.gitdir, name);
  }
}
