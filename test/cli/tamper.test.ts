// Tamper evidence: each kind of tampering is done with the real git (or by hand on backups/), and
// `nbv verify` must fail (exit 1) naming what was touched. One realistic history is built once
// through the binary; every case works on a copy of it.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, git, gitBytes, gitWithInput, nbv, nbvJson, nbvOk, removeDir, tempDir } from '../helpers/cli.js';
import { openProject, verify } from '../../src/index.js';

const WORKING = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
let base = '';

interface Problem {
  workflow: string | null;
  commit: string | null;
  code: string;
  detail: string;
}
interface Report {
  ok: boolean;
  problems: Problem[];
  notes: string[];
  heads: Array<{ workflow: string; commit: string; seq: number; chain: string | null }>;
}

function editPrompt(dir: string, file: string, nodeId: string, addition: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  const at = text.indexOf('"prompt": "', text.indexOf(`"id": "${nodeId}"`)) + '"prompt": "'.length;
  fs.writeFileSync(full, text.slice(0, at) + addition + text.slice(at));
}

beforeAll(() => {
  base = copyFixture();
  nbvOk(base, ['init']);
  nbvOk(base, ['track', WORKING]);
  editPrompt(base, WORKING, 'img-s03', 'Golden hour. ');
  nbvOk(base, ['commit', '-m', 'Scene 03: golden hour']);
  nbvOk(base, ['wipe', '--scene', '03', '-m', 'old avatar'], { NBV_NOW: '2026-05-12T11:00:00+02:00' });
  nbvOk(base, ['bump', '-m', 'next pass'], { NBV_NOW: '2026-05-12T12:00:00+02:00' });
  editPrompt(base, 'XYZG3-V0-4.nbflow', 'vid-s05', 'Slow dolly in. ');
  nbvOk(base, ['commit', '-m', 'Scene 05 motion'], { NBV_NOW: '2026-05-13T09:00:00+02:00' });
}, 60_000);
afterAll(() => [base, ...dirs].forEach(removeDir));

function copy(): { dir: string; gitdir: string; all: string[]; commits: string[]; offset: number } {
  const dir = tempDir();
  dirs.push(dir);
  fs.cpSync(base, dir, { recursive: true });
  const gitdir = path.join(dir, '.nbv');
  const all = git(gitdir, ['rev-list', '--reverse', 'XYZG3']).stdout.trim().split('\n');
  // track took in the sample's backups/ first; `commits` are the five this test made, `all` the branch.
  return { dir, gitdir, all, commits: all.slice(-5), offset: all.length - 5 };
}

/** Writes an exact copy of `commit` with other parents (and optionally another header), as real git objects. */
function recommit(gitdir: string, commit: string, parent: string | null, edit: (raw: string) => string = (r) => r): string {
  const raw = gitBytes(gitdir, ['cat-file', 'commit', commit]).toString('utf8');
  const header = raw.slice(0, raw.indexOf('\n\n'));
  const lines = header.split('\n').filter((l) => !l.startsWith('parent '));
  if (parent) lines.splice(1, 0, `parent ${parent}`);
  return gitWithInput(gitdir, ['hash-object', '-t', 'commit', '-w', '--stdin'], edit(lines.join('\n') + raw.slice(raw.indexOf('\n\n')))).trim();
}

/** Rebuilds the branch from `order` (old commit ids, oldest first; replacements by index) and moves the ref. */
function rebuild(gitdir: string, order: string[], replace: Map<number, (parent: string | null) => string> = new Map()): string[] {
  const out: string[] = [];
  order.forEach((commit, i) => {
    const parent = out[i - 1] ?? null;
    out.push(replace.get(i)?.(parent) ?? recommit(gitdir, commit, parent));
  });
  gitWithInput(gitdir, ['update-ref', 'refs/heads/XYZG3', out[out.length - 1]!], '');
  return out;
}

function verifyFails(dir: string): Report {
  const result = nbv(dir, ['verify', '--json']);
  expect(result.status, result.stderr).toBe(1);
  const report = JSON.parse(result.stdout) as Report;
  expect(report.ok).toBe(false);
  return report;
}

const codesAt = (report: Report, commit: string) => report.problems.filter((p) => p.commit === commit).map((p) => p.code);

describe('nbv verify: tamper evidence', () => {
  it('passes on the untampered history, which the real git accepts, and prints head chain hashes to keep', () => {
    const { dir, gitdir, all, commits } = copy();
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0);
    const report = nbvJson<Report>(dir, ['verify']);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.heads).toEqual([{ workflow: 'XYZG3', commit: commits[4], seq: all.length, chain: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const ops = all.map((c) => JSON.parse(gitBytes(gitdir, ['show', `${c}:op.json`]).toString('utf8')));
    expect(ops.map((o) => o.chain.seq)).toEqual(all.map((_, i) => i + 1));
    expect(ops[0].chain.prev).toBeNull();
    expect(ops.slice(1).map((o) => o.chain.prev)).toEqual(ops.slice(0, -1).map((o) => o.chain.hash));
    // The head, kept elsewhere, anchors this history; a wrong one fails.
    const head = report.heads[0]!;
    expect(nbv(dir, ['verify', '--anchor', `XYZG3@${head.seq}:${head.chain}`]).status).toBe(0);
    const wrong = nbv(dir, ['verify', '--anchor', `XYZG3@3:${'0'.repeat(64)}`]);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain('anchor');
    expect(nbv(dir, ['verify', '--anchor', 'XYZG3-3']).status).toBe(2);
  });

  it('names a commit rewritten with git commit-tree (another author) and the tag left behind', async () => {
    const { dir, gitdir, all, commits, offset } = copy();
    const forge = (parent: string | null) => {
      const tree = git(gitdir, ['rev-parse', `${commits[2]}^{tree}`]).stdout.trim();
      const message = git(gitdir, ['log', '-1', '--format=%B', commits[2]!]).stdout;
      const result = spawnSync('git', [`--git-dir=${gitdir}`, 'commit-tree', tree, '-p', parent!, '-F', '-'], {
        input: message,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'Mallory', GIT_AUTHOR_EMAIL: 'm@example.com', GIT_AUTHOR_DATE: '2026-05-12T11:00:00+02:00', GIT_COMMITTER_NAME: 'Mallory', GIT_COMMITTER_EMAIL: 'm@example.com' },
      });
      return result.stdout.trim();
    };
    const rebuilt = rebuild(gitdir, all, new Map([[offset + 2, forge]]));
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0); // git itself sees nothing wrong
    const report = verifyFails(dir);
    expect(codesAt(report, rebuilt[offset + 2]!)).toContain('commit-header');
    expect(report.problems.find((p) => p.code === 'commit-header')!.detail).toContain('Mallory');
    // The V0-4 tag still points at the old bump commit, which is no longer in the history.
    expect(report.problems.some((p) => p.code === 'tag' && p.commit === commits[3] && p.detail.includes('XYZG3/V0-4'))).toBe(true);
    // The library says the same.
    const lib = await verify(await openProject(dir));
    expect(lib.problems.map((p) => p.code)).toEqual(report.problems.map((p) => p.code));
  });

  it('names a loose object file deleted from the store', () => {
    const { dir, gitdir, commits } = copy();
    const patchBlob = git(gitdir, ['rev-parse', `${commits[1]}:patch.json`]).stdout.trim();
    fs.rmSync(path.join(gitdir, 'objects', patchBlob.slice(0, 2), patchBlob.slice(2)));
    expect(git(gitdir, ['fsck', '--strict']).status).not.toBe(0);
    const report = verifyFails(dir);
    const problem = report.problems.find((p) => p.code === 'object-missing')!;
    expect(problem.commit).toBe(commits[1]);
    expect(problem.detail).toContain(patchBlob);
  });

  it('names a loose object whose content was replaced on disk', () => {
    const { dir, gitdir, commits } = copy();
    const victim = git(gitdir, ['rev-parse', `${commits[0]}:op.json`]).stdout.trim();
    const other = git(gitdir, ['rev-parse', `${commits[1]}:op.json`]).stdout.trim();
    const file = (oid: string) => path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    fs.chmodSync(file(victim), 0o644);
    fs.copyFileSync(file(other), file(victim));
    const report = verifyFails(dir);
    expect(report.problems.some((p) => p.code === 'object-hash' && p.commit === commits[0])).toBe(true);
  });

  it('names the commit whose .nbflow blob was swapped (hash-object -w + mktree + commit-tree)', () => {
    const { dir, gitdir, all, commits, offset } = copy();
    const swap = (parent: string | null) => {
      const text = gitBytes(gitdir, ['show', `${commits[2]}:${WORKING}`]).toString('utf8').replace('"model": "NB2"', '"model": "NB1"');
      const blob = gitWithInput(gitdir, ['hash-object', '-w', '--stdin'], text).trim();
      const listing = git(gitdir, ['ls-tree', commits[2]!]).stdout.replace(/blob [0-9a-f]{40}\t(XYZG3-V0-3\.nbflow)/, `blob ${blob}\t$1`);
      const tree = gitWithInput(gitdir, ['mktree'], listing).trim();
      return recommit(gitdir, commits[2]!, parent, (raw) => raw.replace(/^tree [0-9a-f]{40}/, `tree ${tree}`));
    };
    const rebuilt = rebuild(gitdir, all, new Map([[offset + 2, swap]]));
    const report = verifyFails(dir);
    expect(codesAt(report, rebuilt[offset + 2]!)).toContain('sha256');
  });

  it('a state forged as broken JSON is a corrupt store to diff and restore (exit 1), not a crash or a bad input', () => {
    // Recorded states are parsed without the strict scan (they passed it when recorded), so a
    // store forged with other tools must still end in one clear line.
    const { dir, gitdir, all, commits, offset } = copy();
    const forge = (parent: string | null) => {
      const blob = gitWithInput(gitdir, ['hash-object', '-w', '--stdin'], '{"tabs": [').trim();
      const listing = git(gitdir, ['ls-tree', commits[2]!]).stdout.replace(/blob [0-9a-f]{40}\t(XYZG3-V0-3\.nbflow)/, `blob ${blob}\t$1`);
      const tree = gitWithInput(gitdir, ['mktree'], listing).trim();
      return recommit(gitdir, commits[2]!, parent, (raw) => raw.replace(/^tree [0-9a-f]{40}/, `tree ${tree}`));
    };
    const rebuilt = rebuild(gitdir, all, new Map([[offset + 2, forge]]));
    const forged = rebuilt[offset + 2]!;
    for (const args of [['diff', forged.slice(0, 10), 'HEAD'], ['restore', forged.slice(0, 10)]]) {
      const result = nbv(dir, args);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`commit ${forged.slice(0, 12)}`);
      expect(result.stderr).toMatch(/not JSON/);
    }
    expect(codesAt(verifyFails(dir), forged)).toContain('sha256');
  });

  it('names a tag moved with git tag -f, and a tag removed', () => {
    const { dir, gitdir, commits } = copy();
    git(gitdir, ['tag', '-f', 'XYZG3/V0-4', commits[4]!]);
    git(gitdir, ['tag', '-d', 'XYZG3/V0-3']);
    const report = verifyFails(dir);
    const tags = report.problems.filter((p) => p.code === 'tag').map((p) => p.detail);
    expect(tags).toHaveLength(2);
    expect(tags.some((t) => t.includes('XYZG3/V0-4 was moved'))).toBe(true);
    expect(tags.some((t) => t.includes('XYZG3/V0-3 is missing'))).toBe(true);
  });

  it('names commits reordered, and a commit removed, by rebuilding the branch', () => {
    const swapped = copy();
    const o = swapped.offset;
    const order = [...swapped.all.slice(0, o), ...[0, 2, 1, 3, 4].map((i) => swapped.commits[i]!)];
    const rebuilt = rebuild(swapped.gitdir, order);
    expect(git(swapped.gitdir, ['fsck', '--strict']).status).toBe(0);
    const report = verifyFails(swapped.dir);
    expect(codesAt(report, rebuilt[o + 1]!)).toContain('chain');
    expect(codesAt(report, rebuilt[o + 2]!)).toContain('chain');
    expect(codesAt(report, rebuilt[o]!)).toEqual([]);

    const removed = copy();
    const r = removed.offset;
    const kept = rebuild(removed.gitdir, [...removed.all.slice(0, r), ...[0, 2, 3, 4].map((i) => removed.commits[i]!)]);
    const report2 = verifyFails(removed.dir);
    const detail = report2.problems.find((p) => p.commit === kept[r + 1] && p.code === 'chain')!.detail;
    expect(detail).toContain(`#${r + 3} of the branch but it is #${r + 2}`);
  });

  it('names a backups/ file edited by hand, and only notes a file history does not know', () => {
    const { dir } = copy();
    const backups = fs.readdirSync(path.join(dir, 'backups'));
    const preWipe = backups.find((f) => f.includes('pre-cache-wipe') && f.startsWith('XYZG3-V0-3'))!;
    expect(preWipe).toBeDefined();
    fs.appendFileSync(path.join(dir, 'backups', preWipe), ' ');
    fs.writeFileSync(path.join(dir, 'backups', 'notes.txt'), 'mine');
    const report = verifyFails(dir);
    expect(report.problems.map((p) => [p.code, p.detail.split(' ')[0]])).toEqual([['backup-altered', `backups/${preWipe}`]]);
    expect(report.notes.some((n) => n.startsWith('backups/notes.txt'))).toBe(true);
  });
});
