// The retention rule of the backups/ view (issue 15 item 10): which files history defines stay on
// disk, how the config states it, and that check and sync honour it while history keeps everything.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bump, checkBackups, initProject, openProject, restore, syncBackups, track, wipe } from '../../src/index.js';
import { parseConfig } from '../../src/nbflow/index.js';
import { applyRetention, viewFileKind } from '../../src/history/backupsRetention.js';
import { expectedView } from '../../src/history/backupsView.js';
import { isNbvError } from '../../src/errors.js';
import { removeDir, SAMPLE_DIR, tempDir } from '../helpers/cli.js';

const context = { author: 'Lib Tester <lib@example.com>', env: { NBV_NOW: '2026-05-12T09:00:00-05:00' } };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** The sample workflow after `rounds` of bump, wipe --all, restore HEAD~1: 3 view files a round. */
async function history(rounds: number) {
  const dir = tempDir();
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, 'XYZG3-V0-3.nbflow'), path.join(dir, 'XYZG3-V0-3.nbflow'));
  await initProject(dir, context);
  const project = await openProject(dir, context);
  await track(project, { file: path.join(dir, 'XYZG3-V0-3.nbflow') });
  for (let i = 0; i < rounds; i++) {
    await bump(project, {});
    await wipe(project, { selector: { all: true } });
    await restore(project, { ref: 'HEAD~1' });
  }
  return { dir, project };
}

describe('backups retention rule', () => {
  it('tells pre-change backups from version copies by name', () => {
    expect(viewFileKind('backups/XYZG3-V0-3.nbflow')).toBe('superseded');
    expect(viewFileKind('backups/XYZG3-V0-3 (2).nbflow')).toBe('superseded');
    expect(viewFileKind('scenes/backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe-2')).toBe('preChange');
  });

  it('keeps the newest N of each kind per workflow, and everything by default', async () => {
    const { project } = await history(4);
    const view = await expectedView(project);
    expect(view).toHaveLength(12);
    expect(applyRetention(view, undefined).dropped).toEqual([]);
    expect(applyRetention(view, project.config.backups).dropped).toEqual([]); // the default config
    const { kept, dropped } = applyRetention(view, { keep: { superseded: 1, preChange: 2 } });
    expect(kept.map((f) => f.path)).toEqual([
      'backups/XYZG3-V0-6.nbflow',
      'backups/XYZG3-V0-7.nbflow.bak-2026-05-12-pre-cache-wipe',
      'backups/XYZG3-V0-7.nbflow.bak-2026-05-12-pre-restore',
    ]);
    expect(dropped).toHaveLength(9);
    expect(applyRetention(view, { keep: { superseded: 0, preChange: 'all' } }).kept.every((f) => viewFileKind(f.path) === 'preChange')).toBe(true);
    // A path listed twice (a name reused for the same bytes) counts once.
    const twice = [...view, { ...view[0]! }];
    expect(applyRetention(twice, { keep: { superseded: 1, preChange: 0 } }).kept.map((f) => f.path)).toEqual([view[0]!.path, view[0]!.path]);
  });

  it('check and sync honour the rule; sync --all writes every file; history loses nothing', async () => {
    const { dir, project } = await history(3);
    const everything = await expectedView(project);
    project.config = { ...project.config, backups: { keep: { superseded: 1, preChange: 1 } } };
    const check = await checkBackups(project);
    expect(check.ok).toBe(true);
    expect(check.expected).toBe(2);
    expect(check.beyond).toHaveLength(7);
    const synced = await syncBackups(project);
    expect(synced.removed).toHaveLength(7);
    for (const file of synced.removed) expect(fs.existsSync(path.join(dir, file))).toBe(false);
    // Missing files beyond the rule are not "missing".
    expect((await checkBackups(project)).ok).toBe(true);
    expect(await expectedView(project)).toEqual(everything);
    const all = await syncBackups(project, { all: true });
    expect(all.written.sort()).toEqual(synced.removed.sort());
    expect((await checkBackups(project, { all: true })).ok).toBe(true);
  });

  it('reads backups.keep from the config, strictly', () => {
    expect(parseConfig(undefined, 'c.json').backups).toEqual({ keep: { superseded: 'all', preChange: 'all' } });
    expect(parseConfig({ backups: { keep: { preChange: 10 } } }, 'c.json').backups).toEqual({ keep: { superseded: 'all', preChange: 10 } });
    for (const bad of [{ keep: { preChange: -1 } }, { keep: { preChange: 1.5 } }, { keep: { superseded: 'some' } }, { keep: { days: 3 } }, { kep: {} }]) {
      let caught: unknown;
      try {
        parseConfig({ backups: bad }, 'c.json');
      } catch (err) {
        caught = err;
      }
      expect(isNbvError(caught) && caught.code === 'BAD_CONFIG' && caught.message.startsWith('c.json: ')).toBe(true);
    }
    expect(() => parseConfig(JSON.parse('{"backups":{"keep":{"__proto__":{"superseded":1}}}}'), 'c.json')).toThrow(/prototype/);
  });
});
