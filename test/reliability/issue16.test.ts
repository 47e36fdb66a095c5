// Issue 16, through the real binary: an interrupted `track` of a hand-kept folder leaves all or
// nothing, `wipe --all --bump` is one operation, `nbv gc` keeps git's own files in objects/
// consistent (with the real git as the checker), temp files a kill left are cleaned, and names
// that would split or disguise a line are refused in one line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { legacyFiles } from '../../fixtures/lib/files-legacy.js';
import { copyFixture, git, initializedSampleFile, nbv, nbvJson, nbvOk, removeDir, REPO_ROOT, tempDir } from '../helpers/cli.js';

const LEGACY = path.join(REPO_ROOT, 'fixtures', 'legacy');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function legacyProject(): string {
  const dir = copyFixture(LEGACY);
  dirs.push(dir);
  for (const file of legacyFiles()) {
    if (file.mtime) fs.utimesSync(path.join(dir, file.path.slice('legacy/'.length)), file.mtime, file.mtime);
  }
  nbvOk(dir, ['init']);
  return dir;
}

interface LogJson {
  commit: string;
  op: string;
  version: string;
}

const headOp = (dir: string, workflow: string) => nbvJson<LogJson[]>(dir, ['log', workflow])[0]!;

describe('an interrupted track of a hand-kept folder (item 3)', () => {
  it('killed inside the import: no workflow is left, verify is OK, and track again takes everything in', () => {
    const dir = legacyProject();
    const killed = nbv(dir, ['track', 'XYZG3-V0-2.nbflow'], { NBV_CRASH_AT: 'import-step' });
    expect(killed.status).not.toBe(0);
    expect(git(path.join(dir, '.nbv'), ['for-each-ref', '--format=%(refname)']).stdout.trim()).toBe('');
    expect(nbv(dir, ['verify']).status).toBe(0);
    const again = nbvJson<{ created: boolean; imported: unknown[] }>(dir, ['track', 'XYZG3-V0-2.nbflow']);
    expect(again.created).toBe(true);
    expect(again.imported.length).toBeGreaterThan(1);
    expect(headOp(dir, 'XYZG3').op).toBe('track');
    expect(nbv(dir, ['verify']).status).toBe(0);
  });

  it.each(['before-ref', 'after-ref', 'after-files'])('killed at %s: the next command leaves the whole import or none of it', (point) => {
    const dir = legacyProject();
    expect(nbv(dir, ['track', 'XYZG3-V0-2.nbflow'], { NBV_CRASH_AT: point }).status).not.toBe(0);
    nbvOk(dir, ['backups', 'sync']); // the next locked command finishes or drops what the kill cut short
    const refs = git(path.join(dir, '.nbv'), ['for-each-ref', '--format=%(refname)']).stdout.trim();
    if (refs !== '') {
      // The ref moved: it moved to the working file's commit, with every imported state below it.
      expect(headOp(dir, 'XYZG3').op).toBe('track');
      expect(nbvJson<LogJson[]>(dir, ['log', 'XYZG3']).length).toBeGreaterThan(2);
      expect(nbv(dir, ['verify']).status).toBe(0);
      nbvOk(dir, ['commit', '-m', 'works']);
    } else {
      nbvOk(dir, ['track', 'XYZG3-V0-2.nbflow']);
    }
    expect(headOp(dir, 'XYZG3').op).not.toBe('import');
  });

  it('verify does not call a history that ends in an imported state healthy', () => {
    const dir = legacyProject();
    nbvOk(dir, ['track', 'XYZG3-V0-2.nbflow']);
    const log = nbvJson<LogJson[]>(dir, ['log', 'XYZG3']);
    const firstImport = log[log.length - 1]!;
    expect(firstImport.op).toBe('import');
    // What an nbv before this fix left after a kill: the branch at an imported state.
    expect(git(path.join(dir, '.nbv'), ['update-ref', 'refs/heads/XYZG3', firstImport.commit]).status).toBe(0);
    const report = nbv(dir, ['verify', '--json']);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain('import-unfinished');
  });
});

describe('wipe --all --bump is one operation (item 7)', () => {
  it.each(['before-ref', 'after-ref', 'after-files'])('killed at %s: never a bumped but unwiped version', (point) => {
    const dir = initializedSampleFile();
    dirs.push(dir);
    nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
    const killed = nbv(dir, ['wipe', '--all', '--bump'], { NBV_CRASH_AT: point });
    expect(killed.status).not.toBe(0);
    nbvOk(dir, ['backups', 'sync']); // the next locked command finishes or drops what the kill cut short
    const head = headOp(dir, 'XYZG3');
    if (head.version === 'V0-3') {
      expect(head.op).toBe('track'); // nothing happened: the kill came before the one ref move
    } else {
      expect(head).toMatchObject({ op: 'wipe', version: 'V0-4' });
      expect(fs.existsSync(path.join(dir, 'XYZG3-V0-4.nbflow'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'XYZG3-V0-3.nbflow'))).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'XYZG3-V0-4.nbflow'), 'utf8')).not.toMatch(/"_savedImages": \[\s*"/);
    }
    expect(nbv(dir, ['verify']).status).toBe(0);
  });
});

const storeBytes = (dir: string): number => {
  let total = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else total += fs.statSync(full).size;
    }
  };
  walk(path.join(dir, '.nbv', 'objects'));
  return total;
};

function historyWithCommits(n: number): string {
  const dir = legacyProject();
  nbvOk(dir, ['track', 'XYZG3-V0-2.nbflow']);
  const file = path.join(dir, 'XYZG3-V0-2.nbflow');
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"prompt": "/, `"prompt": "take ${i} `));
    nbvOk(dir, ['commit', '-m', `edit ${i}`]);
  }
  return dir;
}

describe("nbv gc and git's own files in objects/ (item 4)", () => {
  it('after git multi-pack-index write, nbv gc leaves a store git fsck --strict accepts', () => {
    const dir = historyWithCommits(3);
    const gitdir = path.join(dir, '.nbv');
    nbvOk(dir, ['gc']);
    expect(git(gitdir, ['multi-pack-index', 'write']).status).toBe(0);
    expect(git(gitdir, ['update-server-info']).status).toBe(0);
    for (let i = 0; i < 2; i++) {
      fs.appendFileSync(path.join(dir, 'XYZG3-V0-2.nbflow'), '\n');
      nbvOk(dir, ['commit', '-m', `more ${i}`]);
      nbvOk(dir, ['gc']);
      const fsck = git(gitdir, ['fsck', '--strict']);
      expect(fsck.status, fsck.stderr).toBe(0);
      expect(nbv(dir, ['verify']).status).toBe(0);
    }
    const info = fs.readFileSync(path.join(gitdir, 'objects', 'info', 'packs'), 'utf8');
    for (const line of info.split('\n').filter((l) => l.startsWith('P '))) expect(fs.existsSync(path.join(gitdir, 'objects', 'pack', line.slice(2)))).toBe(true);
  });

  it('verify sees a multi-pack-index naming a pack that is gone, as git fsck does', () => {
    const dir = historyWithCommits(1);
    const gitdir = path.join(dir, '.nbv');
    nbvOk(dir, ['gc']);
    expect(git(gitdir, ['multi-pack-index', 'write']).status).toBe(0);
    const midx = path.join(gitdir, 'objects', 'pack', 'multi-pack-index');
    const stale = fs.readFileSync(midx);
    fs.appendFileSync(path.join(dir, 'XYZG3-V0-2.nbflow'), '\n');
    nbvOk(dir, ['commit', '-m', 'more']);
    nbvOk(dir, ['gc']);
    fs.writeFileSync(midx, stale);
    expect(git(gitdir, ['fsck', '--strict']).status).not.toBe(0);
    const report = nbv(dir, ['verify', '--json']);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain('multi-pack-index names 1 pack(s) that are gone');
  });

  it("every nbv command works after git gc, repack -adf, commit-graph and multi-pack-index write; gc then never grows the store", () => {
    const dir = historyWithCommits(4);
    const gitdir = path.join(dir, '.nbv');
    for (const args of [['gc', '--quiet'], ['repack', '-adf', '--quiet'], ['commit-graph', 'write', '--reachable'], ['multi-pack-index', 'write']]) {
      const r = git(gitdir, args);
      expect(r.status, r.stderr).toBe(0);
    }
    const afterGit = storeBytes(dir);
    nbvOk(dir, ['gc']);
    const afterNbvGc = storeBytes(dir);
    expect(afterNbvGc).toBeLessThanOrEqual(afterGit);
    fs.appendFileSync(path.join(dir, 'XYZG3-V0-2.nbflow'), '\n');
    nbvOk(dir, ['commit', '-m', 'after git']);
    nbvOk(dir, ['wipe', '--all', '--bump']);
    nbvOk(dir, ['restore', 'HEAD~1']);
    nbvOk(dir, ['undo']);
    nbvOk(dir, ['log']);
    const beforeGc = storeBytes(dir);
    nbvOk(dir, ['gc']);
    console.log(`store objects/: git repack ${afterGit} B, nbv gc after it ${afterNbvGc} B; after 4 more operations ${beforeGc} B -> nbv gc ${storeBytes(dir)} B`);
    expect(storeBytes(dir)).toBeLessThanOrEqual(beforeGc);
    const fsck = git(gitdir, ['fsck', '--strict']);
    expect(fsck.status, fsck.stderr).toBe(0);
    expect(nbv(dir, ['verify']).status).toBe(0);
  });
});

describe('temp files a kill left behind (item 5)', () => {
  it('are removed by the next locked operation when their writer is gone; a live writer keeps its own', () => {
    const dir = historyWithCommits(1);
    const gitdir = path.join(dir, '.nbv');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const planted = [
      path.join(gitdir, 'objects', 'pack', `.tmp-pack-${dead}-1764547200000`),
      path.join(gitdir, 'objects', 'pack', `.tmp-pack-${dead}-1764547200000.idx`),
      path.join(gitdir, `.nbv-view-cache.json.tmp-${dead}-0123456789ab`),
      path.join(gitdir, 'refs', 'heads', `.XYZG3.tmp-${dead}-0123456789ab`),
    ];
    for (const file of planted) fs.writeFileSync(file, '');
    const live = path.join(gitdir, `.nbv-view-cache.json.tmp-${process.pid}-ba9876543210`);
    fs.writeFileSync(live, '');
    const user = path.join(dir, '.tmp-pack-1-1');
    fs.writeFileSync(user, 'not in the store: not ours to remove');
    expect(git(gitdir, ['count-objects', '-v']).stdout).toMatch(/garbage: [1-9]/);
    fs.appendFileSync(path.join(dir, 'XYZG3-V0-2.nbflow'), '\n');
    nbvOk(dir, ['commit', '-m', 'next locked operation']);
    for (const file of planted) expect(fs.existsSync(file), file).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(user)).toBe(true);
    expect(git(gitdir, ['count-objects', '-v']).stdout).toMatch(/garbage: 0/);
  });
});

describe('names that would split or disguise the error line (item 6)', () => {
  it.each([
    ['A\\B-V0-1.nbflow', /path separator/],
    ['N-V0-01.nbflow', /leading zero/],
    ['EVIL\u202Egol-V0-1.nbflow', /bidirectional/],
    ['TWO\nLINES-V0-1.nbflow', /control character/],
  ])('track %j: exit 2, one line, the name escaped', (name, problem) => {
    const dir = tempDir();
    dirs.push(dir);
    fs.copyFileSync(path.join(REPO_ROOT, 'fixtures', 'sample', 'XYZG3-V0-3.nbflow'), path.join(dir, name));
    nbvOk(dir, ['init']);
    const result = nbv(dir, ['track', name]);
    expect(result.status, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).not.toMatch(/[\u202e]/);
    expect(git(path.join(dir, '.nbv'), ['for-each-ref']).stdout).toBe('');
  });
});
