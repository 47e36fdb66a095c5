// The timed steps, each measured side by side: nbv through the library, nbv through its binary
// (process start included), the real git CLI on the same history, and plain backups/ copies.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { editPrompt, generationNodeIds, makePrompt, Rng, serialize, type GeneratedWorkflow } from '../fixtures/generator.js';
import { commit, diff, log, openProject, restore, status } from '../src/index.js';
import { timeMedian, run } from './measure.js';
import { GIT_ENV, NBV_CONTEXT, type BuiltHistory } from './replay.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NBV_BIN = path.join(REPO_ROOT, 'bin', 'nbv.js');
const NBV_ENV = { ...process.env, NBV_AUTHOR: 'Bench <bench@example.com>' };

export type Timings = Record<string, number>;

export function nbvBin(cwd: string, args: string[]): Buffer {
  return run(process.execPath, [NBV_BIN, ...args], { cwd, env: NBV_ENV });
}

function gitIn(cwd: string, args: string[]): Buffer {
  return run('git', args, { cwd, env: GIT_ENV });
}

/** Distinct one-prompt edits of the newest state, the same for nbv and git. */
export function editedStates(h: BuiltHistory, count: number): Uint8Array[] {
  const doc = JSON.parse(fs.readFileSync(path.join(h.nbvRoot, h.file), 'utf8')) as GeneratedWorkflow;
  const ids = generationNodeIds(doc);
  const rng = Rng.derive(h.scenario.seed, 'bench-edits');
  const out: Uint8Array[] = [];
  let current = doc;
  for (let i = 0; i < count; i++) {
    const id = ids[i % ids.length]!;
    current = editPrompt(current, id, makePrompt(rng, id.startsWith('img-') ? 'image' : 'video', [200, 800]));
    out.push(Buffer.from(serialize(current, 'two-space')));
  }
  return out;
}

/** One operation end to end: the user saved an edit; record it. */
export async function timeCommit(h: BuiltHistory, reps: number): Promise<Timings> {
  const states = editedStates(h, reps * 2);
  const nbvFile = path.join(h.nbvRoot, h.file);
  const gitFile = path.join(h.gitRoot, h.file);
  let next = 0;
  const write = (file: string) => () => fs.writeFileSync(file, states[next++ % states.length]!);
  const library = await timeMedian(reps, async () => {
    const project = await openProject(h.nbvRoot, NBV_CONTEXT);
    await commit(project, { message: 'bench edit' });
  }, write(nbvFile));
  const binary = await timeMedian(reps, () => nbvBin(h.nbvRoot, ['commit', '-m', 'bench edit']), write(nbvFile));
  next = 0;
  const git = await timeMedian(reps * 2, () => {
    gitIn(h.gitRoot, ['add', h.file]);
    gitIn(h.gitRoot, ['commit', '-q', '-m', 'bench edit']);
  }, write(gitFile));
  return { 'commit.nbv.lib': library, 'commit.nbv.bin': binary, 'commit.git': git };
}

/** Restore (checkout) of the oldest and the newest recorded state. */
export async function timeRestore(h: BuiltHistory, reps: number, binary = true): Promise<Timings> {
  const oldest = h.commits[0]!;
  const newest = h.commits[h.commits.length - 1]!;
  const t: Timings = {};
  for (const [label, ref, gitRef, file] of [
    ['oldest', oldest, h.gitCommits[0]!, h.files[0]!],
    ['newest', newest, h.gitCommits[h.gitCommits.length - 1]!, h.files[h.files.length - 1]!],
  ] as const) {
    // Each restore is measured from a head that differs from the target, so it records a commit.
    const away = label === 'oldest' ? newest : oldest;
    t[`restore.${label}.nbv.lib`] = await timeMedian(reps, async () => {
      const project = await openProject(h.nbvRoot, NBV_CONTEXT);
      await restore(project, { ref, message: 'bench restore' });
    }, async () => {
      const project = await openProject(h.nbvRoot, NBV_CONTEXT);
      await restore(project, { ref: away, message: 'bench away' });
    });
    if (binary) {
      t[`restore.${label}.nbv.bin`] = await timeMedian(reps, () => nbvBin(h.nbvRoot, ['restore', ref, '-m', 'bench restore']), () =>
        nbvBin(h.nbvRoot, ['restore', away, '-m', 'bench away']),
      );
    }
    // The bytes alone, as `git show` gives them: what a restore costs before it records anything.
    t[`read.${label}.nbv.lib`] = await timeMedian(reps, async () => {
      const { store } = await openProject(h.nbvRoot, NBV_CONTEXT);
      await store.readBlob((await store.readTree((await store.readCommit(ref)).tree))[file]!);
    });
    t[`read.${label}.git`] = await timeMedian(reps, () => gitIn(h.gitRoot, ['show', `${gitRef}:${file}`]));
    t[`restore.${label}.git`] = await timeMedian(reps, () => {
      fs.writeFileSync(path.join(h.gitRoot, 'restored.out'), gitIn(h.gitRoot, ['show', `${gitRef}:${file}`]));
    });
    const copy = fs.readdirSync(path.join(h.backupsRoot, 'backups')).find((n) => n.endsWith(label === 'oldest' ? '.bak-0' : `.bak-${h.commits.length - 1}`))!;
    t[`restore.${label}.backups`] = await timeMedian(reps, () =>
      fs.copyFileSync(path.join(h.backupsRoot, 'backups', copy), path.join(h.backupsRoot, 'restored.nbflow')),
    );
  }
  return t;
}

export async function timeReads(h: BuiltHistory, reps: number, binary = true): Promise<Timings> {
  const first = h.commits[0]!;
  const last = h.commits[h.commits.length - 1]!;
  const t: Timings = {};
  t['log.nbv.lib'] = await timeMedian(reps, async () => log(await openProject(h.nbvRoot, NBV_CONTEXT)));
  if (binary) t['log.nbv.bin'] = await timeMedian(reps, () => nbvBin(h.nbvRoot, ['log', '--json']));
  t['log.git'] = await timeMedian(reps, () => gitIn(h.gitRoot, ['log', '--format=%H %an %ad %s']));
  t['diff.nbv.lib'] = await timeMedian(reps, async () => diff(await openProject(h.nbvRoot, NBV_CONTEXT), { from: first, to: last }));
  if (binary) t['diff.nbv.bin'] = await timeMedian(reps, () => nbvBin(h.nbvRoot, ['diff', first, last, '--json']));
  t['diff.git'] = await timeMedian(reps, () => gitIn(h.gitRoot, ['diff', h.gitCommits[0]!, h.gitCommits[h.gitCommits.length - 1]!]));
  t['status.nbv.lib'] = await timeMedian(reps, async () => status(await openProject(h.nbvRoot, NBV_CONTEXT)));
  if (binary) t['status.nbv.bin'] = await timeMedian(reps, () => nbvBin(h.nbvRoot, ['status']));
  t['status.git'] = await timeMedian(reps, () => gitIn(h.gitRoot, ['status', '--porcelain']));
  return t;
}

/** Process start: node's own floor, nbv's --version, git's. */
export async function timeStartup(cwd: string, reps: number): Promise<Timings> {
  return {
    'start.node': await timeMedian(reps, () => run(process.execPath, ['-e', '0'])),
    'start.nbv.version': await timeMedian(reps, () => nbvBin(cwd, ['--version'])),
    'start.nbv.help': await timeMedian(reps, () => nbvBin(cwd, ['--help'])),
    'start.git.version': await timeMedian(reps, () => run('git', ['--version'])),
  };
}
