// Taking in a hand-kept folder through the library: order, dates, inferred operations, identical
// bytes as one state, files left alone, tracking twice, and the user's files never written.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBackups, importLegacy, initProject, log, restore, track, type Project } from '../../src/index.js';
import { legacyFiles } from '../../fixtures/lib/files-legacy.js';
import { changeModel, editPrompt, fillCache, generationNodeIds, wipeCacheDoc } from '../../fixtures/lib/mutations.js';
import { serialize } from '../../fixtures/lib/serialize.js';
import { generateWorkflow } from '../../fixtures/lib/workflow.js';
import { removeDir, snapshot, tempDir } from '../helpers/cli.js';

const context = { author: 'Lib Tester <lib@example.com>', env: { NBV_NOW: '2026-05-12T10:15:00+02:00' } };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function writeFile(dir: string, relative: string, bytes: Uint8Array | string, mtime: string): void {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, new Date(mtime), new Date(mtime));
}

/** fixtures/legacy with the mtimes make-sample.ts gives it (git does not keep them). */
function legacyFolder(): string {
  const dir = tempDir('nbv-import-');
  dirs.push(dir);
  for (const file of legacyFiles()) {
    writeFile(dir, file.path.slice('legacy/'.length), file.bytes, (file.mtime ?? new Date('2026-01-01T00:00:00Z')).toISOString());
  }
  return dir;
}

async function projectIn(dir: string): Promise<Project> {
  return initProject(dir, context);
}

function mtimes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const rel of snapshot(dir).keys()) if (!rel.startsWith('.nbv')) out.set(rel, fs.statSync(path.join(dir, rel)).mtimeMs);
  return out;
}

describe('importLegacy on fixtures/legacy', () => {
  it('takes XYZG3 in by version, date and mtime, with inferred operations and the dates files carry', async () => {
    const dir = legacyFolder();
    const project = await projectIn(dir);
    const before = snapshot(dir);
    const beforeTimes = mtimes(dir);
    const result = await importLegacy(project, { file: path.join(dir, 'XYZG3-V0-2.nbflow') });

    expect(result.imported.map((s) => [s.version, s.inferred, s.date, s.paths])).toEqual([
      ['V0-1', 'start', '2026-04-30T11:40:00+02:00', ['backups/XYZG3-V0-1.nbflow.bak-2026-04-30']],
      ['V0-1', 'fill', '2026-05-01T19:30:00+02:00', ['backups/XYZG3-V0-1.nbflow']],
      ['V0-2', 'bump', '2026-05-03T11:10:00+02:00', ['XYZG3-V0-2.nbflow.bak', 'XYZG3-V0-2 copy.nbflow']],
      ['V0-2', 'edit', '2026-05-06T22:45:00+02:00', ['XYZG3-V0-2.nbflow.bak2']],
      ['V0-2', 'edit', '2026-05-07T14:00:00+02:00', ['XYZG3-V0-2 (1).nbflow']],
    ]);
    expect(result).toMatchObject({ created: true, states: 6, files: 7, inferred: 'edit', versions: { first: 'V0-1', last: 'V0-2' } });
    expect(result.skipped).toEqual([{ path: 'backups/notes.nbflow.bak', reason: expect.stringMatching(/^not a readable \.nbflow: .*1:1/) }]);
    expect(result.otherWorkflows).toEqual(['ABCD1']);

    const history = (await log(project, { workflow: 'XYZG3' })).reverse();
    expect(history.map((e) => [e.op, e.version, e.file])).toEqual([
      ['import', 'V0-1', 'XYZG3-V0-1.nbflow'],
      ['import', 'V0-1', 'XYZG3-V0-1.nbflow'],
      ['import', 'V0-2', 'XYZG3-V0-2.nbflow'],
      ['import', 'V0-2', 'XYZG3-V0-2.nbflow'],
      ['import', 'V0-2', 'XYZG3-V0-2.nbflow'],
      ['track', 'V0-2', 'XYZG3-V0-2.nbflow'],
    ]);
    expect(history[2]!.backups).toEqual(['XYZG3-V0-2.nbflow.bak', 'XYZG3-V0-2 copy.nbflow']);
    expect(history[1]!.nodes).toEqual(['img-s03', 'vid-s03', 'img-s05', 'vid-s05']);
    expect(history[4]!.nodes).toEqual(['img-s08']);
    const tags = (await project.store.listRefs('refs/tags/XYZG3/')).map((t) => t.ref);
    expect(tags.sort()).toEqual(['refs/tags/XYZG3/V0-1', 'refs/tags/XYZG3/V0-2']);

    // The user's files: same bytes, same mtimes; nothing added beside them but .nbv/.
    const after = snapshot(dir);
    for (const [rel, hash] of before) expect(after.get(rel), rel).toBe(hash);
    expect([...after.keys()].filter((rel) => !before.has(rel) && !rel.startsWith('.nbv'))).toEqual([]);
    expect(mtimes(dir)).toEqual(beforeTimes);

    // The hand-made files are the view now: nothing missing or altered; only the notes are unknown.
    // (ABCD1 is not tracked yet, so its backup is not part of the view either.)
    const check = await checkBackups(project);
    expect(check).toMatchObject({ missing: [], altered: [], unknown: ['backups/ABCD1-V0-0.nbflow', 'backups/notes.nbflow.bak'], expected: 6 });
  });

  it('restores every file it took in byte for byte, whichever path names the bytes', async () => {
    const dir = legacyFolder();
    const project = await projectIn(dir);
    await track(project, { file: path.join(dir, 'ABCD1-V0-1.nbflow') });
    const originals = ['backups/ABCD1-V0-0.nbflow', 'ABCD1-V0-1.nbflow'].map((rel) => ({ rel, bytes: fs.readFileSync(path.join(dir, rel)) }));
    // A copy of the working file's bytes elsewhere names the same state once the working file changed.
    fs.writeFileSync(path.join(dir, 'kept.json'), originals[1]!.bytes);
    for (const { rel, bytes: original } of [originals[0]!, { rel: 'kept.json', bytes: originals[1]!.bytes }]) {
      await restore(project, { workflow: 'ABCD1', ref: rel, cwd: dir });
      const restored = fs.readFileSync(path.join(dir, 'ABCD1-V0-1.nbflow'));
      expect(restored.equals(original), rel).toBe(true);
      expect(restored.includes('\r\n')).toBe(true);
    }
  });

  it('tracking twice records nothing and says so; each workflow of the folder gets its own history', async () => {
    const dir = legacyFolder();
    const project = await projectIn(dir);
    const first = await track(project, { file: path.join(dir, 'XYZG3-V0-2.nbflow') });
    const again = await track(project, { file: path.join(dir, 'XYZG3-V0-2.nbflow') });
    expect(again).toMatchObject({ created: false, states: 0, files: 7, imported: [], versions: { first: 'V0-1', last: 'V0-2' } });
    expect(again.entry.commit).toBe(first.entry.commit);
    expect(again.skipped.map((s) => s.path)).toEqual(['backups/notes.nbflow.bak']);
    expect(await log(project, { workflow: 'XYZG3' })).toHaveLength(6);

    const abcd = await track(project, { file: path.join(dir, 'ABCD1-V0-1.nbflow') });
    expect(abcd.imported.map((s) => [s.version, s.inferred, s.paths])).toEqual([['V0-0', 'start', ['backups/ABCD1-V0-0.nbflow']]]);
    expect(abcd).toMatchObject({ inferred: 'bump', states: 2, files: 2, otherWorkflows: ['XYZG3'] });
    expect(await log(project, { workflow: 'XYZG3' })).toHaveLength(6);
  });

  it('with history: false records the working file alone', async () => {
    const dir = legacyFolder();
    const project = await projectIn(dir);
    const result = await track(project, { file: path.join(dir, 'XYZG3-V0-2.nbflow'), history: false });
    expect(result).toMatchObject({ states: 1, files: 1, imported: [], skipped: [] });
    expect((await log(project, { workflow: 'XYZG3' })).map((e) => e.op)).toEqual(['track']);
  });
});

describe('importLegacy on made-up folders', () => {
  const base = generateWorkflow({ name: 'W', seed: 7, tabs: 2, scenesPerTab: 3, outputsPerNode: [1, 3] });
  const ids = generationNodeIds(base);

  it('infers wipe, bump, fill, reformat, edit and restore from what changed', async () => {
    const dir = tempDir('nbv-import-');
    dirs.push(dir);
    const wiped = wipeCacheDoc(base, [ids[0]!]);
    const bumped = editPrompt(wiped, ids[1]!, 'A new prompt for the bumped version, at dusk.');
    const refilled = fillCache(bumped, [ids[0]!], 99);
    writeFile(dir, 'backups/W-V0-1.nbflow.bak-2026-05-01-pre-cache-wipe', serialize(base, 'two-space'), '2026-05-01T08:00:00Z');
    writeFile(dir, 'backups/W-V0-1.nbflow', serialize(wiped, 'two-space'), '2026-05-02T08:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow.bak', serialize(bumped, 'two-space'), '2026-05-03T08:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow.bak2', serialize(refilled, 'two-space'), '2026-05-04T08:00:00Z');
    writeFile(dir, 'W-V0-2 copy.nbflow', serialize(refilled, 'minified'), '2026-05-05T08:00:00Z');
    writeFile(dir, 'W-V0-2 (1).nbflow', serialize(changeModel(refilled, 'NB2', 'NB1'), 'two-space'), '2026-05-06T08:00:00Z');
    // The working file went back to the .bak2 state: the same bytes as an earlier state.
    writeFile(dir, 'W-V0-2.nbflow', serialize(refilled, 'two-space'), '2026-05-07T08:00:00Z');
    const project = await projectIn(dir);
    const result = await track(project, { file: path.join(dir, 'W-V0-2.nbflow') });
    expect(result.imported.map((s) => s.inferred)).toEqual(['start', 'wipe', 'bump', 'fill', 'reformat', 'edit']);
    expect(result.inferred).toBe('restore');
    const ops = (await log(project, {})).map((e) => e.op);
    expect(ops).toEqual(['track', 'import', 'import', 'import', 'import', 'import', 'import']);
  });

  it('when the working file holds the last state, that state is the track commit, carrying its copies', async () => {
    const dir = tempDir('nbv-import-');
    dirs.push(dir);
    const v2 = editPrompt(base, ids[2]!, 'Scene rewritten before the bump.');
    writeFile(dir, 'backups/W-V0-1.nbflow', serialize(base, 'crlf'), '2026-05-01T08:00:00Z');
    writeFile(dir, 'backups/W-V0-2.nbflow.bak-2026-05-02-pre-model-swap', serialize(v2, 'two-space'), '2026-05-02T08:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow', serialize(v2, 'two-space'), '2026-05-03T08:00:00Z');
    const project = await projectIn(dir);
    const result = await track(project, { file: path.join(dir, 'W-V0-2.nbflow') });
    expect(result.imported.map((s) => [s.version, s.inferred])).toEqual([['V0-1', 'start']]);
    expect(result).toMatchObject({ states: 2, files: 3, inferred: 'bump' });
    expect(result.entry.op).toMatchObject({
      op: 'track',
      view: [{ path: 'backups/W-V0-2.nbflow.bak-2026-05-02-pre-model-swap', state: 'self' }],
      intent: { importedFrom: 'backups/W-V0-2.nbflow.bak-2026-05-02-pre-model-swap', inferred: 'bump' },
    });
  });

  it('a bump with no change yet stays a state of the old version', async () => {
    const dir = tempDir('nbv-import-');
    dirs.push(dir);
    writeFile(dir, 'backups/W-V0-1.nbflow', serialize(base, 'two-space'), '2026-05-01T08:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow', serialize(base, 'two-space'), '2026-05-03T08:00:00Z');
    const project = await projectIn(dir);
    const result = await track(project, { file: path.join(dir, 'W-V0-2.nbflow') });
    expect(result.imported.map((s) => [s.version, s.inferred, s.paths])).toEqual([['V0-1', 'start', ['backups/W-V0-1.nbflow']]]);
    expect(result).toMatchObject({ states: 2, files: 2, inferred: 'bump' });
    expect((await log(project, {})).map((e) => [e.op, e.version])).toEqual([['track', 'V0-2'], ['import', 'V0-1']]);
  });

  it('leaves alone, by name and with a reason, what it cannot place; never guesses', async () => {
    const dir = tempDir('nbv-import-');
    dirs.push(dir);
    const text = serialize(base, 'two-space');
    writeFile(dir, 'backups/W-V0-1.nbflow', text, '2026-05-01T08:00:00Z');
    writeFile(dir, 'backups/W-V0-1.nbflow.bak3', text.slice(0, 500), '2026-05-01T09:00:00Z');
    writeFile(dir, 'backups/W-V0-9.nbflow', serialize(editPrompt(base, ids[0]!, 'future'), 'two-space'), '2026-05-01T10:00:00Z');
    writeFile(dir, 'backups/W.nbflow.bak', serialize(editPrompt(base, ids[0]!, 'which?'), 'two-space'), '2026-05-01T11:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow.orig', text, '2026-05-01T12:00:00Z');
    writeFile(dir, 'OTHER-V0-1.nbflow', text.replace('"W"', '"OTHER"'), '2026-05-01T12:00:00Z');
    writeFile(dir, 'W-V0-2.nbflow', serialize(editPrompt(base, ids[1]!, 'now'), 'two-space'), '2026-05-02T08:00:00Z');
    fs.symlinkSync(path.join(dir, 'OTHER-V0-1.nbflow'), path.join(dir, 'backups', 'W-V0-1 copy.nbflow'));
    const project = await projectIn(dir);
    const before = snapshot(dir);
    const result = await track(project, { file: path.join(dir, 'W-V0-2.nbflow') });
    expect(result.imported.map((s) => s.paths)).toEqual([['backups/W-V0-1.nbflow']]);
    expect(result.skipped).toEqual([
      { path: 'W-V0-2.nbflow.orig', reason: expect.stringContaining("'.orig'") },
      { path: 'backups/W-V0-1 copy.nbflow', reason: expect.stringContaining('symbolic link') },
      { path: 'backups/W-V0-1.nbflow.bak3', reason: expect.stringMatching(/^not a valid \.nbflow: /) },
      { path: 'backups/W-V0-9.nbflow', reason: "V0-9 is newer than the working file's V0-2" },
      { path: 'backups/W.nbflow.bak', reason: expect.stringContaining('carries no version') },
    ]);
    expect(result.otherWorkflows).toEqual(['OTHER']);
    const after = snapshot(dir);
    for (const [rel, hash] of before) expect(after.get(rel), rel).toBe(hash);
  });
});
