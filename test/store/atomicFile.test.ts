import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirDurable, removeFileDurable, writeFileAtomic } from '../../src/store/atomicFile.js';
import { atomicFs } from '../../src/store/atomicFs.js';
import { exited, makeTempDir, spawnNode, waitForOutput } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

describe('writeFileAtomic', () => {
  it('writes exact bytes, replaces an existing file and leaves no temp file', async () => {
    const target = path.join(dir, 'f.bin');
    await fs.writeFile(target, 'old content that is longer than the new one');
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x0a]);
    await writeFileAtomic(target, bytes);
    expect(new Uint8Array(await fs.readFile(target))).toEqual(bytes);
    expect(await fs.readdir(dir)).toEqual(['f.bin']);
  });

  it('applies the requested mode', async () => {
    const target = path.join(dir, 'secret');
    await writeFileAtomic(target, 'x', { mode: 0o600 });
    expect((await fs.stat(target)).mode & 0o777).toBe(0o600);
  });

  it('removes its temp file and leaves the target untouched when the rename fails', async () => {
    // A non-empty directory cannot be replaced by a file: the temp file is written, the rename fails.
    const target = path.join(dir, 'occupied');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'keep'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await fs.readdir(dir)).toEqual(['occupied']);
    expect(await fs.readFile(path.join(target, 'keep'), 'utf8')).toBe('kept');
  });

  it('fails with the raw errno error when the folder is missing, creating nothing', async () => {
    const target = path.join(dir, 'missing', 'f');
    await expect(writeFileAtomic(target, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('never leaves a partial target when the writer is killed mid-write', async () => {
    const target = path.join(dir, 'big.bin');
    const size = 8 * 1024 * 1024;
    for (let round = 0; round < 4; round++) {
      const child = spawnNode(['test/store/children/writeLoop.ts', target, String(size)]);
      try {
        await waitForOutput(child, 'ready');
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      } finally {
        child.kill('SIGKILL');
        await exited(child);
      }
      const bytes = await fs.readFile(target);
      const whole =
        (bytes.length === size && bytes.every((b) => b === 0x61)) ||
        (bytes.length === size + 12_345 && bytes.every((b) => b === 0x62));
      expect(whole, `round ${round}: ${bytes.length} bytes`).toBe(true);
    }
  });
});

describe('removeFileDurable', () => {
  it('removes a file and accepts one that is already gone', async () => {
    const target = path.join(dir, 'f');
    await fs.writeFile(target, 'x');
    await removeFileDurable(target);
    await expect(fs.access(target)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(removeFileDurable(target)).resolves.toBeUndefined();
  });
});

describe('mkdirDurable', () => {
  it('creates nested folders and accepts existing ones, but not a file in the way', async () => {
    await mkdirDurable(path.join(dir, 'a', 'b', 'c'));
    await mkdirDurable(path.join(dir, 'a', 'b'));
    expect((await fs.stat(path.join(dir, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    await fs.writeFile(path.join(dir, 'file'), '');
    await expect(mkdirDurable(path.join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('atomicFs (the fs handed to isomorphic-git)', () => {
  it('writes strings with their encoding and bytes as they are, atomically', async () => {
    const target = path.join(dir, 'HEAD');
    await atomicFs.promises.writeFile(target, 'ref: refs/heads/main\n', 'utf8');
    expect(await fs.readFile(target, 'utf8')).toBe('ref: refs/heads/main\n');
    await atomicFs.promises.writeFile(target, new Uint8Array([1, 2, 3]), { mode: 0o444 });
    expect([...(await fs.readFile(target))]).toEqual([1, 2, 3]);
    expect(await fs.readdir(dir)).toEqual(['HEAD']);
  });

  it('keeps errno codes on mkdir so isomorphic-git can tolerate EEXIST', async () => {
    await atomicFs.promises.mkdir(path.join(dir, 'objects'));
    await expect(atomicFs.promises.mkdir(path.join(dir, 'objects'))).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('exposes promises as an own enumerable property (isomorphic-git ignores it otherwise)', () => {
    expect(Object.getOwnPropertyDescriptor(atomicFs, 'promises')?.enumerable).toBe(true);
  });
});
