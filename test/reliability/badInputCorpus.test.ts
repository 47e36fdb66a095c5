// The hostile inputs test/cli/badInput.test.ts does not cover: a file over the size limit, names
// with ../, absolute paths, NUL, reserved names, a working file that is a symlink out of the
// project, a read-only project and a full disk. Each: exit 2, one line naming the file and the
// problem, nothing changed. And integers above 2^53 survive track/wipe/restore byte for byte.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commit, initProject, openProject, restore, track, isNbvError } from '../../src/index.js';
import { MAX_NBFLOW_BYTES } from '../../src/nbflow/parse.js';
import { generateWorkflow, serialize, spliceOddNumbers, BIG_INTEGER_TEXT } from '../../fixtures/generator.js';
import { copyFixture, git, nbv, nbvOk, NBV_BIN, removeDir, SAMPLE_DIR, snapshot, tempDir, TEST_ENV, type RunResult } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function trackedSample(): string {
  const dir = copyFixture();
  dirs.push(dir);
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow']);
  return dir;
}

function expectRefusal(result: RunResult, names: string, problem: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(names);
  expect(lines[0]).toMatch(problem);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; exitStatus: number; file: string | undefined; message: string }> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!isNbvError(err)) throw new Error(`expected an NbvError, got ${String(err)}`);
  return { code: err.code, exitStatus: err.exitStatus, file: err.file, message: err.message };
}

describe('bad input corpus: sizes and numbers', () => {
  it(`refuses a file over ${MAX_NBFLOW_BYTES} bytes, to track and to commit, changing nothing`, () => {
    const dir = trackedSample();
    // Sparse files: 64 MiB of nothing, cheap to make, costly only to read.
    fs.closeSync(fs.openSync(path.join(dir, 'BIG-V0-1.nbflow'), 'w'));
    fs.truncateSync(path.join(dir, 'BIG-V0-1.nbflow'), MAX_NBFLOW_BYTES + 1);
    let before = snapshot(dir);
    expectRefusal(nbv(dir, ['track', 'BIG-V0-1.nbflow']), 'BIG-V0-1.nbflow', /more than .*64 MiB/);
    expect(snapshot(dir)).toEqual(before);
    fs.rmSync(path.join(dir, 'BIG-V0-1.nbflow'));
    fs.truncateSync(path.join(dir, 'XYZG3-V0-3.nbflow'), MAX_NBFLOW_BYTES + 1);
    before = snapshot(dir);
    expectRefusal(nbv(dir, ['commit', '-m', 'too big']), 'XYZG3-V0-3.nbflow', /more than .*64 MiB/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('keeps integers above 2^53 exact in the bytes through track, wipe and restore', () => {
    const dir = tempDir();
    dirs.push(dir);
    const text = spliceOddNumbers(serialize(generateWorkflow({ name: 'BIGINT', tabs: 1, scenesPerTab: 2, seed: 5 }), 'two-space'));
    expect(text).toContain(`"seed": ${BIG_INTEGER_TEXT},`);
    const file = path.join(dir, 'BIGINT-V0-1.nbflow');
    fs.writeFileSync(file, text);
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', 'BIGINT-V0-1.nbflow']);
    nbvOk(dir, ['wipe', '--all']);
    expect(fs.readFileSync(file, 'utf8')).toContain(`"seed": ${BIG_INTEGER_TEXT},`);
    nbvOk(dir, ['restore', 'HEAD~1']);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(git(path.join(dir, '.nbv'), ['show', 'BIGINT~2:BIGINT-V0-1.nbflow']).stdout).toBe(text);
  });
});

describe('bad input corpus: paths and names', () => {
  it('refuses ../ paths, absolute paths outside and paths into the store, changing nothing', () => {
    const dir = trackedSample();
    const outside = tempDir();
    dirs.push(outside);
    fs.copyFileSync(path.join(dir, 'XYZG3-V0-3.nbflow'), path.join(outside, 'OUT-V0-1.nbflow'));
    fs.mkdirSync(path.join(dir, 'sub'));
    const before = snapshot(dir);
    const relative = path.relative(dir, path.join(outside, 'OUT-V0-1.nbflow'));
    expect(relative.startsWith('..')).toBe(true);
    for (const arg of [relative, `sub/../${relative}`, `backups/../../${path.basename(outside)}/OUT-V0-1.nbflow`]) {
      expectRefusal(nbv(dir, ['track', arg]), arg, /outside the project/);
    }
    expectRefusal(nbv(dir, ['track', '/etc/hostname']), '/etc/hostname', /outside the project|not a \.nbflow/);
    expectRefusal(nbv(dir, ['track', '.nbv/HEAD']), '.nbv/HEAD', /inside the store|not a \.nbflow/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses reserved or unusable workflow names before writing anything (not even an object)', () => {
    const dir = tempDir();
    dirs.push(dir);
    nbvOk(dir, ['init']);
    // Unversioned names: the whole base name would become the branch refs/heads/NAME.
    const cases: Array<[string, RegExp]> = [
      ['HEAD.nbflow', /reserved/],
      ['X.lock.nbflow', /\.lock/],
      ['A~1.nbflow', /~/],
      ['A@{1}.nbflow', /@\{/],
      ['CON.nbflow', /reserved device name/],
      ['.nbflow', /starts with '\.'|is empty/],
    ];
    for (const [name, problem] of cases) {
      fs.copyFileSync(path.join(SAMPLE_DIR, 'XYZG3-V0-3.nbflow'), path.join(dir, name));
      const before = snapshot(dir);
      expectRefusal(nbv(dir, ['track', name]), name, problem);
      expect(snapshot(dir), name).toEqual(before);
      fs.rmSync(path.join(dir, name));
    }
  });

  it('refuses NUL in a path, a workflow name or a ref (argv cannot carry NUL: library level)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'NUL-V0-1.nbflow'), serialize(generateWorkflow({ name: 'NUL', tabs: 1, scenesPerTab: 1, seed: 3 }), 'two-space'));
    const project = await initProject(dir, { env: { ...process.env, ...TEST_ENV } });
    await track(project, { file: path.join(dir, 'NUL-V0-1.nbflow') });
    const before = snapshot(dir);
    const cases = [
      await refusal(track(project, { file: path.join(dir, 'NUL\0-V0-1.nbflow') })),
      await refusal(commit(project, { workflow: 'NUL\0', message: 'x' })),
      await refusal(restore(await openProject(dir), { workflow: 'NUL', ref: 'HEAD\0', cwd: dir })),
    ];
    for (const c of cases) {
      expect(c.exitStatus, c.message).toBe(2);
      expect(c.message.includes('\n')).toBe(false);
    }
    expect(cases[0]!.code).toBe('BAD_PATH');
    expect(cases[0]!.file).toContain('NUL\0');
    expect(snapshot(dir)).toEqual(before);
    // And the OS itself refuses NUL in an argument, so the binary never sees one.
    expect(() => spawnSync(process.execPath, [NBV_BIN, 'track', 'A\0.nbflow'])).toThrow(/null bytes/);
  });

  it('refuses a raw NUL byte inside the file', () => {
    const dir = trackedSample();
    const file = path.join(dir, 'XYZG3-V0-3.nbflow');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"prompt": "', '"prompt": "\u0000'));
    const before = snapshot(dir);
    expectRefusal(nbv(dir, ['commit', '-m', 'nul']), 'XYZG3-V0-3.nbflow', /control character|line \d+/i);
    expect(snapshot(dir)).toEqual(before);
  });

  it('never writes through a working file that became a symlink out of the project', () => {
    const dir = trackedSample();
    const outside = tempDir();
    dirs.push(outside);
    const target = path.join(outside, 'elsewhere.nbflow');
    fs.copyFileSync(path.join(dir, 'XYZG3-V0-3.nbflow'), target);
    fs.rmSync(path.join(dir, 'XYZG3-V0-3.nbflow'));
    fs.symlinkSync(target, path.join(dir, 'XYZG3-V0-3.nbflow'));
    const outsideBefore = snapshot(outside);
    nbv(dir, ['wipe', '--all']);
    expect(snapshot(outside)).toEqual(outsideBefore);
  });
});

describe('bad input corpus: the file system says no', () => {
  it('a read-only project: exit 2 naming the file, nothing changed', () => {
    const dir = trackedSample();
    fs.chmodSync(dir, 0o755);
    const before = snapshot(dir);
    // Root ignores permission bits, so as root the command runs as nobody (uid 65534), for whom
    // the root-owned project is read-only; as anyone else the folder is made read-only.
    const asRoot = process.getuid?.() === 0;
    const chmodAll = (mode: (isDir: boolean) => number) => {
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const full = path.join(d, e.name);
          if (e.isDirectory()) walk(full);
          fs.chmodSync(full, mode(e.isDirectory()));
        }
      };
      walk(dir);
      fs.chmodSync(dir, mode(true));
    };
    chmodAll((isDir) => (isDir ? 0o555 : 0o444));
    try {
      const result = spawnSync(process.execPath, [NBV_BIN, 'wipe', '--all'], {
        cwd: dir,
        env: { ...process.env, ...TEST_ENV },
        encoding: 'utf8',
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expectRefusal({ status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }, path.join(dir, '.nbv'), /EACCES|EROFS|EPERM|permission/i);
    } finally {
      chmodAll((isDir) => (isDir ? 0o755 : 0o644));
    }
    expect(snapshot(dir)).toEqual(before);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
  it.skipIf(!canMount)('a full disk (a tiny tmpfs in a private mount namespace): one line naming the file, the user\'s files unchanged, the next command finishes', () => {
    const source = trackedSample();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-fulldisk-'));
    dirs.push(out);
    const mnt = path.join(out, 'mnt');
    fs.mkdirSync(mnt);
    // Inside the namespace: copy the project onto a 2 MiB tmpfs, fill it up to FREE KiB, run a
    // wipe, record what happened, free the space, run the next command and the checks.
    const script = `
      set -u
      mount -t tmpfs -o size=2m tmpfs "$MNT" || exit 99
      cp -a "$SRC/." "$MNT/" && cd "$MNT"
      sums() { find . -type f ! -name .filler ! -path './.nbv/*' | sort | xargs sha256sum; }
      avail=$(df --output=avail -k . | tail -1)
      head -c $(( (avail - FREE) * 1024 )) /dev/zero > .filler 2>/dev/null
      sums > "$OUT/before"
      node "$NBV" wipe --all > "$OUT/stdout" 2> "$OUT/stderr"; echo $? > "$OUT/status"
      sums > "$OUT/after"
      rm -f .filler
      node "$NBV" wipe --scene 01 > /dev/null 2> "$OUT/next-stderr"; echo $? > "$OUT/next-status"
      node "$NBV" verify > /dev/null 2>&1; echo $? > "$OUT/verify"
      git --git-dir=.nbv fsck --strict > /dev/null 2>&1; echo $? > "$OUT/fsck"
    `;
    const seen: string[] = [];
    for (const free of [0, 60]) {
      const run = spawnSync('unshare', ['-m', 'sh', '-c', script], {
        env: { ...process.env, ...TEST_ENV, MNT: mnt, SRC: source, OUT: out, NBV: NBV_BIN, FREE: String(free) },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const read = (name: string) => fs.readFileSync(path.join(out, name), 'utf8').trim();
      const status = Number(read('status'));
      if (status !== 0) {
        seen.push(read('stderr'));
        expectRefusal({ status, stdout: read('stdout'), stderr: read('stderr') }, '', /ENOSPC|no space/);
        expect(read('stderr')).toMatch(/\.nbflow|nbv\.lock|\.nbv/);
        expect(read('after')).toBe(read('before')); // the user's files are as they were
      }
      expect(read('next-status'), read('next-stderr')).toMatch(/^[02]$/);
      expect(read('verify')).toBe('0');
      expect(read('fsck')).toBe('0');
    }
    expect(seen.length).toBeGreaterThan(0); // the disk really was full at least once
  });
});
