// The containment invariant's two tests (history/projectPaths.ts): as written, and on disk.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containedPath, relativePathProblem } from '../../src/history/projectPaths.js';
import { isNbvError } from '../../src/index.js';
import { removeDir, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('relativePathProblem', () => {
  it.each([
    ['', /empty/], ['..', /climbs/], ['a/../../b', /climbs/], ['/etc/passwd', /absolute/], ['C:/x', /absolute/],
    ['c:x', /absolute/], ['a\\..\\b', /backslash/], ['a//b', /empty/], ['./a', /"\."/], ['a/', /empty/],
    ['.nbv/HEAD', /store/], ['.NBV/config', /store/], ['a\nb', /control/], ['a\0b', /NUL/],
  ])('refuses %j', (p, why) => {
    expect(relativePathProblem(p)).toMatch(why);
  });

  it.each(['XYZG3-V0-3.nbflow', 'backups/XYZG3-V0-2.nbflow', 'sub/dir/My Show-V0-1.nbflow', '..hidden', 'a..b/c', '.nbvx/a'])('accepts %j', (p) => {
    expect(relativePathProblem(p)).toBeNull();
  });
});

describe('containedPath', () => {
  async function code(root: string, rel: string): Promise<string> {
    const err = await containedPath(root, rel, 'the test').then(() => null, (e: unknown) => e);
    return isNbvError(err) ? err.code : 'ok';
  }

  it('follows symlinks of every existing ancestor, and of the file itself', async () => {
    const parent = tempDir();
    dirs.push(parent);
    const root = path.join(parent, 'project');
    fs.mkdirSync(path.join(root, 'inside'), { recursive: true });
    fs.mkdirSync(path.join(parent, 'outside'));
    fs.writeFileSync(path.join(parent, 'outside', 'f'), 'x');
    fs.symlinkSync(path.join(parent, 'outside'), path.join(root, 'out'));
    fs.symlinkSync(path.join(root, 'inside'), path.join(root, 'in'));
    fs.symlinkSync(path.join(parent, 'outside', 'f'), path.join(root, 'file-link'));
    fs.symlinkSync(path.join(root, '.nbv'), path.join(root, 'store-link'));
    fs.mkdirSync(path.join(root, '.nbv'));
    expect(await code(root, 'out/new/deeper.nbflow')).toBe('BAD_PATH');
    expect(await code(root, 'out/f')).toBe('BAD_PATH');
    expect(await code(root, 'file-link')).toBe('BAD_PATH');
    expect(await code(root, 'store-link/config')).toBe('BAD_PATH');
    expect(await code(root, 'in/new/file.nbflow')).toBe('ok');
    expect(await code(root, 'not/yet/there.nbflow')).toBe('ok');
    expect(await code(root, '../project/x')).toBe('CORRUPT_STORE');
  });
});
