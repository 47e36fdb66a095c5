// Workflow names as people write them: spaces and '%' are fine in file names but not in git ref
// names, so refs carry them percent-encoded while nbv shows the name as written.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, nbv, nbvJson, nbvOk, removeDir, SAMPLE_DIR, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('workflow names with spaces and percent signs', () => {
  it('tracks, bumps, wipes and verifies "My Show 100%" like any other name', () => {
    const dir = tempDir();
    dirs.push(dir);
    const name = 'My Show 100%';
    fs.copyFileSync(path.join(SAMPLE_DIR, 'XYZG3-V0-3.nbflow'), path.join(dir, `${name}-V0-1.nbflow`));
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', `${name}-V0-1.nbflow`]);
    nbvOk(dir, ['bump']);
    nbvOk(dir, ['wipe', name, '--scene', '02']);
    const log = nbvJson<Array<{ workflow: string; op: string; file: string }>>(dir, ['log', name]);
    expect(log.map((e) => [e.op, e.file])).toEqual([
      ['wipe', `${name}-V0-2.nbflow`],
      ['bump', `${name}-V0-2.nbflow`],
      ['track', `${name}-V0-1.nbflow`],
    ]);
    expect(log.every((e) => e.workflow === name)).toBe(true);
    expect(fs.existsSync(path.join(dir, `backups/${name}-V0-1.nbflow`))).toBe(true);

    const gitdir = path.join(dir, '.nbv');
    expect(git(gitdir, ['fsck', '--strict']).status).toBe(0);
    expect(git(gitdir, ['branch', '--format=%(refname:short)']).stdout.trim()).toBe('My%20Show%20100%25');
    expect(git(gitdir, ['tag', '-l']).stdout.trim().split('\n')).toEqual(['My%20Show%20100%25/V0-1', 'My%20Show%20100%25/V0-2']);
    expect(nbv(dir, ['verify']).status).toBe(0);
    expect(nbvJson<{ workflow: string }>(dir, ['status']).workflow).toBe(name);
  });
});
