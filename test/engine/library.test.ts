// The same guarantees through the library API that scripts and runners use: typed results, typed
// errors, byte-exact restores for every formatting variant.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commit, diff, initProject, isNbvError, log, openProject, restore, status, track, undo, verify, wipe, bump, NbvError,
} from '../../src/index.js';
import { removeDir, REPO_ROOT, tempDir } from '../helpers/cli.js';

const FORMATS = path.join(REPO_ROOT, 'fixtures', 'formats');
const context = { author: 'Lib Tester <lib@example.com>', env: { NBV_NOW: '2026-05-12T09:00:00-05:00' } };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function projectWith(bytes: Buffer, name = 'LIB-V0-1.nbflow') {
  const dir = tempDir();
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, name), bytes);
  await initProject(dir, context);
  const project = await openProject(dir, context);
  await track(project, { file: path.join(dir, name) });
  return { dir, project, file: path.join(dir, name) };
}

describe('library API', () => {
  it.each(fs.readdirSync(FORMATS).filter((f) => f.endsWith('.nbflow')))('%s: every recorded state restores byte-exact', async (variant) => {
    const original = fs.readFileSync(path.join(FORMATS, variant));
    const { project, file } = await projectWith(original);
    const states: Buffer[] = [original];

    const doc = JSON.parse(original.toString('utf8'));
    doc.tabs[0].nodes.find((n: { data?: { prompt?: string } }) => n.data?.prompt).data.prompt += ' Rain.';
    fs.writeFileSync(file, JSON.stringify(doc, null, '\t'));
    const committed = await commit(project, { message: 'rain' });
    expect(committed.recorded).toBe(true);
    states.push(fs.readFileSync(file));
    const wiped = await wipe(project, { selector: { all: true } });
    expect(wiped.recorded).toBe(true);
    states.push(fs.readFileSync(file));
    await bump(project, {});
    const bumpedFile = path.join(path.dirname(file), 'LIB-V0-2.nbflow');
    expect(fs.readFileSync(bumpedFile).equals(states[2]!)).toBe(true);

    const history = await log(project, {});
    expect(history.map((e) => e.op)).toEqual(['bump', 'wipe', 'commit', 'track']);
    const recorded: boolean[] = [];
    for (const [i, expected] of [...states].reverse().entries()) {
      recorded.push((await restore(project, { ref: history[i + 1]!.commit })).recorded);
      expect(fs.readFileSync(bumpedFile).equals(expected), `${variant} state ${i}`).toBe(true);
    }
    // The wiped state is what the bump carried: restoring it changes nothing and records nothing.
    expect(recorded).toEqual([false, true, true]);
    const report = await verify(project);
    expect(report.problems).toEqual([]);
    expect(report.commits).toBe(6);
  });

  it('records the author and the zone of the change', async () => {
    const { project } = await projectWith(fs.readFileSync(path.join(FORMATS, 'two-space.nbflow')));
    const [entry] = await log(project, {});
    expect(entry).toMatchObject({ author: 'Lib Tester <lib@example.com>', date: '2026-05-12T09:00:00-05:00' });
  });

  it('raises typed errors with codes and exit statuses, and changes nothing', async () => {
    const { project, file } = await projectWith(fs.readFileSync(path.join(FORMATS, 'crlf.nbflow')));
    const before = fs.readFileSync(file);
    const attempts: Array<[() => Promise<unknown>, string]> = [
      [() => wipe(project, { selector: { scenes: ['99'] } }), 'NO_MATCH'],
      [() => restore(project, { ref: 'V7-7' }), 'UNKNOWN_REF'],
      [() => undo(project, {}), 'NOTHING_TO_DO'],
      [() => diff(project, { workflow: 'NOPE' }), 'UNKNOWN_WORKFLOW'],
    ];
    for (const [attempt, code] of attempts) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect(isNbvError(err), code).toBe(true);
      expect((err as NbvError).code).toBe(code);
      expect((err as NbvError).exitStatus).toBe(2);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect((await log(project, {})).map((e) => e.op)).toEqual(['track']);
  });

  it('status reports uncommitted per-node changes in the SPEC shape', async () => {
    const { project, file } = await projectWith(fs.readFileSync(path.join(FORMATS, 'two-space.nbflow')));
    const [clean] = await status(project, {});
    expect(clean).toMatchObject({ workflow: 'LIB', file: 'LIB-V0-1.nbflow', version: 'V0-1', uncommitted: false, stale: [] });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"model": "NB2"', '"model": "NB3"'));
    const [dirty] = await status(project, {});
    expect(dirty!.uncommitted).toBe(true);
    expect(dirty!.changes[0]!.changes).toContainEqual(expect.objectContaining({ kind: 'model-changed', before: 'NB2', after: 'NB3' }));
    expect(dirty!.advice.join(' ')).toMatch(/wipe YES/);
  });
});
