// `nbv track` on a realistic hand-kept folder (fixtures/legacy), through the real binary, with the
// real git as the independent reader: order, dates, inferred operations, files left alone, and a
// byte-exact restore of every file taken in.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { legacyFiles } from '../../fixtures/lib/files-legacy.js';
import { generationNodeIds, editPrompt } from '../../fixtures/lib/mutations.js';
import { serialize } from '../../fixtures/lib/serialize.js';
import { generateWorkflow } from '../../fixtures/lib/workflow.js';
import { progressLine } from '../../src/cli/track.js';
import { copyFixture, git, gitBytes, nbv, nbvJson, nbvOk, NBV_BIN, removeDir, REPO_ROOT, snapshot, tempDir, TEST_ENV } from '../helpers/cli.js';

const LEGACY = path.join(REPO_ROOT, 'fixtures', 'legacy');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A copy of fixtures/legacy with the mtimes make-sample.ts gives it (git does not keep them). */
function legacyProject(): string {
  const dir = copyFixture(LEGACY);
  dirs.push(dir);
  for (const file of legacyFiles()) {
    if (file.mtime) fs.utimesSync(path.join(dir, file.path.slice('legacy/'.length)), file.mtime, file.mtime);
  }
  nbvOk(dir, ['init']);
  return dir;
}

/** The user's files (everything but the store) with the hashes of their bytes. */
function userSnapshot(dir: string): Map<string, string> {
  return new Map([...snapshot(dir)].filter(([rel]) => !rel.startsWith('.nbv/')));
}

interface TrackJson {
  workflow: string;
  created: boolean;
  commit: string;
  summary: string;
  imported: Array<{ commit: string; version: string; date: string; inferred: string; paths: string[] }>;
  skipped: Array<{ path: string; reason: string }>;
  otherWorkflows: string[];
}

const XYZG3_FILES = [
  'backups/XYZG3-V0-1.nbflow.bak-2026-04-30',
  'backups/XYZG3-V0-1.nbflow',
  'XYZG3-V0-2.nbflow.bak',
  'XYZG3-V0-2 copy.nbflow',
  'XYZG3-V0-2.nbflow.bak2',
  'XYZG3-V0-2 (1).nbflow',
  'XYZG3-V0-2.nbflow',
];

describe('nbv track on a hand-kept folder', () => {
  it('takes in both workflows in order, with their dates and inferred operations, and restores every file byte-exact', () => {
    const dir = legacyProject();
    const before = userSnapshot(dir);
    const originals = new Map([...before.keys()].map((rel) => [rel, fs.readFileSync(path.join(dir, rel))]));

    const xyz = nbvJson<TrackJson>(dir, ['track', 'XYZG3-V0-2.nbflow']);
    expect(xyz.imported.map((s) => [s.version, s.inferred, s.date, s.paths.join(' + ')])).toEqual([
      ['V0-1', 'start', '2026-04-30T11:40:00+02:00', 'backups/XYZG3-V0-1.nbflow.bak-2026-04-30'],
      ['V0-1', 'fill', '2026-05-01T19:30:00+02:00', 'backups/XYZG3-V0-1.nbflow'],
      ['V0-2', 'bump', '2026-05-03T11:10:00+02:00', 'XYZG3-V0-2.nbflow.bak + XYZG3-V0-2 copy.nbflow'],
      ['V0-2', 'edit', '2026-05-06T22:45:00+02:00', 'XYZG3-V0-2.nbflow.bak2'],
      ['V0-2', 'edit', '2026-05-07T14:00:00+02:00', 'XYZG3-V0-2 (1).nbflow'],
    ]);
    expect(xyz.summary).toBe('XYZG3: 6 states from 7 files, V0-1 .. V0-2');
    expect(xyz.skipped.map((s) => s.path)).toEqual(['backups/notes.nbflow.bak']);
    expect(xyz.otherWorkflows).toEqual(['ABCD1']);

    // The second workflow (CRLF), in text: the summary and the skipped file, and no progress bar
    // when stderr is not a terminal.
    const abcd = nbv(dir, ['track', 'ABCD1-V0-1.nbflow']);
    expect(abcd.status).toBe(0);
    expect(abcd.stdout).toContain('ABCD1: 2 states from 2 files, V0-0 .. V0-1');
    expect(abcd.stdout).toMatch(/^skipped backups\/notes\.nbflow\.bak: not a readable \.nbflow: .+$/m);
    expect(abcd.stderr).toBe('');

    // Nothing the user had changed; tracking added only the store.
    expect(userSnapshot(dir)).toEqual(before);

    // The real git reads the histories: order, dates, messages, op records.
    const gitdir = path.join(dir, '.nbv');
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0);
    const gitLog = git(gitdir, ['log', '--format=%aI %s', 'XYZG3']).stdout.trim().split('\n').reverse();
    expect(gitLog.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      '2026-04-30T11:40:00+02:00 import', '2026-05-01T19:30:00+02:00 import', '2026-05-03T11:10:00+02:00 import',
      '2026-05-06T22:45:00+02:00 import', '2026-05-07T14:00:00+02:00 import', '2026-05-12T10:15:00+02:00 track',
    ]);
    const op = JSON.parse(gitBytes(gitdir, ['show', 'XYZG3~3:op.json']).toString('utf8'));
    expect(op).toMatchObject({
      op: 'import', version: 'V0-2', file: 'XYZG3-V0-2.nbflow',
      intent: { importedFrom: 'XYZG3-V0-2.nbflow.bak', inferred: 'bump' },
      view: [{ path: 'XYZG3-V0-2.nbflow.bak', state: 'self' }, { path: 'XYZG3-V0-2 copy.nbflow', state: 'self' }],
    });
    expect(gitBytes(gitdir, ['show', 'ABCD1~1:ABCD1-V0-0.nbflow']).equals(originals.get('backups/ABCD1-V0-0.nbflow')!)).toBe(true);
    expect(git(gitdir, ['tag', '-l']).stdout.trim().split('\n')).toEqual(['ABCD1/V0-0', 'ABCD1/V0-1', 'XYZG3/V0-1', 'XYZG3/V0-2']);

    // The view knows every file taken in; only the notes are unknown to history.
    const check = nbv(dir, ['backups', 'check', '--json']);
    expect(check.status).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ missing: [], altered: [], unknown: ['backups/notes.nbflow.bak'] });

    // Tracking twice is harmless.
    const again = nbv(dir, ['track', 'XYZG3-V0-2.nbflow']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already tracked');
    expect(nbvJson<unknown[]>(dir, ['log', 'XYZG3'])).toHaveLength(6);

    // Every file restores byte for byte, by whichever path names its bytes. The working files are
    // named by copies outside the project, since restoring rewrites them.
    const outside = tempDir();
    dirs.push(outside);
    const restoreAll = (workflow: string, working: string, files: string[]) => {
      for (const rel of files) {
        const ref = rel === working ? path.join(outside, rel) : rel;
        if (rel === working) fs.writeFileSync(ref, originals.get(rel)!);
        nbvOk(dir, ['restore', workflow, ref]);
        expect(fs.readFileSync(path.join(dir, working)).equals(originals.get(rel)!), rel).toBe(true);
      }
    };
    restoreAll('XYZG3', 'XYZG3-V0-2.nbflow', XYZG3_FILES);
    restoreAll('ABCD1', 'ABCD1-V0-1.nbflow', ['backups/ABCD1-V0-0.nbflow', 'ABCD1-V0-1.nbflow']);
    // Restores wrote the working files and pre-restore backups, and nothing else of the user's.
    const restored = userSnapshot(dir);
    for (const [rel, hash] of before) if (rel !== 'XYZG3-V0-2.nbflow' && rel !== 'ABCD1-V0-1.nbflow') expect(restored.get(rel), rel).toBe(hash);
    expect(nbvOk(dir, ['verify'])).toContain('OK');
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0);
  });

  it('--all takes in every workflow of the folder, each into its own history', () => {
    const dir = legacyProject();
    const usage = nbv(dir, ['track']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--all');
    const all = nbv(dir, ['track', '--all']);
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('ABCD1: 2 states from 2 files, V0-0 .. V0-1');
    expect(all.stdout).toContain('XYZG3: 6 states from 7 files, V0-1 .. V0-2');
    expect(all.stderr).toBe('');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('draws a progress bar on a terminal, and none with --json', () => {
    const dir = tempDir();
    dirs.push(dir);
    let doc = generateWorkflow({ name: 'W', seed: 3, tabs: 1, scenesPerTab: 3, outputsPerNode: [1, 2] });
    const ids = generationNodeIds(doc);
    fs.mkdirSync(path.join(dir, 'backups'));
    for (let i = 1; i <= 6; i++) {
      doc = editPrompt(doc, ids[i % ids.length]!, `take ${i}`);
      fs.writeFileSync(path.join(dir, 'backups', `W-V0-1.nbflow.bak-2026-05-0${i}-pre-edit`), serialize(doc, 'two-space'));
    }
    fs.writeFileSync(path.join(dir, 'W-V0-1.nbflow'), serialize(editPrompt(doc, ids[0]!, 'final'), 'two-space'));
    nbvOk(dir, ['init']);
    const inTerminal = (args: string[]) => {
      const command = [process.execPath, NBV_BIN, ...args].map((a) => `'${a}'`).join(' ');
      const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...TEST_ENV } });
      expect(result.status).toBe(0);
      return result.stdout;
    };
    // --no-history: the working file alone.
    const json = inTerminal(['track', 'W-V0-1.nbflow', '--json', '--no-history']);
    expect(JSON.parse(json.replace(/\r/g, ''))).toMatchObject({ imported: [], skipped: [], summary: 'W: 1 state from 1 file, V0-1' });
    fs.rmSync(path.join(dir, '.nbv'), { recursive: true });
    nbvOk(dir, ['init']);
    const text = inTerminal(['track', 'W-V0-1.nbflow']);
    expect(text).toMatch(/\r\[#*\.*\] 3\/6 backups\/W-V0-1\.nbflow\.bak-2026-05-04-pre-edit/);
    expect(text).toContain('W: 7 states from 7 files, V0-1');
  });

  it('fits the progress line to the terminal width', () => {
    const line = progressLine({ done: 50, total: 200, path: 'backups/XYZG3-V0-2.nbflow.bak-2026-05-09-pre-cache-wipe' }, 60);
    expect(line).toBe('[######..................] 50/200 …026-05-09-pre-cache-wipe');
    expect(line).toHaveLength(59);
    expect(progressLine({ done: 200, total: 200, path: 'x' }, 80)).toBe(`[${'#'.repeat(24)}] 200/200 x`);
  });
});
