// Taking in a hand-kept folder (fixtures/legacy: current files, .bak copies, a backups/ folder):
// `nbv init` + `nbv track` (which takes in the backups/ history), against `git init && git add -A
// && git commit` of the same folder. Uses the library's importLegacy when it exists.
import fs from 'node:fs';
import path from 'node:path';
import * as nbvLibrary from '../src/index.js';
import { run, timeMedian } from './measure.js';
import { nbvBin, REPO_ROOT, type Timings } from './operations.js';
import { GIT_ENV, NBV_CONTEXT, type BuiltHistory } from './replay.js';

const LEGACY = path.join(REPO_ROOT, 'fixtures', 'legacy');
const FILE = 'XYZG3-V0-2.nbflow';

export async function timeLegacyImport(_h: BuiltHistory, workDir: string, reps: number): Promise<Timings> {
  let n = 0;
  const fresh = () => {
    const dir = path.join(workDir, `legacy-${n++}`);
    fs.cpSync(LEGACY, dir, { recursive: true, preserveTimestamps: true });
    return dir;
  };
  let dir = '';
  const prepare = () => void (dir = fresh());
  const importLegacy = (nbvLibrary as Record<string, unknown>)['importLegacy'] as
    | ((project: nbvLibrary.Project, options: { file: string }) => Promise<unknown>)
    | undefined;
  const lib = await timeMedian(reps, async () => {
    const project = await nbvLibrary.initProject(dir, NBV_CONTEXT);
    const file = path.join(dir, FILE);
    await (importLegacy ? importLegacy(project, { file }) : nbvLibrary.track(project, { file }));
  }, prepare);
  const bin = await timeMedian(reps, () => {
    nbvBin(dir, ['init']);
    nbvBin(dir, ['track', FILE]);
  }, prepare);
  const git = await timeMedian(reps, () => {
    run('git', ['init', '-q'], { cwd: dir });
    run('git', ['add', '-A'], { cwd: dir });
    run('git', ['commit', '-q', '-m', 'import'], { cwd: dir, env: GIT_ENV });
  }, prepare);
  return { 'import.nbv.lib': lib, 'import.nbv.bin': bin, 'import.git': git };
}
