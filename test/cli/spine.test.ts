// The spine end to end through the real binary: track, commit, log, show, diff, restore, verify,
// with the real git reading the store as an independent checker.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogItem } from '../../src/index.js';
import { copyFixture, git, gitBytes, gitWithInput, nbv, nbvJson, nbvOk, removeDir, REPO_ROOT } from '../helpers/cli.js';

const WORKING = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function sampleProject(): string {
  const dir = copyFixture();
  dirs.push(dir);
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', WORKING, '--no-history']);
  return dir;
}

/** Edits one node's prompt in the text itself, keeping every other byte. */
function editPrompt(dir: string, nodeId: string, addition: string): void {
  const file = path.join(dir, WORKING);
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(`"id": "${nodeId}"`);
  expect(at).toBeGreaterThan(0);
  const promptAt = text.indexOf('"prompt": "', at) + '"prompt": "'.length;
  fs.writeFileSync(file, text.slice(0, promptAt) + addition + text.slice(promptAt));
}


describe('nbv spine', () => {
  it('tracks a workflow into a store the real git reads', () => {
    const dir = sampleProject();
    const gitdir = path.join(dir, '.nbv');
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0);
    const log = nbvJson<LogItem[]>(dir, ['log']);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ op: 'track', version: 'V0-3', file: WORKING, author: 'Jane Tester <jane@example.com>', date: '2026-05-12T10:15:00+02:00' });

    const gitLog = git(gitdir, ['log', '--all', '--format=%H %s']);
    expect(gitLog.stdout.trim().split('\n')).toHaveLength(1);
    expect(gitLog.stdout).toContain(log[0]!.commit);
    const stored = gitBytes(gitdir, ['show', `XYZG3:${WORKING}`]);
    expect(stored.equals(fs.readFileSync(path.join(dir, WORKING)))).toBe(true);
    const op = JSON.parse(gitBytes(gitdir, ['show', 'XYZG3:op.json']).toString('utf8'));
    expect(op).toMatchObject({ format: 'nbv-op/1', op: 'track', workflow: 'XYZG3', version: 'V0-3' });
    expect(git(gitdir, ['tag', '-l']).stdout.trim()).toBe('XYZG3/V0-3');
  });

  it('tracking the same file twice is harmless', () => {
    const dir = sampleProject();
    const again = nbv(dir, ['track', WORKING]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already tracked');
    expect(nbvJson<LogItem[]>(dir, ['log'])).toHaveLength(1);
  });

  it('classifies a prompt edit, shows it in diff, commits it, and restores the original bytes', () => {
    const dir = sampleProject();
    const original = fs.readFileSync(path.join(dir, WORKING));
    editPrompt(dir, 'img-s03', 'Close-up, golden hour. ');

    const pending = nbvJson<{ nodes: Array<{ node: string; changes: Array<{ kind: string }> }> }>(dir, ['diff']);
    expect(pending.nodes.map((n) => n.node)).toEqual(['img-s03']);
    expect(pending.nodes[0]!.changes.map((c) => c.kind)).toEqual(['prompt-edited']);
    const status = nbvJson<{ uncommitted: boolean; changes: unknown[] }>(dir, ['status']);
    expect(status.uncommitted).toBe(true);

    const out = nbvOk(dir, ['commit', '-m', 'Scene 03: golden hour']);
    expect(out).toContain('img-s03');
    const log = nbvJson<LogItem[]>(dir, ['log']);
    expect(log.map((e) => e.op)).toEqual(['commit', 'track']);
    expect(log[0]!.nodes).toEqual(['img-s03']);
    expect(log[0]!.changes[0]!.kinds).toEqual(['prompt-edited']);

    const patch = JSON.parse(nbvOk(dir, ['show', 'HEAD', '--patch']));
    expect(patch).toHaveLength(1);
    expect(patch[0].op).toBe('replace');
    expect(patch[0].path).toMatch(/^\/tabs\/\d+\/nodes\/\d+\/data\/prompt$/);

    nbvOk(dir, ['restore', 'HEAD~1']);
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(original)).toBe(true);
    expect(nbvJson<LogItem[]>(dir, ['log']).map((e) => e.op)).toEqual(['restore', 'commit', 'track']);
    expect(nbvOk(dir, ['verify'])).toContain('OK');
    expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);
  });

  it('restore records unsaved edits first, so nothing is lost', () => {
    const dir = sampleProject();
    editPrompt(dir, 'vid-s05', 'Slow dolly in. ');
    const edited = fs.readFileSync(path.join(dir, WORKING));
    nbvOk(dir, ['restore', 'V0-3']);
    const log = nbvJson<LogItem[]>(dir, ['log']);
    expect(log.map((e) => e.op)).toEqual(['restore', 'commit', 'track']);
    // The edited bytes are a recorded state: restoring that commit gives them back exactly.
    nbvOk(dir, ['restore', log[1]!.commit.slice(0, 9)]);
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(edited)).toBe(true);
  });

  it('resolves a REF that is a path to a file by its content hash', () => {
    const dir = sampleProject();
    const original = fs.readFileSync(path.join(dir, WORKING));
    const copy = path.join(dir, 'elsewhere.json');
    fs.writeFileSync(copy, original);
    editPrompt(dir, 'img-s01', 'Wide shot. ');
    nbvOk(dir, ['commit', '-m', 'wide']);
    nbvOk(dir, ['restore', 'elsewhere.json']);
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(original)).toBe(true);
  });

  it('show and log --json carry the contract fields', () => {
    const dir = sampleProject();
    const [entry] = nbvJson<LogItem[]>(dir, ['log', '-n', '1']);
    for (const key of ['commit', 'op', 'version', 'file', 'message', 'author', 'date', 'nodes']) expect(entry).toHaveProperty(key);
    const shown = nbvJson<{ commit: string; record: { sha256: string } }>(dir, ['show', entry!.commit.slice(0, 7)]);
    expect(shown.commit).toBe(entry!.commit);
    expect(shown.record.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verify fails (exit 1) on a commit whose patch does not rebuild its document, made with the real git', () => {
    const dir = sampleProject();
    const gitdir = path.join(dir, '.nbv');
    editPrompt(dir, 'img-s02', 'Rain. ');
    nbvOk(dir, ['commit', '-m', 'rain']);
    // Forge a child commit with the same file and op record but an empty patch.
    const blob = gitWithInput(gitdir, ['hash-object', '-w', '--stdin'], '[]\n').trim();
    const tree = gitBytes(gitdir, ['ls-tree', 'XYZG3']).toString('utf8').replace(/blob [0-9a-f]{40}\tpatch\.json/, `blob ${blob}\tpatch.json`);
    const newTree = gitWithInput(gitdir, ['mktree'], tree).trim();
    const forged = gitWithInput(gitdir, ['commit-tree', newTree, '-p', 'XYZG3~1', '-m', 'forged'], '').trim();
    gitWithInput(gitdir, ['update-ref', 'refs/heads/XYZG3', forged], '');
    const result = nbv(dir, ['verify']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(forged.slice(0, 7));
    expect(result.stdout).toContain('patch');
  });

  it('answers --version and help, and exits 2 on bad usage', () => {
    const dir = sampleProject();
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
    expect(nbvOk(dir, ['--version']).trim()).toBe(version);
    expect(nbv(dir, ['frobnicate']).status).toBe(2);
    expect(nbv(dir, ['commit', '-m', '  ']).status).toBe(2); // an empty message (without -m, nbv writes one)
    expect(nbv(dir, ['log', '-n', 'zero']).status).toBe(2);
  });
});

