// Store sizes for the same history: nbv's store, git's loose objects, after `git gc` and
// `git gc --aggressive`, and full copies in backups/ (plain and gzipped).
import fs from 'node:fs';
import path from 'node:path';
import { dirSize, run, type DirSize } from './measure.js';
import { GIT_ENV, type BuiltHistory } from './replay.js';

export type Sizes = Record<string, DirSize>;

/** nbv's objects (loose and packed): the part that grows with history, as git's objects/ below. */
export function nbvStoreSize(h: BuiltHistory): DirSize {
  return dirSize(path.join(h.nbvRoot, '.nbv', 'objects'));
}

function packedObjects(gitdir: string): DirSize {
  return dirSize(path.join(gitdir, 'objects'));
}

/** git's sizes on copies of the bench repository, so the timed repository keeps its own shape. */
export function gitSizes(h: BuiltHistory, workDir: string): { sizes: Sizes; gcMs: Record<string, number> } {
  const sizes: Sizes = {};
  const gcMs: Record<string, number> = {};
  const gitdir = path.join(h.gitRoot, '.git');

  // Loose: every object on its own, which is what git (and isomorphic-git) write before packing.
  const loose = path.join(workDir, 'git-loose.git');
  run('git', ['init', '-q', '--bare', loose]);
  // fast-import leaves small imports loose and packs big ones: copy the loose ones, explode the packs.
  fs.cpSync(path.join(gitdir, 'objects'), path.join(loose, 'objects'), { recursive: true, filter: (src) => !src.includes(`${path.sep}pack`) });
  const packDir = path.join(gitdir, 'objects', 'pack');
  for (const pack of fs.readdirSync(packDir).filter((n) => n.endsWith('.pack'))) {
    run('git', ['--git-dir', loose, 'unpack-objects', '-q'], { input: fs.readFileSync(path.join(packDir, pack)) });
  }
  sizes['git.loose'] = packedObjects(loose);
  fs.rmSync(loose, { recursive: true, force: true });

  for (const [label, args] of [['git.gc', ['gc', '-q']], ['git.gc-aggressive', ['gc', '-q', '--aggressive']]] as const) {
    const copy = path.join(workDir, `${label}.git`);
    fs.cpSync(gitdir, copy, { recursive: true });
    const start = process.hrtime.bigint();
    run('git', ['--git-dir', copy, ...args], { env: GIT_ENV });
    gcMs[label] = Number(process.hrtime.bigint() - start) / 1e6;
    sizes[label] = packedObjects(copy);
    fs.rmSync(copy, { recursive: true, force: true });
  }
  return { sizes, gcMs };
}

export function backupsSizes(h: BuiltHistory): Sizes {
  const { bytes, disk, gzipBytes, copies } = h.backups;
  return {
    backups: { bytes, disk, files: copies },
    'backups.gz': { bytes: gzipBytes, disk: gzipBytes, files: copies },
  };
}
