// Issue 17's command goals: each command through the binary, as a multiple of `node -e 0`
// measured in the same run. Every timed command is paired with a `node -e 0` run right before it,
// so a machine that slows down or speeds up during the run moves both sides of the ratio alike;
// the ratio judged is the median of those pairs' ratios.
//
// Read commands run against a working file holding one saved, unrecorded edit (the user edited,
// then asks what changed); write commands each get an untimed preparation that gives them
// something to do (a wipe finds caches, an undo finds a commit of its own to undo).
import fs from 'node:fs';
import path from 'node:path';
import { commit, openProject, restore, wipe } from '../src/index.js';
import { median, msSince, run } from './measure.js';
import { editedStates, nbvBin, type Timings } from './operations.js';
import { NBV_CONTEXT, type BuiltHistory } from './replay.js';

export const READ_COMMANDS = ['status', 'log', 'show', 'diff', 'plan'] as const;
export const WRITE_COMMANDS = ['commit', 'wipe', 'bump', 'restore', 'undo'] as const;
export type CommandName = (typeof READ_COMMANDS)[number] | (typeof WRITE_COMMANDS)[number];

interface Step {
  args: string[];
  prepare?: () => Promise<void>;
}

/** A scene of the newest state whose caches a wipe clears: scenes are tried until one records. */
async function wipeableScene(h: BuiltHistory): Promise<string> {
  const project = await openProject(h.nbvRoot, NBV_CONTEXT);
  for (let n = 1; n <= 40; n++) {
    const scene = String(n).padStart(2, '0');
    const dry = await wipe(project, { selector: { scenes: [scene] }, dryRun: true }).catch(() => null);
    if (dry !== null && dry.wiped.length > 0) return scene;
  }
  throw new Error('bench: no scene of the newest state has a cache to wipe');
}

/**
 * Median of `reps` runs of each command (`cmd.<name>.bin`) and of the `node -e 0` runs paired with
 * them (`cmd.<name>.node`), in ms. Each command runs once untimed first (the disk cache, the
 * history index), as a user's second command would.
 */
export async function timeCommands(h: BuiltHistory, reps: number): Promise<Timings> {
  const edits = editedStates(h, reps * 4 + 8);
  let nextEdit = 0;
  // A bump renames the working file: the edit goes to whichever one is there now.
  const workingFile = () => {
    const names = fs.readdirSync(h.nbvRoot).filter((n) => n.endsWith('.nbflow'));
    if (names.length !== 1) throw new Error(`bench: expected one working file, found ${names.join(', ') || 'none'}`);
    return path.join(h.nbvRoot, names[0]!);
  };
  const saveEdit = () => fs.writeFileSync(workingFile(), edits[nextEdit++ % edits.length]!);
  const newest = h.commits[h.commits.length - 1]!;
  const oldest = h.commits[0]!;
  const open = () => openProject(h.nbvRoot, NBV_CONTEXT);
  const scene = await wipeableScene(h);

  const t: Timings = {};
  const measure = async (name: CommandName, step: Step): Promise<void> => {
    const bin: number[] = [];
    const node: number[] = [];
    for (let i = -1; i < reps; i++) {
      await step.prepare?.();
      let start = process.hrtime.bigint();
      run(process.execPath, ['-e', '0']);
      const nodeMs = msSince(start);
      start = process.hrtime.bigint();
      nbvBin(h.nbvRoot, step.args);
      const binMs = msSince(start);
      if (i < 0) continue; // the warm-up run
      node.push(nodeMs);
      bin.push(binMs);
    }
    t[`cmd.${name}.bin`] = median(bin);
    t[`cmd.${name}.node`] = median(node);
    // The verdict's ratio: the median of each run over its own `node -e 0`, which a moment of load
    // moves less than the ratio of the two medians does (those came from different runs).
    t[`cmd.${name}.ratio`] = median(bin.map((b, i) => b / node[i]!));
  };

  // Reads: the newest state recorded, one edit saved on top of it.
  await restore(await open(), { ref: newest, message: 'bench: back to the newest state' }).catch(() => undefined);
  saveEdit();
  await measure('status', { args: ['status'] });
  await measure('log', { args: ['log', '-n', '20'] });
  await measure('show', { args: ['show', 'HEAD'] });
  await measure('diff', { args: ['diff'] });
  await measure('plan', { args: ['plan'] });
  await commit(await open(), { message: 'bench: the edit the reads saw' });

  // Writes.
  await measure('commit', { args: ['commit', '-m', 'bench edit'], prepare: async () => saveEdit() });
  await measure('wipe', {
    args: ['wipe', '--scene', scene, '-m', 'bench wipe'],
    // The newest replayed state has the scene's caches: bring them back untimed.
    prepare: async () => void (await restore(await open(), { ref: newest, message: 'bench: caches back' })),
  });
  await measure('bump', { args: ['bump', '-m', 'bench bump'] });
  await measure('restore', {
    args: ['restore', oldest, '-m', 'bench restore'],
    prepare: async () => void (await restore(await open(), { ref: newest, message: 'bench: away from the oldest' })),
  });
  await measure('undo', {
    args: ['undo', '-m', 'bench undo'],
    prepare: async () => {
      saveEdit();
      await commit(await open(), { message: 'bench: a commit to undo' });
    },
  });
  return t;
}
