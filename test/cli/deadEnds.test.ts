// Issue 15's dead ends, each replaying its transcript through the real binary: a missing working
// file, a bump made by hand, edits saved into a retired file, undo/redo as an operation log, and a
// stray `track` of an unversioned name undone by `untrack`.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, git, nbv, nbvJson, nbvOk, removeDir } from '../helpers/cli.js';

const V3 = 'XYZG3-V0-3.nbflow';
const V4 = 'XYZG3-V0-4.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function sample(history = false): string {
  const dir = copyFixture();
  dirs.push(dir);
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', V3, ...(history ? [] : ['--no-history'])]);
  return dir;
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));
/** The bytes with a prompt edited in place (as an editor saves them). */
const edited = (bytes: Buffer, addition = 'Golden hour. ') => Buffer.from(bytes.toString('utf8').replace('Tracking medium shot of Jane', `${addition}Tracking medium shot of Jane`));
const fsckOk = (dir: string) => expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);

describe('issue 15 dead ends, through the binary', () => {
  it('1. a missing working file comes back with restore HEAD, restore V0-N and backups sync', () => {
    const dir = sample();
    const original = read(dir, V3);
    fs.rmSync(path.join(dir, V3));
    expect(nbvOk(dir, ['status'])).toContain(`${V3} is missing: 'nbv restore HEAD' brings it back`);
    const out = nbvOk(dir, ['restore', 'HEAD']);
    expect(out).toMatch(/^Brought back XYZG3-V0-3\.nbflow as HEAD holds it \([0-9a-f]{7}\); nothing to record\.$/m);
    expect(read(dir, V3).equals(original)).toBe(true);

    fs.rmSync(path.join(dir, V3));
    nbvOk(dir, ['restore', 'V0-3']);
    expect(read(dir, V3).equals(original)).toBe(true);

    fs.rmSync(path.join(dir, V3));
    expect(nbvOk(dir, ['backups', 'sync'])).toContain(`brought back the missing working file ${V3}`);
    expect(read(dir, V3).equals(original)).toBe(true);
    expect(nbvJson<unknown[]>(dir, ['log'])).toHaveLength(1); // nothing needed recording
  });

  it('2. a bump made by hand (old file moved to backups/, next version saved) is recorded as a bump with its bytes', () => {
    const dir = sample(true);
    const v4 = edited(read(dir, V3));
    fs.renameSync(path.join(dir, V3), path.join(dir, 'backups', V3));
    fs.writeFileSync(path.join(dir, V4), v4);

    const status = nbvOk(dir, ['status']);
    expect(status).toContain(`next version saved by hand: ${V4} (V0-4; 1 node changed against the head)`);
    expect(status).toContain(`'nbv commit' records it as the bump V0-3 -> V0-4`);
    expect(status).not.toContain('restore HEAD');
    const track = nbv(dir, ['track', V4]);
    expect(track.status).toBe(2);
    expect(track.stderr).toContain(`looks like V0-3's next version saved by hand: 'nbv commit' records it as the bump`);

    const out = nbvOk(dir, ['commit']);
    expect(out).toContain(`Recorded ${V4}, saved by hand, as the bump to V0-4`);
    expect(out).toContain('img-s03 (Scene 03, acct-1): prompt edited');
    const log = nbvJson<Array<{ op: string; version: string; file: string }>>(dir, ['log']);
    expect(log.slice(0, 2).map((e) => [e.op, e.version, e.file])).toEqual([['bump', 'V0-4', V4], ['track', 'V0-3', V3]]);
    expect(read(dir, V4).equals(v4)).toBe(true);
    expect(nbv(dir, ['backups', 'check']).status).toBe(0);
    expect(nbvOk(dir, ['status'])).toMatch(/XYZG3 V0-4: XYZG3-V0-4\.nbflow \(clean/);
    expect(nbvOk(dir, ['verify'])).toMatch(/^OK/);
    fsckOk(dir);
  });

  it('2b. nbv bump after a hand-made bump records it instead of refusing', () => {
    const dir = sample();
    fs.copyFileSync(path.join(dir, V3), path.join(dir, V4));
    fs.rmSync(path.join(dir, V3));
    expect(nbvOk(dir, ['bump'])).toContain('V0-3 -> V0-4');
    expect(nbvJson<Array<{ op: string }>>(dir, ['log'])[0]!.op).toBe('bump');
    expect(fs.existsSync(path.join(dir, 'backups', V3))).toBe(true);
  });

  it('3. edits saved into a retired working file are noticed by status and taken in by commit', () => {
    const dir = sample();
    const before = read(dir, V3);
    nbvOk(dir, ['bump', '-m', 'next']);
    expect(fs.existsSync(path.join(dir, V3))).toBe(false);
    // The editor still had V0-3 open and saves it again, edited.
    const late = edited(before, 'Blue hour. ');
    fs.writeFileSync(path.join(dir, V3), late);

    const status = nbvOk(dir, ['status']);
    expect(status).toContain(`edits saved into a retired file: ${V3} (1 node changed against V0-3`);
    expect(status).toContain(`'nbv commit' takes them into ${V4}`);
    expect(nbvJson<{ retired: Array<{ file: string }> }>(dir, ['status']).retired.map((r) => r.file)).toEqual([V3]);

    const out = nbvOk(dir, ['commit']);
    expect(out).toContain(`Took the edits saved into ${V3} (retired by a bump) into ${V4}`);
    expect(read(dir, V4).equals(late)).toBe(true);
    expect(fs.existsSync(path.join(dir, V3))).toBe(false);
    expect(nbvOk(dir, ['status'])).toMatch(/\(clean/);
    expect(nbvOk(dir, ['commit'])).toContain('Nothing to commit');
  });

  it('4. undo is an operation-log undo: a no-op is the last op, undo says what comes next, redo, no skipped version', () => {
    const dir = sample(true);
    nbvOk(dir, ['wipe', '--scene', '03']);
    const noop = nbvOk(dir, ['wipe', '--scene', '03']);
    expect(noop).toContain('Nothing to wipe');
    const first = nbvOk(dir, ['undo']);
    expect(first).toContain('Nothing undone: your last command (wipe: nothing to wipe) recorded nothing.');
    expect(first).toMatch(/'nbv undo' again would undo wipe [0-9a-f]{7}/);
    expect(nbvJson<unknown[]>(dir, ['log'])).toHaveLength(6); // 4 imported + track + wipe: nothing undone

    const second = nbvOk(dir, ['undo']);
    expect(second).toMatch(/^Undid wipe [0-9a-f]{7}/m);
    expect(second).toContain('Nothing earlier to undo: the rest is the start of tracking.');
    const third = nbv(dir, ['undo']);
    expect(third.status).toBe(2);
    expect(third.stderr).toMatch(/^nbv: nothing to undo in XYZG3: what is left is the start of its history \(track [0-9a-f]{7}\)/);

    expect(nbvOk(dir, ['redo'])).toMatch(/^Redid wipe [0-9a-f]{7}/m);
    expect(nbv(dir, ['redo']).status).toBe(2);
    expect(nbvOk(dir, ['undo'])).toMatch(/^Undid redo [0-9a-f]{7}/m);

    nbvOk(dir, ['bump', '-m', 'try']);
    nbvOk(dir, ['undo']);
    expect(fs.existsSync(path.join(dir, V4))).toBe(false);
    expect(nbvOk(dir, ['bump', '-m', 'again'])).toContain('V0-3 -> V0-4');
    expect(fs.existsSync(path.join(dir, V4))).toBe(true);
    expect(nbvOk(dir, ['verify'])).toMatch(/^OK/);
    fsckOk(dir);
  });

  it('5. track refuses a name without V0-N unless confirmed; untrack keeps the history under refs/nbv/untracked/', () => {
    const dir = sample();
    fs.copyFileSync(path.join(dir, V3), path.join(dir, 'My Workflow.nbflow'));
    const refused = nbv(dir, ['track', 'My Workflow.nbflow']);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain("has no version in its name (NAME-V0-N.nbflow): rename it, e.g. to 'My Workflow-V0-1.nbflow'");
    nbvOk(dir, ['track', '--unversioned', 'My Workflow.nbflow']);
    expect(nbv(dir, ['commit']).stderr).toContain('this project has 2 workflows');

    const out = nbvOk(dir, ['untrack', 'My Workflow']);
    expect(out).toMatch(/^Untracked My Workflow: its history \(head [0-9a-f]{7}, 1 version tag\) is kept as refs\/nbv\/untracked\/My%20Workflow\/\S+\/head\./m);
    expect(nbvOk(dir, ['commit'])).toContain('Nothing to commit');
    const archived = git(path.join(dir, '.nbv'), ['for-each-ref', '--format=%(refname)', 'refs/nbv/untracked/']).stdout.trim().split('\n');
    expect(archived).toHaveLength(2);
    expect(git(path.join(dir, '.nbv'), ['log', '--oneline', archived.find((r) => r.endsWith('/head'))!]).stdout).toContain('track My Workflow V0-1');
    expect(fs.existsSync(path.join(dir, 'My Workflow.nbflow'))).toBe(true);
    expect(nbvOk(dir, ['verify'])).toMatch(/^OK/);
    fsckOk(dir);
  });
});
