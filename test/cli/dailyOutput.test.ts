// Issue 15's output items through the binary: one advice per path (6), a status that fits on a
// screen (7), prompt word diffs and named edges (8), and the papercuts of daily use.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, nbv, nbvJson, nbvOk, NBV_BIN, removeDir, TEST_ENV } from '../helpers/cli.js';
import { OP_KINDS } from '../../src/index.js';

const V3 = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function sample(): string {
  const dir = copyFixture();
  dirs.push(dir);
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', V3]);
  return dir;
}
const replaceIn = (dir: string, file: string, from: string, to: string) => {
  const p = path.join(dir, file);
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').split(from).join(to));
};
const advice = (out: string) => out.split('\n').filter((l) => l.includes('advice:'));

describe('issue 15 output, through the binary', () => {
  it('6. after wipe --all --bump no second bump is advised; path B (bump, then the avatar URL) advises wipe --stale alone', () => {
    const dir = sample();
    nbvOk(dir, ['wipe', '--all', '--bump', '-m', 'fresh comparison run']);
    expect(advice(nbvOk(dir, ['status'])).join('\n')).not.toContain('bump YES');

    const b = sample();
    nbvOk(b, ['bump', '-m', 'new avatar']);
    replaceIn(b, 'XYZG3-V0-4.nbflow', 'jane-v2.png', 'jane-v3.png');
    const lines = advice(nbvOk(b, ['status']));
    expect(lines.join('\n')).toContain("bump done already, re-run: 'nbv wipe --stale'");
    expect(lines.join('\n')).not.toMatch(/bump YES|--stale --bump/);
  });

  it('7. an avatar swap is a screenful grouped by reason; -v and --json list every node; no pager or colour off a terminal', () => {
    const dir = sample();
    replaceIn(dir, V3, 'jane-v2.png', 'jane-v3.png');
    const brief = nbvOk(dir, ['status'], { PAGER: 'false', NBV_PAGER: 'false' });
    const lines = brief.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(16);
    expect(brief).toMatch(/stale 20 caches: reference-url-changed \(img-s01, img-s02, img-s03, img-s04, img-s05, img-s06, … \(14 more\)\)/);
    expect(brief).toContain("('nbv status -v' lists every node, '--json' for scripts)");
    expect(brief).not.toContain('\x1b[');
    const verbose = nbvOk(dir, ['status', '-v']);
    expect(verbose.split('\n').filter((l) => l.startsWith('  stale ')).length).toBe(40);
    expect(nbvJson<{ stale: unknown[] }>(dir, ['status']).stale).toHaveLength(40);
  });

  it('8. diff and show print a word diff of prompts and name edges by their ends', () => {
    const dir = sample();
    replaceIn(dir, V3, 'Tracking medium shot of Jane', 'Golden hour, tracking medium shot of Jane');
    replaceIn(dir, V3, '"id": "e-avatar-acct-1-img-s01",', '"id": "e-avatar-acct-1-img-s01",\n          "label": "x",');
    const text = fs.readFileSync(path.join(dir, V3), 'utf8');
    const at = text.indexOf('"edges": [') + '"edges": ['.length;
    fs.writeFileSync(path.join(dir, V3), `${text.slice(0, at)}\n        { "id": "e-new", "source": "img-s03", "target": "vid-s04" },${text.slice(at)}`);
    const diff = nbvOk(dir, ['diff']);
    expect(diff).toContain('img-s03 (Scene 03, acct-1): prompt edited: [-Tracking-]{+Golden hour, tracking+} medium shot of Jane');
    expect(diff).toContain('~ edge img-s03 -> vid-s04 added (acct-1)');
    expect(diff).toContain('~ edge avatar-acct-1 -> img-s01 changed (acct-1)');
    expect(diff).not.toContain('/tabs/0/edges');
    nbvOk(dir, ['commit']);
    const show = nbvOk(dir, ['show', 'HEAD']);
    expect(show).toContain('[-Tracking-]{+Golden hour, tracking+}');
    expect(show).toContain('~ edge img-s03 -> vid-s04 added');
    // commit without -m wrote its message from the change
    expect(nbvJson<Array<{ message: string }>>(dir, ['log', '-n', '1'])[0]!.message).toBe('Scene 03: prompt edited');
  });

  it('9. a copied project (mtimes reset) dates its imported states from backup names, warns, and --dates mtime overrides', () => {
    const dir = copyFixture();
    dirs.push(dir);
    const now = Date.now() / 1000;
    for (const f of fs.readdirSync(path.join(dir, 'backups'))) fs.utimesSync(path.join(dir, 'backups', f), now, now);
    nbvOk(dir, ['init']);
    const out = nbvOk(dir, ['track', V3]);
    expect(out).toContain("warning: the files' modification times look reset (all 4 files were modified within minutes of each other");
    const dates = nbvJson<Array<{ op: string; date: string }>>(dir, ['log']).filter((e) => e.op === 'import').map((e) => e.date.slice(0, 10));
    expect(dates).toEqual(['2026-05-12', '2026-05-09', '2026-05-09', '2026-05-09']);

    const other = copyFixture();
    dirs.push(other);
    for (const f of fs.readdirSync(path.join(other, 'backups'))) fs.utimesSync(path.join(other, 'backups', f), now, now);
    nbvOk(other, ['init']);
    expect(nbvOk(other, ['track', V3, '--dates', 'mtime'])).not.toContain('warning');
    const today = new Date(now * 1000).toISOString().slice(0, 8);
    expect(nbvJson<Array<{ op: string; date: string }>>(other, ['log']).filter((e) => e.op === 'import').some((e) => e.date.startsWith(today))).toBe(true);
    expect(nbv(other, ['track', V3, '--dates', 'soon']).status).toBe(2);
  });

  it('papercuts: log --op, git-like dates, audit --json, help, completion, EPIPE, one-line usage errors, examples', () => {
    const dir = sample();
    nbvOk(dir, ['reroll', '--scene', '03']);
    expect(nbvJson<Array<{ op: string }>>(dir, ['log', '--op', 'reroll']).map((e) => e.op)).toEqual(['reroll']);
    const badOp = nbv(dir, ['log', '--op', 'foo']);
    expect(badOp.status).toBe(2);
    expect(badOp.stderr).toBe(`nbv: --op 'foo' is no operation kind (${OP_KINDS.join(', ')})\n`);
    const since = nbvJson<Array<{ op: string; date: string }>>(dir, ['log', '--since', 'yesterday']); // NBV_NOW is 2026-05-12T10:15+02:00
    expect(since.map((e) => e.op)).toEqual(expect.arrayContaining(['reroll', 'track']));
    expect(since.every((e) => Date.parse(e.date) >= Date.parse('2026-05-11T10:15:00+02:00'))).toBe(true);
    const until = nbvJson<Array<{ date: string }>>(dir, ['log', '--until', '1.week.ago']);
    expect(until.every((e) => Date.parse(e.date) <= Date.parse('2026-05-05T10:15:00+02:00'))).toBe(true);
    const audit = nbvJson<Array<{ op: string }>>(dir, ['audit']);
    expect(audit.map((r) => r.op)).toContain('reroll');
    expect(nbvOk(dir, ['help', 'backups', 'sync'])).toMatch(/^Usage: nbv backups sync/);
    for (const shell of ['bash', 'zsh', 'fish']) expect(nbvOk(dir, ['completion', shell])).toContain('untrack');
    expect(nbv(dir, ['completion', 'tcsh']).status).toBe(2);
  });

  it('papercuts: EPIPE ends quietly, a usage error is one line, every --help has examples', () => {
    const dir = sample();
    const piped = spawnSync('sh', ['-c', `node ${JSON.stringify(NBV_BIN)} audit | head -c 10`], { cwd: dir, env: { ...process.env, ...TEST_ENV }, encoding: 'utf8' });
    expect(piped.stderr).toBe('');

    const usage = nbv(dir, ['log', '--bogus']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe("nbv: unknown option '--bogus'\n");
    for (const command of ['init', 'track', 'status', 'commit', 'bump', 'wipe', 'restore', 'undo', 'redo', 'untrack', 'log', 'show', 'diff', 'backups', 'verify', 'gc', 'blame', 'audit', 'plan', 'reroll', 'completion']) {
      expect(nbvOk(dir, [command, '--help']), command).toContain('Examples:');
    }
  });
});
