// The forged-store corpus (issue 16): `.nbv/` written by someone else. Journals, op records, the
// view cache, configs, refs and packed refs with hostile paths and values, and project folders
// whose symlinks lead out. Every case is refused, and nothing appears outside the project: each
// project lives in a temp parent folder whose contents are compared before and after.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bump, checkBackups, commit, initProject, isNbvError, openProject, restore, status, syncBackups, track, verify, wipe, type Project } from '../../src/index.js';
import { branchRef, readEntry } from '../../src/history/history.js';
import { JOURNAL_META } from '../../src/history/journal.js';
import { VIEW_CACHE_META } from '../../src/history/backupsView.js';
import { CONFIG_META } from '../../src/history/project.js';
import { hashBlob } from '../../src/store/index.js';
import { removeDir, SAMPLE_DIR, tempDir } from '../helpers/cli.js';

/** Every entry under dir: files by content, symlinks by target (never followed), folders. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isSymbolicLink()) out.set(rel, `link:${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) {
        out.set(rel, 'dir');
        walk(full);
      } else out.set(rel, hashBlob(fs.readFileSync(full)));
    }
  };
  walk(dir);
  return out;
}

const context = { author: 'Forge Tester <forge@example.com>', env: { NBV_NOW: '2026-05-12T10:15:00+02:00', NBV_GC_AUTO: '0' } };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

const WORKING = 'XYZG3-V0-3.nbflow';

interface Setup {
  parent: string;
  root: string;
  project: Project;
  /** Everything in the parent folder outside the project, before the attack. */
  outside: () => Map<string, string>;
}

async function trackedInParent(): Promise<Setup> {
  const parent = tempDir('nbv-forge-parent-');
  dirs.push(parent);
  const root = path.join(parent, 'project');
  fs.mkdirSync(root);
  fs.copyFileSync(path.join(SAMPLE_DIR, WORKING), path.join(root, WORKING));
  fs.writeFileSync(path.join(parent, 'victim.txt'), 'the user keeps this beside the project\n');
  const project = await initProject(root, context);
  await track(project, { file: path.join(root, WORKING), history: false });
  const outside = () => new Map([...snapshot(parent)].filter(([rel]) => !rel.startsWith(`project${path.sep}`)));
  return { parent, root, project, outside };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!isNbvError(err)) throw new Error(`expected an NbvError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

const HOSTILE_PATHS = ['../escaped.txt', '../../escaped.txt', 'backups/../../escaped.txt', '/tmp/nbv-forge-escaped.txt', '..\\escaped.txt', '.nbv/config', 'a/./b', 'x\0y'];

async function writeJournal(s: Setup, writes: unknown[], deletes: unknown[] = []): Promise<void> {
  const head = (await s.project.store.resolveRef(branchRef('XYZG3')))!;
  const entry = await readEntry(s.project, head);
  const journal = { format: 'nbv-journal/1', ref: branchRef('XYZG3'), oldOid: entry.parent, newOid: head, tags: [], writes, deletes };
  await s.project.store.writeMeta(JOURNAL_META, new TextEncoder().encode(JSON.stringify(journal)));
  void entry;
}

/** A new head whose op.json is `edit`ed (bytes written raw, as an attacker would, chain and all). */
async function forgeHead(s: Setup, edit: (op: Record<string, unknown>) => void): Promise<string> {
  const { store } = s.project;
  const head = (await store.resolveRef(branchRef('XYZG3')))!;
  const entry = await readEntry(s.project, head);
  const op = JSON.parse(new TextDecoder().decode(await store.readBlob(entry.opBlob))) as Record<string, unknown>;
  edit(op);
  const tree = await store.writeTree({
    [entry.treeFileName]: entry.fileBlob,
    'op.json': await store.writeBlob(new TextEncoder().encode(JSON.stringify(op, null, 2) + '\n')),
    'patch.json': entry.patchBlob,
  });
  const forged = await store.writeCommit({ tree, parents: [head], message: `commit XYZG3 V0-3: forged\n`, author: entry.stored.author });
  await store.updateRef(branchRef('XYZG3'), forged, head);
  return forged;
}

describe('forged store: journals', () => {
  it.each(HOSTILE_PATHS)('a journal writing %j is refused; the next command writes nothing outside', async (hostile) => {
    const s = await trackedInParent();
    const before = s.outside();
    // The planted bytes are in the store, so an nbv that trusted the path would write them.
    const blob = await s.project.store.writeBlob(new TextEncoder().encode('planted\n'));
    await writeJournal(s, [{ path: hostile, blob, replaceable: [] }]);
    const project = await openProject(s.root, context);
    const err = await refusal(commit(project, { message: 'after the forgery' }));
    expect(err.code).toBe('CORRUPT_STORE');
    expect(s.outside()).toEqual(before);
    expect(fs.existsSync('/tmp/nbv-forge-escaped.txt')).toBe(false);
  });

  it('a journal deleting a file outside the project is refused and the file stays', async () => {
    const s = await trackedInParent();
    const victim = fs.readFileSync(path.join(s.parent, 'victim.txt'));
    await writeJournal(s, [], [{ path: '../victim.txt', removable: [hashBlob(victim)] }]);
    const err = await refusal(commit(await openProject(s.root, context), { message: 'x' }));
    expect(err.code).toBe('CORRUPT_STORE');
    expect(fs.readFileSync(path.join(s.parent, 'victim.txt'))).toEqual(victim);
  });

  it('a journal moving a tag ref or a ref outside refs/heads is refused', async () => {
    const s = await trackedInParent();
    const head = (await s.project.store.resolveRef(branchRef('XYZG3')))!;
    const journal = { format: 'nbv-journal/1', ref: 'refs/heads/../../../escaped', oldOid: null, newOid: head, tags: [{ name: '../../x', oid: head }], writes: [{ path: WORKING, blob: head, replaceable: [] }], deletes: [] };
    await s.project.store.writeMeta(JOURNAL_META, new TextEncoder().encode(JSON.stringify(journal)));
    const before = s.outside();
    expect((await refusal(commit(await openProject(s.root, context), { message: 'x' }))).code).toBe('CORRUPT_STORE');
    expect(s.outside()).toEqual(before);
  });

  it('a journal writing through a symlinked folder that leads out is refused', async () => {
    const s = await trackedInParent();
    fs.mkdirSync(path.join(s.parent, 'elsewhere'));
    fs.symlinkSync(path.join(s.parent, 'elsewhere'), path.join(s.root, 'backups'));
    const before = s.outside();
    const blob = await s.project.store.writeBlob(new TextEncoder().encode('x'));
    await writeJournal(s, [{ path: 'backups/planted.nbflow', blob, replaceable: [] }]);
    const err = await refusal(commit(await openProject(s.root, context), { message: 'x' }));
    expect(err.code).toBe('BAD_PATH');
    expect(s.outside()).toEqual(before);
  });
});

describe('forged store: op records', () => {
  it('a view entry backups/../../file: verify names it, backups sync refuses and writes nothing outside', async () => {
    const s = await trackedInParent();
    await forgeHead(s, (op) => {
      op['view'] = [{ path: 'backups/../../escaped.nbflow', state: 'self' }];
    });
    const before = s.outside();
    const project = await openProject(s.root, context);
    const report = await verify(project);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.detail).join('\n')).toMatch(/backups\/\.\.\/\.\.\/escaped\.nbflow.*climbs out/);
    expect(report.problems.map((p) => p.detail).join('\n')).not.toMatch(/backups sync/);
    expect((await refusal(syncBackups(project))).code).toBe('CORRUPT_STORE');
    expect(s.outside()).toEqual(before);
    expect(fs.existsSync(path.join(s.parent, 'escaped.nbflow'))).toBe(false);
  });

  it.each(['../XYZG3-V0-3.nbflow', '/tmp/nbv-forge-escaped.nbflow'])('a head whose working file is %j: restore, wipe, bump and status refuse', async (hostile) => {
    const s = await trackedInParent();
    await forgeHead(s, (op) => {
      op['file'] = hostile;
    });
    const before = s.outside();
    const project = await openProject(s.root, context);
    for (const attempt of [() => restore(project, { ref: 'HEAD' }), () => wipe(project, { selector: { all: true } }), () => bump(project, {}), () => status(project)]) {
      expect((await refusal(attempt())).code).toBe('CORRUPT_STORE');
    }
    expect(s.outside()).toEqual(before);
    expect(fs.existsSync('/tmp/nbv-forge-escaped.nbflow')).toBe(false);
  });

  it('a forged view cache naming a path outside is ignored, not followed', async () => {
    const s = await trackedInParent();
    const head = (await s.project.store.resolveRef(branchRef('XYZG3')))!;
    const entry = await readEntry(s.project, head);
    const forge = (path: string) => {
      const data = [{ path, blob: entry.fileBlob, workflow: 'XYZG3', commit: head, stateCommit: head }];
      const cache = { format: 'nbv-derived/1', kind: 'backups-view', workflows: { XYZG3: { head, key: '', data } } };
      return s.project.store.writeMeta(VIEW_CACHE_META, new TextEncoder().encode(JSON.stringify(cache)));
    };
    // The forged file is read as the cache: a path inside the project is taken as it says.
    await forge('backups/planted.nbflow');
    await syncBackups(await openProject(s.root, context));
    expect(fs.existsSync(path.join(s.root, 'backups', 'planted.nbflow'))).toBe(true);
    await forge('../escaped.nbflow');
    const before = s.outside();
    await syncBackups(await openProject(s.root, context));
    expect(s.outside()).toEqual(before);
  });
});

describe('forged store: config, refs, packed refs', () => {
  it.each([
    ['cacheFields', { cacheFields: ['__proto__'] }],
    ['kinds', JSON.parse('{"kinds": {"__proto__": "image"}}')],
    ['promptFields', { promptFields: ['constructor'] }],
  ])('a config naming a prototype key in %s is refused in one line', async (_what, config) => {
    const s = await trackedInParent();
    await s.project.store.writeMeta(CONFIG_META, new TextEncoder().encode(JSON.stringify(config)));
    const err = await refusal(openProject(s.root, context));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/prototype/);
  });

  it('a packed ref with a hostile name writes nothing outside the store', async () => {
    const s = await trackedInParent();
    const head = (await s.project.store.resolveRef(branchRef('XYZG3')))!;
    fs.writeFileSync(path.join(s.root, '.nbv', 'packed-refs'), `${head} refs/heads/../../../../escaped\n${head} refs/tags/../../escaped-tag\n`);
    const before = s.outside();
    const project = await openProject(s.root, context);
    for (const attempt of [() => commit(project, { message: 'x' }), () => bump(project, { workflow: 'XYZG3' }), () => verify(project)]) {
      expect((await refusal(attempt())).code).toBe('CORRUPT_STORE');
    }
    expect(s.outside()).toEqual(before);
  });

  it('a refs/ folder that is a symlink out of the store is refused when the store is opened', async () => {
    const s = await trackedInParent();
    const tags = path.join(s.root, '.nbv', 'refs', 'tags');
    fs.cpSync(tags, path.join(s.parent, 'tags-elsewhere'), { recursive: true });
    fs.rmSync(tags, { recursive: true });
    fs.symlinkSync(path.join(s.parent, 'tags-elsewhere'), tags);
    const before = s.outside();
    const err = await refusal(openProject(s.root, context));
    expect(err.code).toBe('CORRUPT_STORE');
    expect(s.outside()).toEqual(before);
  });
});

describe('a backups/ folder that is a symlink out of the project (issue 16, item 2)', () => {
  it.each(['wipe', 'bump', 'wipe --bump'])('%s refuses with BAD_PATH before anything is written', async (which) => {
    const s = await trackedInParent();
    fs.mkdirSync(path.join(s.parent, 'elsewhere'));
    fs.symlinkSync(path.join(s.parent, 'elsewhere'), path.join(s.root, 'backups'));
    const before = s.outside();
    const inside = snapshot(s.root);
    const project = await openProject(s.root, context);
    const head = await project.store.resolveRef(branchRef('XYZG3'));
    const run = which === 'bump' ? bump(project, {}) : wipe(project, { selector: { all: true }, bump: which === 'wipe --bump' });
    const err = await refusal(run);
    expect(err.code).toBe('BAD_PATH');
    expect(err.message).toMatch(/outside the project through a symlink/);
    expect(s.outside()).toEqual(before);
    expect(fs.readdirSync(path.join(s.parent, 'elsewhere'))).toEqual([]);
    const user = (m: Map<string, string>) => [...m].filter(([k]) => !k.startsWith('.nbv'));
    expect(user(snapshot(s.root))).toEqual(user(inside));
    expect(await project.store.resolveRef(branchRef('XYZG3'))).toBe(head);
  });
});

describe('a backups/ file that is a symlink out of the project', () => {
  it('is reported as leading out by the presence check status makes, never counted as there', async () => {
    const s = await trackedInParent();
    const project = await openProject(s.root, context);
    const wiped = await wipe(project, { selector: { all: true } });
    const backup = wiped.backup!;
    fs.writeFileSync(path.join(s.parent, 'elsewhere.nbflow'), 'not the backup');
    fs.rmSync(path.join(s.root, backup));
    fs.symlinkSync(path.join(s.parent, 'elsewhere.nbflow'), path.join(s.root, backup));
    const quick = await checkBackups(await openProject(s.root, context), { hash: false });
    expect(quick.outside).toEqual([expect.stringMatching(new RegExp(`^${backup.replace(/[.]/g, '\\.')}: `))]);
    expect(quick.missing).toEqual([]);
    expect(quick.ok).toBe(false);
    // The same verdict as the full check, which reads every file.
    const full = await checkBackups(await openProject(s.root, context));
    expect(full.outside).toEqual(quick.outside);
    // And a backup that is simply gone is missing to both.
    fs.rmSync(path.join(s.root, backup));
    expect((await checkBackups(await openProject(s.root, context), { hash: false })).missing.map((f) => f.path)).toEqual([backup]);
  });
});

