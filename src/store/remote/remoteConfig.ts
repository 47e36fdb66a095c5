// Remotes live in the store's git config, written the way `git remote add` writes them, so the
// real git sees the same remotes (`git --git-dir=.nbv remote -v`):
//
//     [remote "origin"]
//         url = https://github.com/studio/xyzg3.git
//         fetch = +refs/heads/*:refs/remotes/origin/*
//
// Only `url` and `fetch` lines are written; anything else a user added by hand is kept as it is.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../../errors.js';
import { writeFileAtomic } from '../atomicFile.js';

export interface RemoteEntry {
  name: string;
  url: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** BAD_USAGE unless `name` can be a remote's name: it becomes part of ref names and config. */
export function assertRemoteName(name: string): void {
  if (!NAME.test(name)) {
    throw new NbvError('BAD_USAGE', `remote name ${JSON.stringify(name)} must be letters, digits, - or _ (at most 63)`);
  }
}

const HEADER = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$/;

interface Section {
  kind: string;
  sub: string | null;
  start: number;
  end: number; // exclusive
}

function sections(lines: string[]): Section[] {
  const found: Section[] = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (!m) return;
    if (found.length > 0) found[found.length - 1]!.end = i;
    found.push({ kind: m[1]!.toLowerCase(), sub: m[2] === undefined ? null : m[2].replace(/\\(.)/g, '$1'), start: i, end: lines.length });
  });
  return found;
}

async function readConfig(gitdir: string): Promise<string[]> {
  const file = path.join(gitdir, 'config');
  try {
    return (await fsp.readFile(file, 'utf8')).split('\n');
  } catch (err) {
    throw new NbvError('IO', `cannot read the store's git config: ${(err as Error).message}`, { file });
  }
}

function valueOf(line: string, key: string): string | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*?)\s*$/.exec(line);
  if (!m || m[1]!.toLowerCase() !== key) return null;
  const raw = m[2]!;
  return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
}

/** Every remote with a url, in the order of the config file. */
export async function listRemoteEntries(gitdir: string): Promise<RemoteEntry[]> {
  const lines = await readConfig(gitdir);
  const out: RemoteEntry[] = [];
  for (const s of sections(lines)) {
    if (s.kind !== 'remote' || s.sub === null || !NAME.test(s.sub)) continue;
    const url = lines.slice(s.start + 1, s.end).map((l) => valueOf(l, 'url')).find((v) => v !== null);
    if (url) out.push({ name: s.sub, url });
  }
  return out;
}

export async function findRemoteEntry(gitdir: string, name: string): Promise<RemoteEntry | null> {
  return (await listRemoteEntries(gitdir)).find((r) => r.name === name) ?? null;
}

const quote = (value: string) => (/^[^\s"\\;#]+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);

/** Adds `[remote "name"]`; ALREADY_EXISTS when a remote of that name is there. Hold the lock. */
export async function addRemoteEntry(gitdir: string, name: string, url: string): Promise<void> {
  assertRemoteName(name);
  if (/[\r\n\0]/.test(url)) throw new NbvError('BAD_USAGE', `a remote address cannot hold line breaks`);
  const lines = await readConfig(gitdir);
  if (sections(lines).some((s) => s.kind === 'remote' && s.sub === name)) {
    throw new NbvError('ALREADY_EXISTS', `a remote named ${name} exists already ('nbv remote remove ${name}' first)`);
  }
  const text = lines.join('\n').replace(/\n*$/, '\n');
  const section = `[remote "${name}"]\n\turl = ${quote(url)}\n\tfetch = +refs/heads/*:refs/remotes/${name}/*\n`;
  await writeFileAtomic(path.join(gitdir, 'config'), text + section);
}

/** Removes `[remote "name"]`; UNKNOWN_REF when there is none. Hold the lock. */
export async function removeRemoteEntry(gitdir: string, name: string): Promise<void> {
  const lines = await readConfig(gitdir);
  const hit = sections(lines).filter((s) => s.kind === 'remote' && s.sub === name);
  if (hit.length === 0) throw new NbvError('UNKNOWN_REF', `no remote named ${JSON.stringify(name)} ('nbv remote list' shows them)`);
  const drop = new Set(hit.flatMap((s) => Array.from({ length: s.end - s.start }, (_, i) => s.start + i)));
  await writeFileAtomic(path.join(gitdir, 'config'), lines.filter((_, i) => !drop.has(i)).join('\n'));
}
