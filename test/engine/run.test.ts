// `nbv run` through the library with the fake runner (fixtures/fake-runner.mjs) on the bundled
// sample: a normal run, the seed's clean mode in one step, a crash half-way, a death mid-write.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initProject, log, plan, reroll, run, status, track, type Project } from '../../src/index.js';
import { decodeHistoryIndex } from '../../src/history/historyIndexFormat.js';
import { historyIndexMeta } from '../../src/history/historyIndex.js';
import { SAMPLE_DIR, REPO_ROOT, git, removeDir, tempDir, TEST_ENV } from '../helpers/cli.js';

const FILE = 'XYZG3-V0-3.nbflow';
const RUNNER = [process.execPath, path.join(REPO_ROOT, 'fixtures', 'fake-runner.mjs')];
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function sampleProject(): Promise<{ dir: string; project: Project }> {
  const dir = tempDir('nbv-run-');
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
  fs.cpSync(path.join(SAMPLE_DIR, 'backups'), path.join(dir, 'backups'), { recursive: true });
  const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
  await track(project, { file: path.join(dir, FILE) });
  return { dir, project };
}

const leftovers = (dir: string) => fs.readdirSync(path.join(dir, '.nbv')).filter((f) => f.startsWith('nbv-run-plan') || f.startsWith('nbv-live-'));

describe('run', () => {
  it('hands the runner the plan and records one run naming the nodes it filled', async () => {
    const { dir, project } = await sampleProject();
    await reroll(project, { selector: { scenes: ['03'] } });
    const planned = (await plan(project)).regenerate.map((i) => i.node);
    expect(planned).toContain('img-s03');
    const seen: string[] = [];
    const result = await run(project, { command: RUNNER, stdio: 'ignore', onStart: (s) => seen.push(...s.plan.regenerate.map((i) => i.node)) });
    expect(seen).toEqual(planned);
    expect(result.exitStatus).toBe(0);
    expect(result.entry.op.op).toBe('run');
    expect(result.run.planned).toEqual(planned);
    expect(result.run.filled).toEqual(planned);
    expect(result.run.unfilled).toEqual([]);
    expect(result.run.interrupted).toBe(false);
    expect(result.entry.op.nodes).toEqual(planned);
    expect(result.run.durationMs).toBeGreaterThanOrEqual(0);
    // Recorded as the file is: clean status, nothing left to plan, nothing left in .nbv.
    const [report] = await status(project);
    expect(report!.uncommitted).toBe(false);
    expect((await plan(project)).regenerate).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
    expect((await log(project, { limit: 1 }))[0]!.op).toBe('run');
    // The history index keeps run rows like any other (op kind `run` in its format).
    await log(project);
    const index = decodeHistoryIndex((await project.store.readMeta(historyIndexMeta('XYZG3')))!, 'XYZG3');
    expect(index![0]!.op.op).toBe('run');
    expect(index![0]!.op.nodes).toEqual(planned);
  });

  it('--clean is the seed clean mode in one step: one bump, one wipe, one run filling every node', async () => {
    const { dir, project } = await sampleProject();
    const result = await run(project, { command: RUNNER, clean: true, stdio: 'ignore' });
    expect(result.bump!.to).toEqual({ version: 'V0-4', file: 'XYZG3-V0-4.nbflow' });
    expect(result.wipe!.op.op).toBe('wipe');
    expect(result.run.planned).toHaveLength(40);
    expect(result.run.filled).toEqual(result.run.planned);
    expect((await log(project, { limit: 3 })).map((i) => i.op)).toEqual(['run', 'wipe', 'bump']);
    expect(fs.existsSync(path.join(dir, 'XYZG3-V0-4.nbflow'))).toBe(true);
    expect(fs.existsSync(path.join(dir, FILE))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'backups', FILE))).toBe(true);
    expect(fs.existsSync(path.join(dir, result.wipeBackup!))).toBe(true);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'XYZG3-V0-4.nbflow'), 'utf8'));
    const urls = doc.tabs.flatMap((t: any) => t.nodes).flatMap((n: any) => [...(n.data._savedImages ?? []), ...(n.data._savedClips ?? [])]).map((o: any) => o.url);
    expect(urls.length).toBe(20 * 4 + 20 * 2);
    expect(git(project.gitdir, ['fsck', '--strict']).status).toBe(0);
  });

  it('a runner that crashes half-way has its outputs recorded, marked interrupted, and status gives the seed advice', async () => {
    const { project } = await sampleProject();
    const result = await run(project, { command: RUNNER, clean: true, stdio: 'ignore', env: { FAKE_RUNNER_CRASH_AFTER: '3' } });
    expect(result.exitStatus).toBe(3);
    expect(result.run.interrupted).toBe(true);
    expect(result.run.exitCode).toBe(3);
    expect(result.run.filled).toEqual(result.run.planned.slice(0, 3));
    expect(result.run.unfilled).toHaveLength(37);
    expect(result.entry.op.message).toMatch(/filled 3 of 40 planned nodes \(interrupted: exit 3\)/);
    const [report] = await status(project);
    expect(report!.uncommitted).toBe(false);
    const advice = report!.decisions.find((d) => d.row === 'runner-crash');
    expect(advice).toMatchObject({ wipe: 'no', bump: 'no' });
    expect(advice!.text).toMatch(/wipe NO .*re-run it: only the 37 unfilled nodes are planned/);
    // Re-running plans exactly the nodes the crash left unfilled.
    expect((await plan(project)).regenerate.map((i) => i.node)).toEqual(result.run.unfilled);
    const again = await run(project, { command: RUNNER, stdio: 'ignore' });
    expect(again.run.filled).toEqual(result.run.unfilled);
    expect((await status(project))[0]!.decisions.some((d) => d.row === 'runner-crash')).toBe(false);
  });

  it('a runner that dies in the middle of a save: the last complete save is recorded, the half-written bytes kept aside', async () => {
    const { dir, project } = await sampleProject();
    const result = await run(project, {
      command: RUNNER,
      clean: true,
      stdio: 'ignore',
      // Each save stays on disk for 400 ms before the next node starts: ample time to be seen.
      env: { FAKE_RUNNER_DIE_MID_WRITE: '2', FAKE_RUNNER_DELAY_MS: '400' },
    });
    expect(result.run.signal).toBe('SIGKILL');
    expect(result.exitStatus).toBe(128 + 9);
    expect(result.run.interrupted).toBe(true);
    expect(result.run.lastCompleteSave).toBe(true);
    expect(result.run.filled).toEqual(result.run.planned.slice(0, 2));
    expect(result.entry.op.message).toContain('last complete save');
    const working = path.join(dir, 'XYZG3-V0-4.nbflow');
    expect(result.partialFile).toBe('XYZG3-V0-4.nbflow.partial');
    expect(() => JSON.parse(fs.readFileSync(path.join(dir, result.partialFile!), 'utf8'))).toThrow();
    // The working file is the recorded last complete save, so every command reads it again.
    expect(git(project.gitdir, ['show', `${result.entry.commit}:XYZG3-V0-4.nbflow`]).stdout).toBe(fs.readFileSync(working, 'utf8'));
    const [report] = await status(project);
    expect(report!.uncommitted).toBe(false);
    expect(report!.decisions.find((d) => d.row === 'runner-crash')!.text).toContain('last complete save');
  });

  it('refuses a runner that cannot start, after recording nothing but the state before', async () => {
    const { dir, project } = await sampleProject();
    const before = (await log(project)).map((i) => i.commit);
    await expect(run(project, { command: [path.join(dir, 'no-such-runner')], stdio: 'ignore' })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(run(project, { command: [] })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    expect((await log(project)).map((i) => i.commit)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });
});
