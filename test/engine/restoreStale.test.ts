// A partial restore of a cache made under other inputs says so as it runs (issue 15 papercut),
// and `undo` right after a command that changed nothing undoes nothing (item 4), through the library.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commit, initProject, openProject, restore, track, undo, wipe } from '../../src/index.js';
import { removeDir, SAMPLE_DIR, tempDir } from '../helpers/cli.js';

const context = { author: 'Lib Tester <lib@example.com>', env: { NBV_NOW: '2026-05-12T09:00:00-05:00' } };
const FILE = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function sample() {
  const dir = tempDir();
  dirs.push(dir);
  fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, FILE));
  await initProject(dir, context);
  const project = await openProject(dir, context);
  await track(project, { file: path.join(dir, FILE), history: false });
  return { dir, project };
}

describe('restore and undo in daily use', () => {
  it('a partial restore of a cache made under an older prompt names it as stale', async () => {
    const { dir, project } = await sample();
    const file = path.join(dir, FILE);
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('"prompt": "', text.indexOf('"id": "img-s05"')) + '"prompt": "'.length;
    fs.writeFileSync(file, `${text.slice(0, at)}Rainy night. ${text.slice(at)}`);
    await commit(project, { message: 'Scene 05: rain' });
    await wipe(project, { selector: { scenes: ['05'] } });
    const result = await restore(project, { ref: 'HEAD~2', selector: { scenes: ['05'] } });
    expect(result.recorded).toBe(true);
    expect(result.staleRestored.map((n) => n.node)).toContain('img-s05');
    expect(result.staleRestored.find((n) => n.node === 'img-s05')!.reasons.map((r) => r.code)).toContain('prompt-changed');

    const fresh = await restore(project, { ref: 'HEAD~3', selector: { scenes: ['03'] } });
    expect(fresh.recorded).toBe(false);
    expect(fresh.staleRestored).toEqual([]);
  });

  it('undo after a no-op undoes nothing and names what comes next; the second undo undoes it', async () => {
    const { project } = await sample();
    const wiped = await wipe(project, { selector: { scenes: ['03'] } });
    const again = await wipe(project, { selector: { scenes: ['03'] } });
    expect(again.recorded).toBe(false);
    const first = await undo(project, {});
    expect(first.recorded).toBe(false);
    expect(first.noop?.what).toBe('wipe: nothing to wipe');
    expect(first.next?.commit).toBe(wiped.entry!.commit);
    const second = await undo(project, {});
    expect(second.undone?.commit).toBe(wiped.entry!.commit);
  });
});
