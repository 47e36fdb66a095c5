// The binary starts through V8's code cache (src/cli/codeCache.ts). What is cached is code that
// runs, so these tests pin where it may come from as much as that it works: only the user's own
// folder, never one others can write, never through a symlink; a broken cache is rewritten, and
// none of it ever changes what a command prints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCacheDir, commandOf } from '../../src/cli/codeCache.js';
import { nbv, REPO_ROOT } from '../helpers/cli.js';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function freshHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-home-'));
  homes.push(home);
  return home;
}

const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('code-')) : []);
const run = (home: string, args: string[], env: Record<string, string> = {}) => nbv(REPO_ROOT, args, { HOME: home, XDG_CACHE_HOME: '', ...env });

describe('codeCacheDir', () => {
  it("is the user's own cache folder, or none", () => {
    expect(codeCacheDir({ HOME: '/home/jane' })).toBe('/home/jane/.cache/nbv');
    expect(codeCacheDir({ HOME: '/home/jane', XDG_CACHE_HOME: '/var/cache/jane' })).toBe('/var/cache/jane/nbv');
    // A relative XDG_CACHE_HOME is invalid by its spec: ignored, not resolved against the cwd.
    expect(codeCacheDir({ HOME: '/home/jane', XDG_CACHE_HOME: 'cache' })).toBe('/home/jane/.cache/nbv');
    expect(codeCacheDir({})).toBeNull();
    expect(codeCacheDir({ HOME: '/home/jane', NBV_CODE_CACHE: '0' })).toBeNull();
  });
});

describe('commandOf', () => {
  it('is the first plain word of a command line, the value of --author aside', () => {
    expect(commandOf(['status'])).toBe('status');
    expect(commandOf(['--author', 'sam', 'wipe', '--scene', '01'])).toBe('wipe');
    expect(commandOf(['--version'])).toBe('-');
    expect(commandOf(['NotACommand'])).toBe('-');
    expect(commandOf([])).toBe('-');
  });
});

describe('the binary with a code cache', () => {
  it('writes the cache on the first run, private to the user, and prints the same on every run', () => {
    const home = freshHome();
    const dir = path.join(home, '.cache', 'nbv');
    const first = run(home, ['--help']);
    expect(first.status).toBe(0);
    const files = cacheFiles(dir);
    expect(files).toHaveLength(1);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const file = path.join(dir, files[0]!);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    const written = fs.statSync(file).mtimeMs;
    const second = run(home, ['--help']);
    expect(second).toEqual(first);
    // A cache V8 accepted is not written again.
    expect(fs.statSync(file).mtimeMs).toBe(written);
    expect(run(home, ['--version']).stdout).toBe(`${version}\n`);
    expect(fs.statSync(file).mtimeMs).toBe(written);
    // A command the cache has not seen adds what it compiled, once.
    expect(fs.readFileSync(file).subarray(0, 40).toString('latin1')).toMatch(/^nbv-code-cache\/1 -\n/);
    expect(run(home, ['log', '--help']).status).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 40).toString('latin1')).toMatch(/^nbv-code-cache\/1 -,log\n/);
    const grown = fs.statSync(file).mtimeMs;
    run(home, ['log', '--help']);
    expect(fs.statSync(file).mtimeMs).toBe(grown);
  });

  it('rewrites a cache V8 rejects, and the command still runs', () => {
    const home = freshHome();
    const dir = path.join(home, '.cache', 'nbv');
    run(home, ['--version']);
    const file = path.join(dir, cacheFiles(dir)[0]!);
    fs.writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
    const result = run(home, ['--version']);
    expect(result).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('neither reads nor writes a cache folder that others can write', () => {
    const home = freshHome();
    const dir = path.join(home, '.cache', 'nbv');
    run(home, ['--version']);
    const name = cacheFiles(dir)[0]!;
    const planted = Buffer.alloc(2048, 1);
    fs.writeFileSync(path.join(dir, name), planted, { mode: 0o600 });
    fs.chmodSync(dir, 0o777);
    expect(run(home, ['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    expect(fs.readFileSync(path.join(dir, name)).equals(planted)).toBe(true);
    expect(cacheFiles(dir)).toEqual([name]);
  });

  it('does not follow a cache file that is a symlink, and leaves its target alone', () => {
    const home = freshHome();
    const dir = path.join(home, '.cache', 'nbv');
    run(home, ['--version']);
    const file = path.join(dir, cacheFiles(dir)[0]!);
    const target = path.join(home, 'elsewhere.bin');
    fs.writeFileSync(target, 'not a cache');
    fs.rmSync(file);
    fs.symlinkSync(target, file);
    expect(run(home, ['--version']).stdout).toBe(`${version}\n`);
    expect(fs.readFileSync(target, 'utf8')).toBe('not a cache');
    // The link is replaced by a real cache file of the user's own.
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
  });

  it('keeps one cache per install: a second copy of nbv does not replace the first one\'s', () => {
    const home = freshHome();
    const dir = path.join(home, '.cache', 'nbv');
    // Another install: the same bundle at another path, with its package.json where it looks.
    const other = path.join(home, 'other-install');
    fs.mkdirSync(path.join(other, 'dist', 'cli'), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'dist', 'cli', 'nbv.cjs'), path.join(other, 'dist', 'cli', 'nbv.cjs'));
    fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(other, 'package.json'));
    const loader = pathToFileURL(path.join(REPO_ROOT, 'dist', 'cli', 'codeCache.js')).href;
    const runOther = () =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `process.argv = [process.execPath, 'nbv', '--version']; import(${JSON.stringify(loader)}).then((m) => m.runBundle(${JSON.stringify(path.join(other, 'dist', 'cli', 'nbv.cjs'))}, ['--version']))`], {
        env: { ...process.env, HOME: home, XDG_CACHE_HOME: '', NBV_CODE_CACHE: '' },
        encoding: 'utf8',
      });
    expect(run(home, ['--version']).stdout).toBe(`${version}\n`);
    const [ours] = cacheFiles(dir);
    const oursWritten = fs.statSync(path.join(dir, ours!)).mtimeMs;
    expect(runOther().stdout).toBe(`${version}\n`);
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(run(home, ['--version']).stdout).toBe(`${version}\n`);
    expect(fs.statSync(path.join(dir, ours!)).mtimeMs).toBe(oursWritten);
  });

  it('uses no cache at all with NBV_CODE_CACHE=0', () => {
    const home = freshHome();
    expect(run(home, ['--version'], { NBV_CODE_CACHE: '0' }).stdout).toBe(`${version}\n`);
    expect(fs.existsSync(path.join(home, '.cache'))).toBe(false);
  });
});
