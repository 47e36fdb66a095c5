import { describe, expect, it } from 'vitest';
import {
  formatVersionedFileName,
  parsePreChangeBackupName,
  parseVersionLabel,
  parseVersionedFileName,
  preChangeBackupName,
  supersededBackupName,
  validateWorkflowName,
  versionLabel,
} from '../../src/nbflow/fileName.js';
import { thrown } from './sampleDoc.js';

describe('versioned file names', () => {
  it('parses and formats <NAME>-V<major>-<n>.nbflow', () => {
    expect(parseVersionedFileName('XYZG3-V0-3.nbflow')).toEqual({ name: 'XYZG3', major: 0, minor: 3 });
    expect(parseVersionedFileName('backups/My-Show-V12-40.nbflow')).toEqual({ name: 'My-Show', major: 12, minor: 40 });
    expect(parseVersionedFileName('A-V1-V2-3.nbflow')).toEqual({ name: 'A-V1', major: 2, minor: 3 });
    expect(formatVersionedFileName({ name: 'XYZG3', major: 0, minor: 4 })).toBe('XYZG3-V0-4.nbflow');
  });

  it.each(['XYZG3.nbflow', 'XYZG3-V0-3.json', 'XYZG3-v0-3.nbflow', 'XYZG3-V0-03.nbflow', '-V0-3.nbflow', '.x-V0-3.nbflow', 'XYZG3-V0-3.nbflow.bak', 'XYZG3-V0.nbflow'])(
    'returns null for %s',
    (name) => expect(parseVersionedFileName(name)).toBeNull(),
  );

  it('formats and parses version labels', () => {
    expect(versionLabel({ major: 0, minor: 3 })).toBe('V0-3');
    expect(parseVersionLabel('V0-3')).toEqual({ major: 0, minor: 3 });
    expect(parseVersionLabel('v2-10')).toEqual({ major: 2, minor: 10 });
    for (const bad of ['V0', '0-3', 'V0-3x', 'V-1-3', 'V01-3']) expect(parseVersionLabel(bad)).toBeNull();
    expect(thrown(() => versionLabel({ major: -1, minor: 0 })).code).toBe('BAD_FILE_NAME');
    expect(thrown(() => versionLabel({ major: 0, minor: 1.5 })).code).toBe('BAD_FILE_NAME');
  });
});

describe('backup names', () => {
  it('keeps a superseded version under its own name', () => {
    expect(supersededBackupName('XYZG3-V0-3.nbflow')).toBe('XYZG3-V0-3.nbflow');
    expect(supersededBackupName('/p/XYZG3-V0-3.nbflow')).toBe('XYZG3-V0-3.nbflow');
  });

  it('names and parses pre-change backups as the team does', () => {
    const name = preChangeBackupName('XYZG3-V0-3.nbflow', '2026-05-12', 'cache-wipe');
    expect(name).toBe('XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe');
    expect(parsePreChangeBackupName(name)).toEqual({ file: 'XYZG3-V0-3.nbflow', date: '2026-05-12', what: 'cache-wipe' });
    expect(parsePreChangeBackupName(`backups/${name}`)).toEqual({ file: 'XYZG3-V0-3.nbflow', date: '2026-05-12', what: 'cache-wipe' });
  });

  it.each(['XYZG3-V0-3.nbflow', 'XYZG3-V0-3.nbflow.bak', 'X.nbflow.bak-2026-13-01-pre-wipe', 'X.nbflow.bak-2026-02-30-pre-wipe', 'X.nbflow.bak-2026-05-12-pre-'])(
    'parsePreChangeBackupName(%s) is null',
    (name) => expect(parsePreChangeBackupName(name)).toBeNull(),
  );

  it('refuses bad dates and reasons', () => {
    expect(thrown(() => preChangeBackupName('X.nbflow', '2026-5-12', 'wipe')).code).toBe('BAD_FILE_NAME');
    expect(thrown(() => preChangeBackupName('X.nbflow', '2026-02-30', 'wipe')).message).toContain("'2026-02-30' is not a YYYY-MM-DD calendar date");
    expect(thrown(() => preChangeBackupName('X.nbflow', '2026-05-12', '../x')).code).toBe('BAD_FILE_NAME');
  });
});

describe('workflow names', () => {
  it('accepts ordinary names', () => {
    for (const name of ['XYZG3', 'My Show', 'été-2026', 'a.b', 'x'.repeat(100)]) expect(validateWorkflowName(name)).toBe(name);
  });

  it.each([
    ['', 'is empty'],
    ['a/b', 'path separator'],
    ['a\\b', 'path separator'],
    ['a\0b', 'NUL byte'],
    ['a..b', "contains '..'"],
    ['-rf', "starts with '-'"],
    ['.hidden', "starts with '.'"],
    ['x'.repeat(101), 'longer than 100 characters'],
    ['a\nb', 'control character'],
  ])('refuses %j as BAD_FILE_NAME', (name, expected) => {
    const err = thrown(() => validateWorkflowName(name));
    expect(err.code).toBe('BAD_FILE_NAME');
    expect(err.message).toContain(expected);
    expect(err.message).toContain('workflow name');
  });

  it('names the file the workflow name came from', () => {
    const err = thrown(() => validateWorkflowName('.x', 'backups/.x.nbflow'));
    expect(err.message).toBe(`backups/.x.nbflow: workflow name ".x" starts with '.' (it would be a hidden file)`);
    expect(err.file).toBe('backups/.x.nbflow');
  });
});
