// The names people give copies by hand, and the order the import takes them in (docs/import.md).
import { describe, expect, it } from 'vitest';
import { compareLegacyFiles, orderLegacyFiles, parseLegacyName, type LegacyName, type OrderableFile } from '../../src/backups/legacyNames.js';

function parsed(base: string): LegacyName {
  const result = parseLegacyName(base);
  if (result === null || 'problem' in result) throw new Error(`${base} did not parse: ${JSON.stringify(result)}`);
  return result;
}

describe('parseLegacyName', () => {
  it.each([
    ['XYZG3-V0-2.nbflow', { variant: 'plain', version: { major: 0, minor: 2 }, date: null, what: null, number: 0 }],
    ['XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe', { variant: 'pre-change', version: { major: 0, minor: 3 }, date: '2026-05-12', what: 'cache-wipe' }],
    ['XYZG3-V0-1.nbflow.bak-2026-04-30', { variant: 'dated', date: '2026-04-30', what: null }],
    ['XYZG3-V0-1.nbflow.bak_2026-04-30_before-avatar', { variant: 'dated', date: '2026-04-30', what: 'before-avatar' }],
    ['XYZG3-V0-2.nbflow.bak', { variant: 'bak', number: 1 }],
    ['XYZG3-V0-2.nbflow.bak2', { variant: 'bak', number: 2 }],
    ['XYZG3-V0-2.nbflow.bak-pre-wipe', { variant: 'pre-change', date: null, what: 'wipe' }],
    ['XYZG3-V0-2 copy.nbflow', { variant: 'copy', number: 0 }],
    ['XYZG3-V0-2 copy 3.nbflow', { variant: 'copy', number: 3 }],
    ['XYZG3-V0-2 - Copy.nbflow', { variant: 'copy', number: 0 }],
    ['XYZG3-V0-2 - Copy (2).nbflow', { variant: 'copy', number: 2 }],
    ['Copy of XYZG3-V0-2.nbflow', { variant: 'copy' }],
    ['XYZG3-V0-2 (1).nbflow', { variant: 'duplicate', number: 1 }],
    ['XYZG3-V0-2 copy (1).nbflow', { variant: 'duplicate', number: 1 }],
    ['XYZG3-V0-2 2026-05-06.nbflow', { variant: 'dated', date: '2026-05-06' }],
    ['XYZG3-V0-2 (1).nbflow.bak', { variant: 'bak', number: 1 }],
  ])('%s', (base, expected) => {
    const name = parsed(base);
    expect(name.workflow).toBe('XYZG3');
    expect(name.version).toEqual({ major: 0, minor: base.includes('V0-1') ? 1 : base.includes('V0-3') ? 3 : 2 });
    expect(name).toMatchObject(expected);
  });

  it('keeps hyphens and digits that belong to the workflow name', () => {
    expect(parsed('My-Flow-2-V1-12.nbflow')).toMatchObject({ workflow: 'My-Flow-2', version: { major: 1, minor: 12 } });
    expect(parsed('notes.nbflow.bak')).toMatchObject({ workflow: 'notes', version: null, variant: 'bak' });
  });

  it('ignores names that are no .nbflow copy at all', () => {
    for (const base of ['README.md', 'notes.txt', '.XYZG3-V0-2.nbflow.tmp', 'nbflow', '.nbflow']) {
      expect(parseLegacyName(base), base).toBeNull();
    }
  });

  it('says why a .nbflow-looking name cannot be placed', () => {
    expect(parseLegacyName('XYZG3-V0-2.nbflow.orig')).toEqual({ problem: expect.stringContaining("'.orig'") });
    expect(parseLegacyName('XYZG3-V0-2.nbflow.bak-2026-02-30')).toEqual({ problem: expect.stringContaining('2026-02-30') });
    expect(parseLegacyName('-x-V0-1.nbflow')).toEqual({ problem: expect.stringContaining("starts with '-'") });
  });
});

describe('orderLegacyFiles', () => {
  const at = (iso: string) => Date.parse(iso);
  const file = (path: string, mtime: string): OrderableFile => ({
    path,
    name: parsed(path.slice(path.lastIndexOf('/') + 1)),
    mtimeMs: at(mtime),
    mtimeDate: mtime.slice(0, 10),
  });

  it('orders by version, then the date in the name, then the mtime', () => {
    const files = [
      file('XYZG3-V0-2 (1).nbflow', '2026-05-07T12:00:00Z'),
      file('backups/XYZG3-V0-1.nbflow', '2026-05-01T17:30:00Z'),
      file('XYZG3-V0-2.nbflow.bak2', '2026-05-06T20:45:00Z'),
      // dated in its name before its mtime: the name wins
      file('backups/XYZG3-V0-1.nbflow.bak-2026-04-30', '2026-06-01T09:00:00Z'),
      file('XYZG3-V0-2.nbflow.bak', '2026-05-03T09:10:00Z'),
      // a V0-3 file written long before the V0-2 ones still comes after them
      file('backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe', '2026-01-01T00:00:00Z'),
    ];
    expect(orderLegacyFiles(files).map((f) => f.path)).toEqual([
      'backups/XYZG3-V0-1.nbflow.bak-2026-04-30',
      'backups/XYZG3-V0-1.nbflow',
      'XYZG3-V0-2.nbflow.bak',
      'XYZG3-V0-2.nbflow.bak2',
      'XYZG3-V0-2 (1).nbflow',
      'backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe',
    ]);
  });

  it('on a tie of day and mtime (a fresh copy), a pre-change copy first and the plain name last', () => {
    const same = '2026-05-12T10:00:00Z';
    const files = [
      file('backups/XYZG3-V0-2.nbflow', same),
      file('XYZG3-V0-2 (1).nbflow', same),
      file('XYZG3-V0-2.nbflow.bak2', same),
      file('XYZG3-V0-2.nbflow.bak', same),
      file('XYZG3-V0-2 copy.nbflow', same),
      file('backups/XYZG3-V0-2.nbflow.bak-2026-05-12-pre-cache-wipe', same),
    ];
    expect(orderLegacyFiles(files).map((f) => f.path)).toEqual([
      'backups/XYZG3-V0-2.nbflow.bak-2026-05-12-pre-cache-wipe',
      'XYZG3-V0-2.nbflow.bak',
      'XYZG3-V0-2.nbflow.bak2',
      'XYZG3-V0-2 copy.nbflow',
      'XYZG3-V0-2 (1).nbflow',
      'backups/XYZG3-V0-2.nbflow',
    ]);
  });

  it('is a total order: antisymmetric and independent of the input order', () => {
    const files = [
      file('a/XYZG3-V0-2.nbflow', '2026-05-12T10:00:00Z'),
      file('b/XYZG3-V0-2.nbflow', '2026-05-12T10:00:00Z'),
      file('XYZG3-V0-2.nbflow.bak', '2026-05-11T10:00:00Z'),
    ];
    for (const x of files) for (const y of files) expect(Math.sign(compareLegacyFiles(x, y)) + Math.sign(compareLegacyFiles(y, x))).toBe(0);
    expect(orderLegacyFiles([...files].reverse())).toEqual(orderLegacyFiles(files));
  });
});
