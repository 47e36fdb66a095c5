// The process behaviour of `nbv watch` and `nbv run`, on the real binary: saves from another
// process (in place and write-then-rename) recorded while a `wipe` runs from a third, a bump
// followed, Ctrl-C; a runner interrupted by Ctrl-C. Every wait polls for its condition with a
// generous deadline: no test here depends on how fast the machine is.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initProject, track, openProject } from '../../src/index.js';
import { walkEntries } from '../../src/history/history.js';
import { loadWorkflow } from '../../src/history/workflows.js';
import { hashBlob } from '../../src/store/index.js';
import { NBV_BIN, REPO_ROOT, SAMPLE_DIR, TEST_ENV, nbv, nbvJson, nbvOk, removeDir, tempDir } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const RUNNER = path.join(REPO_ROOT, 'fixtures', 'fake-runner.mjs');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dirs.splice(0).forEach(removeDir);
});

async function sampleProject(): Promise<string> {
  const dir = tempDir('nbv-watch-');
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
  const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
  await track(project, { file: path.join(dir, FILE) });
  return dir;
}

async function waitFor(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(dir: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [NBV_BIN, ...args], { cwd: dir, env: { ...process.env, ...TEST_ENV, ...env, NBV_DEBUG: '' } });
  children.push(child);
  const out = { stdout: '', stderr: '', exited: null as number | null };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  child.on('exit', (code, signal) => (out.exited = code ?? (signal ? 128 : -1)));
  return { child, out, lines: () => out.stdout.split('\n').filter(Boolean) };
}

/** A save by another process, the way an editor makes one: in place, or a new file renamed over. */
function saveFromAnotherProcess(file: string, prefix: string, how: 'in-place' | 'rename'): Buffer {
  const script = `
    const fs = require('fs');
    const [file, prefix, how] = process.argv.slice(1);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const node = doc.tabs[0].nodes.find((n) => n.id === 'img-s03');
    node.data.prompt = prefix + node.data.prompt;
    const text = JSON.stringify(doc, null, 2) + '\\n';
    if (how === 'in-place') fs.writeFileSync(file, text);
    else { fs.writeFileSync(file + '.saving', text); fs.renameSync(file + '.saving', file); }`;
  const r = spawnSync(process.execPath, ['-e', script, file, prefix, how], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return fs.readFileSync(file);
}

/** Blob ids of every state recorded on the workflow's branch. */
async function recordedBlobs(dir: string): Promise<Set<string>> {
  const project = await openProject(dir, { env: { ...process.env, ...TEST_ENV } });
  const wf = await loadWorkflow(project, 'XYZG3');
  const blobs = new Set<string>();
  for await (const entry of walkEntries(project, wf.head.commit)) blobs.add(entry.fileBlob);
  return blobs;
}

const markers = (dir: string, kind: string) => fs.readdirSync(path.join(dir, '.nbv')).filter((f) => f.startsWith(`nbv-live-${kind}-`));

describe('nbv watch', () => {
  it('records every save from another process while a wipe runs from a third, follows a bump, stops on Ctrl-C', async () => {
    const dir = await sampleProject();
    const w = start(dir, ['watch', '--debounce', '150']);
    await waitFor('watch to start', () => w.out.stderr.includes('recording every save'));
    const watched = nbvJson<{ watch: { pid: number } | null }>(dir, ['status']);
    expect(watched!.watch?.pid).toBe(w.child.pid);

    const saves: Buffer[] = [];
    saves.push(saveFromAnotherProcess(path.join(dir, FILE), 'Take one. ', 'in-place'));
    await waitFor('the first save to be recorded', () => w.lines().length === 1);
    saves.push(saveFromAnotherProcess(path.join(dir, FILE), 'Take two. ', 'rename'));
    await waitFor('the second save to be recorded', () => w.lines().length === 2);
    expect(w.lines()[0]).toMatch(/XYZG3 V0-3 [0-9a-f]{7} commit: img-s03 prompt-edited/);

    // A save and a wipe from two other processes at once: the wipe takes the lock between the
    // watch's recordings, and the save is in history whichever of the two records it.
    const wipe = spawn(process.execPath, [NBV_BIN, 'wipe', '--scene', '05'], { cwd: dir, env: { ...process.env, ...TEST_ENV } });
    children.push(wipe);
    saves.push(saveFromAnotherProcess(path.join(dir, FILE), 'Take three. ', 'rename'));
    const wipeStatus = await new Promise<number | null>((resolve) => wipe.on('exit', (code) => resolve(code)));
    expect(wipeStatus).toBe(0);
    await waitFor('the working file to be as recorded', () => nbvJson<{ uncommitted: boolean }>(dir, ['status']).uncommitted === false);

    // A bump elsewhere: the watch follows the new file.
    nbvOk(dir, ['bump', '-m', 'new version']);
    const bumped = path.join(dir, 'XYZG3-V0-4.nbflow');
    const before = w.lines().length;
    await new Promise((r) => setTimeout(r, 700)); // let the watch see the new head (polls every 500 ms)
    saves.push(saveFromAnotherProcess(bumped, 'Take four. ', 'in-place'));
    await waitFor('the save of the bumped file to be recorded', () => w.lines().slice(before).some((l) => l.includes('V0-4')));

    const blobs = await recordedBlobs(dir);
    for (const [i, save] of saves.entries()) expect(blobs.has(hashBlob(new Uint8Array(save))), `save ${i + 1}`).toBe(true);
    const ops = nbvJson<Array<{ op: string; message: string }>>(dir, ['log']);
    expect(ops.filter((o) => o.message === 'saved while watched').length).toBeGreaterThanOrEqual(3);
    expect(ops.some((o) => o.op === 'wipe')).toBe(true);

    w.child.kill('SIGINT');
    await waitFor('watch to stop', () => w.out.exited !== null);
    expect(w.out.exited).toBe(0);
    expect(w.out.stderr).toMatch(/stopped; \d+ saves recorded/);
    expect(markers(dir, 'watch')).toEqual([]);
    expect(nbvJson<{ watch: unknown }>(dir, ['status']).watch).toBeNull();
    expect(spawnSync('git', [`--git-dir=${path.join(dir, '.nbv')}`, 'fsck', '--strict']).status).toBe(0);
  });

  it('never records a half-written save', async () => {
    const dir = await sampleProject();
    const w = start(dir, ['watch', '--debounce', '100']);
    await waitFor('watch to start', () => w.out.stderr.includes('recording every save'));
    const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
    fs.writeFileSync(path.join(dir, FILE), text.slice(0, text.length / 2));
    await waitFor('the half-written file to be noticed', () => w.out.stderr.includes('does not parse'));
    expect(w.lines()).toEqual([]);
    fs.writeFileSync(path.join(dir, FILE), text.replace('"title": "Scene 03"', '"title": "Scene 03 (final)"'));
    await waitFor('the complete save to be recorded', () => w.lines().length === 1);
    w.child.kill('SIGTERM');
    await waitFor('watch to stop', () => w.out.exited !== null);
    expect(w.out.exited).toBe(0);
  });
});

describe('nbv run (process behaviour)', () => {
  it('streams the runner output, passes Ctrl-C on to it, and records what it filled as interrupted', async () => {
    const dir = await sampleProject();
    const r = start(dir, ['run', '--clean', '--', process.execPath, RUNNER], { FAKE_RUNNER_DELAY_MS: '300' });
    await waitFor('two nodes to be generated', () => (r.out.stdout.match(/ done \(/g) ?? []).length >= 2);
    expect(markers(dir, 'run')).toHaveLength(1);
    r.child.kill('SIGINT');
    await waitFor('nbv run to end', () => r.out.exited !== null);
    expect(r.out.stdout).toContain('fake-runner: interrupted (SIGINT)');
    expect(r.out.exited).toBe(130);
    const [last] = nbvJson<Array<{ op: string; nodes: string[]; commit: string }>>(dir, ['log', '-n', '3']);
    expect(last!.op).toBe('run');
    const done = (r.out.stdout.match(/fake-runner: (\S+) done/g) ?? []).map((l) => l.split(' ')[1]);
    expect(last!.nodes).toEqual(done);
    expect(nbvJson<Array<{ op: string }>>(dir, ['log', '-n', '3']).map((i) => i.op)).toEqual(['run', 'wipe', 'bump']);
    const status = nbvOk(dir, ['status']);
    expect(status).toMatch(/the last run stopped \(exit 130\) after filling \d+ nodes of 40: wipe NO/);
    expect(markers(dir, 'run')).toEqual([]);
    expect(r.out.stderr).toMatch(/marked interrupted/);
  });

  it('refuses a run with no command, exit 2, nothing recorded', async () => {
    const dir = await sampleProject();
    const before = nbvOk(dir, ['log']);
    const r = nbv(dir, ['run']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/say what to run after '--'/);
    expect(nbvOk(dir, ['log'])).toBe(before);
  });
});
