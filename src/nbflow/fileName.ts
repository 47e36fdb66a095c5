// The team's file-naming conventions (seed wiki): working files `<NAME>-V<major>-<n>.nbflow`,
// superseded versions kept under their own name in backups/, and pre-change backups
// `<file>.bak-<YYYY-MM-DD>-pre-<what>`. Pure string work: nothing here touches the disk.

import { NbvError } from '../errors.js';

export interface Version {
  major: number;
  minor: number;
}

export interface VersionedFileName extends Version {
  name: string;
}

export interface PreChangeBackupName {
  /** The file the backup was taken of, e.g. `XYZG3-V0-3.nbflow`. */
  file: string;
  date: string;
  what: string;
}

export const NBFLOW_EXTENSION = '.nbflow';
export const MAX_WORKFLOW_NAME_LENGTH = 100;

// Numbers without leading zeros, so that format(parse(name)) gives the same name back.
const NUMBER = '(0|[1-9]\\d{0,8})';
const VERSIONED = new RegExp(`^(.+)-V${NUMBER}-${NUMBER}\\.nbflow$`);
const LABEL = new RegExp(`^[Vv]${NUMBER}-${NUMBER}$`);
const PRE_CHANGE = /^(.+)\.bak-(\d{4}-\d{2}-\d{2})-pre-([A-Za-z0-9][A-Za-z0-9._-]*)$/;
const WHAT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why `name` cannot name a workflow, or undefined when it can. */
export function workflowNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_WORKFLOW_NAME_LENGTH) return `is longer than ${MAX_WORKFLOW_NAME_LENGTH} characters`;
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('/') || name.includes('\\')) return "contains a path separator ('/' or '\\')";
  if (name.includes('..')) return "contains '..'";
  if (name.startsWith('-')) return "starts with '-' (it would read as an option)";
  if (name.startsWith('.')) return "starts with '.' (it would be a hidden file)";
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'contains a control character';
  // A right-to-left override (and its kin) makes a name display as something it is not.
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) return 'contains a bidirectional control character (it would display as another name)';
  if (/-[Vv](0\d+-\d+|\d+-0\d+)$/.test(name)) return 'ends in a version label with a leading zero (write NAME-V0-1, not NAME-V0-01)';
  // The name becomes a git branch (refs/heads/NAME) and a tag folder: refuse it here, before any
  // object is written, rather than when the ref is written.
  if (/[~^:?*[]/.test(name) || name.includes('@{') || name === '@') return 'contains one of ~ ^ : ? * [ @{ (not allowed in a git branch name)';
  if (name.endsWith('.') || name.toLowerCase().endsWith('.lock')) return "ends with '.' or '.lock' (not allowed in a git branch name)";
  if (name === 'HEAD') return "is reserved (git's HEAD)";
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(name)) return 'is a reserved device name on Windows';
  return undefined;
}

/** `file`, when given, is the file the name came from: the error names it. */
export function validateWorkflowName(name: string, file?: string): string {
  const problem = workflowNameProblem(name);
  if (problem !== undefined) {
    const where = file === undefined ? '' : `${file}: `;
    throw new NbvError('BAD_FILE_NAME', `${where}workflow name ${JSON.stringify(name)} ${problem}`, { file, details: { name } });
  }
  return name;
}

// Only '/' separates: a backslash is a character of a POSIX file name (`A\B-V0-1.nbflow` is one
// name, refused as a workflow name, not workflow "B").
function baseName(file: string): string {
  const cut = file.lastIndexOf('/');
  return cut === -1 ? file : file.slice(cut + 1);
}

/** `XYZG3-V0-3.nbflow` (or a path ending in it) -> { name: 'XYZG3', major: 0, minor: 3 }. */
export function parseVersionedFileName(file: string): VersionedFileName | null {
  const match = VERSIONED.exec(baseName(file));
  if (match === null) return null;
  const [, name, major, minor] = match as unknown as [string, string, string, string];
  if (workflowNameProblem(name) !== undefined) return null;
  return { name, major: Number(major), minor: Number(minor) };
}

function checkVersion({ major, minor }: Version): void {
  for (const part of [major, minor]) {
    if (!Number.isSafeInteger(part) || part < 0 || part > 999_999_999) {
      throw new NbvError('BAD_FILE_NAME', `version V${major}-${minor} is not two whole numbers from 0 to 999999999`);
    }
  }
}

export function formatVersionedFileName({ name, major, minor }: VersionedFileName): string {
  validateWorkflowName(name);
  checkVersion({ major, minor });
  return `${name}-V${major}-${minor}${NBFLOW_EXTENSION}`;
}

export function versionLabel(version: Version): string {
  checkVersion(version);
  return `V${version.major}-${version.minor}`;
}

export function parseVersionLabel(label: string): Version | null {
  const match = LABEL.exec(label);
  if (match === null) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor;
}

/** A superseded version is kept in backups/ under its own name. */
export function supersededBackupName(file: string): string {
  return baseName(file);
}

function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(y, m - 1, d));
  return parsed.getUTCFullYear() === y && parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d;
}

/** `XYZG3-V0-3.nbflow`, `2026-05-12`, `cache-wipe` -> `XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe`. */
export function preChangeBackupName(file: string, date: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isCalendarDate(date)) {
    throw new NbvError('BAD_FILE_NAME', `backup date '${date}' is not a YYYY-MM-DD calendar date`);
  }
  if (!WHAT.test(what)) {
    throw new NbvError('BAD_FILE_NAME', `backup reason '${what}' must be letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return `${baseName(file)}.bak-${date}-pre-${what}`;
}

export function parsePreChangeBackupName(name: string): PreChangeBackupName | null {
  const match = PRE_CHANGE.exec(baseName(name));
  if (match === null) return null;
  const [, file, date, what] = match as unknown as [string, string, string, string];
  if (!isCalendarDate(date)) return null;
  return { file, date, what };
}
