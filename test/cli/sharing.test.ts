// The sharing commands through the real binary: what a user types and what a script reads.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NBV_BIN, TEST_ENV, copyFixture, nbv, nbvJson, nbvOk, tempDir } from '../helpers/cli.js';
import { startGitServer, type GitServer } from '../sharing/helpers/gitServer.js';
import { bareRepo, editField, fsck, imageNodes, removeDir, WORKING } from '../sharing/helpers/projects.js';

const GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
let root: string;
let server: GitServer;
beforeAll(async () => {
  root = tempDir('nbv-cli-share-');
  fs.mkdirSync(path.join(root, 'srv'));
  server = await startGitServer(path.join(root, 'srv'));
});
afterAll(async () => {
  await server.stop();
  removeDir(root);
});

/** The binary without blocking this process (the HTTP server answers from it). */
function nbvAsync(cwd: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [NBV_BIN, ...args], { cwd, env: { ...process.env, ...TEST_ENV, ...GIT_ENV } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

describe('nbv clone / remote / push / pull', () => {
  it('push to a folder, clone over http, pull with --json; progress never shows off a terminal', async () => {
    const jane = copyFixture();
    nbvOk(jane, ['init']);
    nbvOk(jane, ['track', WORKING]);
    const repo = bareRepo(path.join(root, 'srv'), 'cli.git');
    expect(nbvOk(jane, ['remote', 'add', 'origin', repo], GIT_ENV)).toMatch(/Added remote origin/);
    expect(nbvJson<Array<{ name: string; kind: string }>>(jane, ['remote', 'list'])).toEqual([{ name: 'origin', url: repo, kind: 'local' }]);
    const pushed = nbv(jane, ['push'], GIT_ENV);
    expect(pushed.status).toBe(0);
    expect(pushed.stdout).toMatch(/Pushed to origin .*starting the repository/);
    expect(pushed.stderr).toBe('');
    fsck(repo);

    const omar = path.join(root, 'omar');
    const cloned = await nbvAsync(root, ['clone', server.url('cli.git'), omar]);
    expect(cloned.status, cloned.stderr).toBe(0);
    expect(cloned.stdout).toMatch(/Cloned .* into .*omar/);
    expect(cloned.stderr).toBe('');
    expect(fs.readFileSync(path.join(omar, WORKING)).equals(fs.readFileSync(path.join(jane, WORKING)))).toBe(true);
    expect(nbvOk(omar, ['verify'])).toMatch(/ok|OK|verified/i);

    const id = imageNodes(path.join(jane, WORKING))[0]!;
    editField(path.join(jane, WORKING), id, 'prompt', 'Pushed from the command line.');
    nbvOk(jane, ['commit', '-m', 'cli edit']);
    expect(nbvJson<{ updated: unknown[] }>(jane, ['push'], GIT_ENV).updated.length).toBeGreaterThan(0);
    const pulled = await nbvAsync(omar, ['pull', '--json']);
    expect(pulled.status, pulled.stderr).toBe(0);
    const result = JSON.parse(pulled.stdout) as { workflows: Array<{ result: string }> };
    expect(result.workflows[0]!.result).toBe('fast-forward');
    const status = JSON.parse((await nbvAsync(omar, ['status', '--json'])).stdout) as { sync: Array<{ remote: string; state: string }> };
    expect(status.sync).toEqual([{ remote: 'origin', state: 'same', ahead: 0, behind: 0 }]);
  });

  it('a push refused because the remote moved says "pull first" and exits 2', () => {
    const repo = bareRepo(root, 'moved.git');
    const jane = copyFixture();
    nbvOk(jane, ['init']);
    nbvOk(jane, ['track', WORKING]);
    nbvOk(jane, ['remote', 'add', 'origin', repo], GIT_ENV);
    nbvOk(jane, ['push'], GIT_ENV);
    const omar = path.join(root, 'moved-omar');
    nbvOk(root, ['clone', repo, omar], GIT_ENV);
    const ids = imageNodes(path.join(jane, WORKING));
    editField(path.join(jane, WORKING), ids[0]!, 'prompt', 'Jane moved it.');
    nbvOk(jane, ['commit', '-m', 'jane'], GIT_ENV);
    nbvOk(jane, ['push'], GIT_ENV);
    editField(path.join(omar, WORKING), ids[1]!, 'prompt', 'Omar too.');
    nbvOk(omar, ['commit', '-m', 'omar'], GIT_ENV);
    const refused = nbv(omar, ['push'], GIT_ENV);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/pull first/);
    expect(nbv(omar, ['pull'], GIT_ENV).stdout).toMatch(/XYZG3: merged/);
    const log = nbvOk(omar, ['log', '-n', '1'], GIT_ENV);
    expect(log).toMatch(/merge .*\(parents [0-9a-f]{7} [0-9a-f]{7}\)/);
    expect(nbvJson<Array<{ parents: string[] }>>(omar, ['log', '-n', '1'])[0]!.parents).toHaveLength(2);
  });
});
