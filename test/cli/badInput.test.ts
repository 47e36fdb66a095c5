// Every bad input: exit 2, one line naming the file and what is wrong, nothing on disk changed.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, nbv, nbvOk, removeDir, REPO_ROOT, snapshot, tempDir } from '../helpers/cli.js';

const BAD = path.join(REPO_ROOT, 'fixtures', 'bad');
const badFiles = fs.readdirSync(BAD).filter((f) => f.endsWith('.nbflow')).sort();
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function expectCleanRefusal(result: { status: number; stdout: string; stderr: string }, fileName: string): void {
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(fileName);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('bad input is refused cleanly', () => {
  it('has a corpus', () => {
    expect(badFiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(badFiles)('track refuses %s', (bad) => {
    const dir = tempDir();
    dirs.push(dir);
    nbvOk(dir, ['init']);
    const name = 'BAD-V0-1.nbflow';
    fs.copyFileSync(path.join(BAD, bad), path.join(dir, name));
    const before = snapshot(dir);
    expectCleanRefusal(nbv(dir, ['track', name]), name);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(badFiles)('commit, wipe and bump refuse a working file turned into %s', (bad) => {
    const dir = copyFixture();
    dirs.push(dir);
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
    fs.copyFileSync(path.join(BAD, bad), path.join(dir, 'XYZG3-V0-3.nbflow'));
    const before = snapshot(dir);
    for (const args of [['commit', '-m', 'x'], ['wipe', '--all'], ['bump'], ['restore', 'HEAD']]) {
      expectCleanRefusal(nbv(dir, args), 'XYZG3-V0-3.nbflow');
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('refuses files outside the project, missing files, unknown refs, workflows and selectors', () => {
    const dir = copyFixture();
    dirs.push(dir);
    nbvOk(dir, ['init']);
    const before = snapshot(dir);
    const outside = tempDir();
    dirs.push(outside);
    fs.copyFileSync(path.join(dir, 'XYZG3-V0-3.nbflow'), path.join(outside, 'OUT-V0-1.nbflow'));
    expectCleanRefusal(nbv(dir, ['track', path.join(outside, 'OUT-V0-1.nbflow')]), 'OUT-V0-1.nbflow');
    fs.symlinkSync(path.join(outside, 'OUT-V0-1.nbflow'), path.join(dir, 'LINK-V0-1.nbflow'));
    expectCleanRefusal(nbv(dir, ['track', 'LINK-V0-1.nbflow']), 'LINK-V0-1.nbflow');
    fs.unlinkSync(path.join(dir, 'LINK-V0-1.nbflow'));
    expectCleanRefusal(nbv(dir, ['track', 'NOPE-V0-1.nbflow']), 'NOPE-V0-1.nbflow');
    expect(snapshot(dir)).toEqual(before);

    nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
    const tracked = snapshot(dir);
    for (const args of [
      ['restore', 'V9-9'],
      ['restore', 'deadbeefdeadbeef'],
      ['restore', 'HEAD~5'],
      ['log', 'NOSUCH'],
      ['wipe', '--scene', '99'],
      ['wipe', '--node', 'img-nope'],
      ['wipe', '--tab', 'acct-99'],
      ['wipe'],
    ]) {
      const result = nbv(dir, args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(snapshot(dir)).toEqual(tracked);
    }
  });

  it('outside a project, commands say so with exit 2', () => {
    const dir = tempDir();
    dirs.push(dir);
    const result = nbv(dir, ['status']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nbv init');
  });
});
