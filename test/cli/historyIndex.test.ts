// `nbv log --json` through the real binary is the same whether the index of op records is
// missing, present, stale or damaged; a refused REF leaves the store untouched; the real git
// ignores the index file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bump, commit, log, openProject, wipe } from '../../src/index.js';
import { historyIndexMeta } from '../../src/history/historyIndex.js';
import { decodeHistoryIndex } from '../../src/history/historyIndexFormat.js';
import { git, initializedSampleFile, nbv, nbvOk, removeDir, snapshot, TEST_ENV } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('nbv log with the history index', () => {
  it('prints the same JSON cold, warm, after new commits and with a damaged index; git ignores the file', async () => {
    const dir = initializedSampleFile();
    dirs.push(dir);
    nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
    const project = await openProject(dir, { env: { ...process.env, ...TEST_ENV } });
    const edit = async (text: string) => {
      const file = path.join(dir, (await log(project, { limit: 1, cached: false }))[0]!.file);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"prompt": "', `"prompt": "${text} `));
      await commit(project, { message: text });
    };
    await edit('Rain on the glass.');
    await wipe(project, { selector: { all: true } });
    await bump(project, {});
    await edit('Fog over the bay.');
    const index = path.join(dir, '.nbv', historyIndexMeta('XYZG3'));
    const walked = () => log(project, { cached: false }).then((items) => JSON.stringify(items, null, 2) + '\n');

    // A REF that names nothing is refused before anything is written, the index included.
    const before = snapshot(dir);
    expect(nbv(dir, ['restore', 'V9-9']).status).toBe(2);
    expect(snapshot(dir)).toEqual(before);

    // Cold: no index yet (the bump above kept one of the history it scanned).
    fs.rmSync(index, { force: true });
    const cold = nbvOk(dir, ['log', '--json']);
    expect(cold).toBe(await walked());
    expect(JSON.parse(cold)).toHaveLength(5);
    expect(decodeHistoryIndex(fs.readFileSync(index), 'XYZG3')).toHaveLength(5);
    expect(nbvOk(dir, ['log', '--json'])).toBe(cold);

    await edit('Snow on the pier.');
    const grown = nbvOk(dir, ['log', '--json']);
    expect(grown).toBe(await walked());
    // One new commit is read on top of the file, which stays as it was (REWRITE_AFTER).
    expect(decodeHistoryIndex(fs.readFileSync(index), 'XYZG3')).toHaveLength(5);

    fs.writeFileSync(index, fs.readFileSync(index).subarray(0, 300));
    expect(nbvOk(dir, ['log', '--json'])).toBe(grown);
    expect(decodeHistoryIndex(fs.readFileSync(index), 'XYZG3')).toHaveLength(6);

    const fsck = git(path.join(dir, '.nbv'), ['fsck', '--strict', '--no-dangling']);
    expect(fsck.status).toBe(0);
    expect(fsck.stderr).not.toMatch(/error|warning|bad|broken|missing/i);
  });
});
