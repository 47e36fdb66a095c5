// The performance scenario of issue 14: a 1 MB workflow with 1,000 operations. Replaying that
// many operations takes minutes, so the project is built once per machine into a cache folder
// (rebuilt when the format tag below changes) and reused by later runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateHistory, serialize } from '../../fixtures/generator.js';
import { bump, commit, initProject, track, wipe } from '../../src/engine/index.js';
import { TEST_CONTEXT } from './fixtures.js';

export const PERF_DIR = path.join(os.tmpdir(), 'nbv-ui-perf-1mb-x1000-v1');
const DONE = '.nbv-ui-perf-done';

export function perfProjectReady(): boolean {
  return fs.existsSync(path.join(PERF_DIR, DONE));
}

export async function buildPerfProject(onStep?: (i: number) => void): Promise<string> {
  if (perfProjectReady()) return PERF_DIR;
  fs.rmSync(PERF_DIR, { recursive: true, force: true });
  fs.mkdirSync(PERF_DIR, { recursive: true });
  const steps = generateHistory({ seed: 14, steps: 1000, targetBytes: 1_000_000 });
  const project = await initProject(PERF_DIR, TEST_CONTEXT);
  let file = 'XYZG3-V0-1.nbflow';
  fs.writeFileSync(path.join(PERF_DIR, file), serialize(steps[0]!.doc, 'two-space'));
  await track(project, { file: path.join(PERF_DIR, file) });
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    let done = false;
    if (step.op === 'bump') {
      file = (await bump(project, { message: step.message })).to.file;
      done = true;
    } else if (step.op === 'wipe') {
      done = (await wipe(project, { selector: { nodes: step.nodes }, message: step.message })).entry !== null;
    }
    if (!done) {
      fs.writeFileSync(path.join(PERF_DIR, file), serialize(step.doc, 'two-space'));
      await commit(project, { message: step.message });
    }
    onStep?.(i);
  }
  fs.writeFileSync(path.join(PERF_DIR, DONE), `${steps.length} states\n`);
  return PERF_DIR;
}

// `npx tsx test/ui/perfProject.ts` builds it ahead of the tests.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const started = Date.now();
  await buildPerfProject((i) => i % 100 === 0 && console.log(`${i} operations, ${Math.round((Date.now() - started) / 1000)} s`));
  console.log(`built ${PERF_DIR} in ${Math.round((Date.now() - started) / 1000)} s`);
}
