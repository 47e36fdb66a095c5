// The CLI loads only the command it runs (src/cli/main.ts) and ships bundled (scripts/bundle-cli.mjs).
// These tests pin what must not change with that: the version, the help listing every command,
// global options before the command, and bad usage. Timing is the benchmark's job, not a test's.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, nbv, nbvJson, nbvOk, removeDir, REPO_ROOT } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const packageVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('nbv start-up', () => {
  it('prints the package version for --version and -V', () => {
    expect(nbvOk(REPO_ROOT, ['--version'])).toBe(`${packageVersion}\n`);
    expect(nbvOk(REPO_ROOT, ['-V'])).toBe(`${packageVersion}\n`);
  });

  it('lists every command in --help, in the documented order', () => {
    const help = nbvOk(REPO_ROOT, ['--help']);
    const listed = [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    const core = ['init', 'track', 'status', 'commit', 'bump', 'wipe', 'restore', 'undo', 'log', 'show', 'diff', 'backups', 'verify'];
    expect(listed.filter((c) => core.includes(c!))).toEqual(core);
    expect(help).toContain('--author <who>');
  });

  it('runs a command named after a global option with a value, and its own --help', () => {
    const dir = copyFixture();
    dirs.push(dir);
    nbvOk(dir, ['--author', 'Sam <sam@example.com>', 'init']);
    nbvOk(dir, ['--author', 'Sam <sam@example.com>', 'track', 'XYZG3-V0-3.nbflow']);
    const log = nbvJson<Array<{ author: string; op: string }>>(dir, ['log']);
    // The newest entry is the track itself (older ones may come from the backups/ folder).
    expect(log[0]).toEqual(expect.objectContaining({ author: 'Sam <sam@example.com>' }));
    const statusHelp = nbvOk(dir, ['status', '--help']);
    expect(statusHelp).toMatch(/Usage: nbv status/);
  });

  it('exits 2 with a suggestion for an unknown command, and for a bad option of a known one', () => {
    const unknown = nbv(REPO_ROOT, ['stauts']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'stauts'/);
    expect(unknown.stderr).toMatch(/status/);
    const badOption = nbv(REPO_ROOT, ['log', '--no-such-flag']);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option/);
  });
});
