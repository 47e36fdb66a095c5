// The byte formats the store writes itself: commit objects and blob hashes. Commits are rendered
// here rather than by isomorphic-git's writeCommit because that one rewrites the message (drops
// every CR, leading blank lines, extra trailing newlines); ours round-trip exactly.

import { createHash } from 'node:crypto';
import { NbvError } from '../errors.js';
import { isFullOid } from './refNames.js';
import type { Signature } from './types.js';

/**
 * The git blob id of `bytes`: sha1 of `blob <length>\0<bytes>`. Equal to what `git hash-object`
 * prints, so a file's bytes can be found in history without writing anything.
 */
export function hashBlob(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

const LONE_SURROGATE = /\p{Surrogate}/u;

/** Throw BAD_FILE_NAME unless `name` can be a flat tree entry that git fsck --strict accepts. */
export function assertTreeEntryName(name: string): void {
  let problem: string | null = null;
  if (name === '') problem = 'is empty';
  else if (name.includes('/')) problem = "contains '/' (the store keeps flat trees)";
  else if (name.includes('\0')) problem = 'contains a NUL byte';
  else if (name === '.' || name === '..') problem = 'is . or ..';
  else if (name.toLowerCase() === '.git' || name.toLowerCase() === 'git~1') problem = 'is reserved by git';
  else if (LONE_SURROGATE.test(name)) problem = 'is not well-formed Unicode';
  if (problem !== null) {
    throw new NbvError('BAD_FILE_NAME', `tree entry name ${JSON.stringify(name)} ${problem}`, { details: { name } });
  }
}

function badInput(message: string): NbvError {
  return new NbvError('BAD_USAGE', message);
}

function assertSignature(sig: Signature, role: string): void {
  for (const [field, value] of [['name', sig.name], ['email', sig.email]] as const) {
    if (/[<>\n\0]/.test(value) || LONE_SURROGATE.test(value)) {
      throw badInput(`${role} ${field} ${JSON.stringify(value)} contains <, >, a newline or NUL`);
    }
  }
  if (sig.name.trim() === '') throw badInput(`${role} name is empty`);
  if (!Number.isSafeInteger(sig.timestamp) || sig.timestamp < 0) {
    throw badInput(`${role} timestamp ${sig.timestamp} is not whole seconds since the epoch`);
  }
  if (!Number.isInteger(sig.timezoneOffset) || Math.abs(sig.timezoneOffset) >= 24 * 60) {
    throw badInput(`${role} timezoneOffset ${sig.timezoneOffset} is not whole minutes within a day`);
  }
}

/** isomorphic-git's sign convention: minutes WEST of UTC, so -120 is `+0200`; -0 is git's `-0000`. */
function formatTimezone(offsetMinutes: number): string {
  const east = -offsetMinutes;
  const sign = east > 0 || Object.is(offsetMinutes, 0) ? '+' : '-';
  const abs = Math.abs(east);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function parseTimezone(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const east = Number(text.slice(1, 3)) * 60 + Number(text.slice(3, 5));
  // Written east-positive by git; returned west-positive, keeping `-0000` as -0.
  return east === 0 ? (sign < 0 ? -0 : 0) : -sign * east;
}

function formatIdent(sig: Signature): string {
  return `${sig.name} <${sig.email}> ${sig.timestamp} ${formatTimezone(sig.timezoneOffset)}`;
}

const IDENT = /^(.*) <([^<>]*)> (\d+) ([+-]\d{4})$/;

function parseIdent(text: string): Signature | null {
  const m = IDENT.exec(text);
  if (m === null) return null;
  return { name: m[1] ?? '', email: m[2] ?? '', timestamp: Number(m[3]), timezoneOffset: parseTimezone(m[4] ?? '+0000') };
}

/** A flat tree of blobs (mode 100644) in git's entry order: names compared as bytes (a flat tree
 * has no subtrees, whose names git would compare with a trailing '/'). */
export function renderFlatTree(entries: Record<string, string>): Uint8Array {
  const named = Object.entries(entries).map(([name, oid]) => ({ name: Buffer.from(name, 'utf8'), oid }));
  named.sort((a, b) => Buffer.compare(a.name, b.name));
  return Buffer.concat(named.flatMap(({ name, oid }) => [Buffer.from('100644 ', 'latin1'), name, Buffer.from([0]), Buffer.from(oid, 'hex')]));
}

export interface CommitFields {
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
}

/**
 * The bytes of a commit object (without the `commit <len>\0` header). The message is stored with
 * one `\n` appended, git's convention, which parseCommit removes again.
 */
export function renderCommit(c: CommitFields): Uint8Array {
  for (const oid of [c.tree, ...c.parents]) {
    if (!isFullOid(oid)) throw badInput(`not a full object id: ${JSON.stringify(oid)}`);
  }
  if (new Set(c.parents).size !== c.parents.length) throw badInput('a commit cannot list the same parent twice');
  assertSignature(c.author, 'author');
  assertSignature(c.committer, 'committer');
  if (c.message.includes('\0') || LONE_SURROGATE.test(c.message)) {
    throw badInput('commit message contains a NUL byte or is not well-formed Unicode');
  }
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${formatIdent(c.author)}`, `committer ${formatIdent(c.committer)}`);
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}\n`, 'utf8');
}

/** Parse commit object bytes; null when they are not a commit git would accept. */
export function parseCommit(bytes: Uint8Array): CommitFields | null {
  const text = Buffer.from(bytes).toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text.replace(/\n$/, '') : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 2);
  // Continuation lines (a gpgsig, a mergetag) start with a space and belong to the header above.
  const headers = head.split('\n').filter((line) => !line.startsWith(' '));
  const [first, ...rest] = headers;
  if (first === undefined || !first.startsWith('tree ')) return null;
  const tree = first.slice(5);
  const parents: string[] = [];
  let i = 0;
  for (; i < rest.length && rest[i]?.startsWith('parent '); i++) parents.push((rest[i] ?? '').slice(7));
  const value = (key: string) => rest.slice(i).find((h) => h.startsWith(`${key} `))?.slice(key.length + 1);
  const authorText = value('author');
  const committerText = value('committer');
  const author = authorText === undefined ? null : parseIdent(authorText);
  const committer = committerText === undefined ? null : parseIdent(committerText);
  if (!isFullOid(tree) || !parents.every(isFullOid) || author === null || committer === null) return null;
  return { tree, parents, author, committer, message: body.endsWith('\n') ? body.slice(0, -1) : body };
}
