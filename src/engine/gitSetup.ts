// `nbv git-setup`: tells the user's git to diff and merge .nbflow files with nbv. It writes the
// attribute line (`*.nbflow diff=nbflow merge=nbflow`) into the repository's .gitattributes (or,
// with --global, the user's global attributes file) and the drivers into git's config through the
// real `git config`, so git's own rules for where config lives apply. Running it again changes
// nothing: each value is compared before it is written, and the report says what changed.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { writeFileAtomic } from '../store/index.js';

export const ATTRIBUTE_LINE = '*.nbflow diff=nbflow merge=nbflow';

export interface GitSetupOptions {
  global: boolean;
  cwd: string;
  /** How git should start nbv: `nbv` when it is on PATH, else the node binary and script. */
  invocation: string;
  env?: NodeJS.ProcessEnv;
}

export interface GitSetupResult {
  scope: 'local' | 'global';
  attributes: { file: string; changed: boolean };
  config: Array<{ key: string; value: string; changed: boolean }>;
}

function git(args: string[], options: GitSetupOptions): { status: number; stdout: string; stderr: string } {
  const run = spawnSync('git', args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8' });
  if (run.error !== undefined) throw new NbvError('IO', `cannot run git: ${run.error.message} (is git installed?)`);
  return { status: run.status ?? -1, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

/** The config the drivers need, for an invocation of nbv. */
export function driverConfigEntries(invocation: string): Array<{ key: string; value: string }> {
  return [
    { key: 'diff.nbflow.command', value: `${invocation} git-diff` },
    { key: 'diff.nbflow.textconv', value: `${invocation} git-textconv` },
    { key: 'merge.nbflow.name', value: 'nbv: three-way merge of .nbflow nodes' },
    { key: 'merge.nbflow.driver', value: `${invocation} merge-driver %O %A %B %P` },
  ];
}

async function attributesFile(options: GitSetupOptions): Promise<string> {
  if (!options.global) {
    const top = git(['rev-parse', '--show-toplevel'], options);
    if (top.status !== 0) throw new NbvError('BAD_USAGE', `${options.cwd} is not inside a git repository; run 'nbv git-setup' in one, or use --global`);
    return path.join(top.stdout, '.gitattributes');
  }
  const configured = git(['config', '--global', '--get', 'core.attributesFile'], options);
  const env = options.env ?? process.env;
  const home = env['HOME'] ?? os.homedir();
  if (configured.status === 0 && configured.stdout !== '') return configured.stdout.replace(/^~(?=\/|$)/, home);
  const xdg = env['XDG_CONFIG_HOME'] || path.join(home, '.config');
  return path.join(xdg, 'git', 'attributes');
}

/** Adds the attribute line unless the file already has it, keeping the file's line endings. */
async function ensureAttributeLine(file: string): Promise<boolean> {
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new NbvError('IO', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  if (text.split(/\r?\n/).some((line) => line.trim().replace(/\s+/g, ' ') === ATTRIBUTE_LINE)) return false;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const separator = text === '' || text.endsWith('\n') ? '' : newline;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${text}${separator}${ATTRIBUTE_LINE}${newline}`);
  return true;
}

export async function gitSetup(options: GitSetupOptions): Promise<GitSetupResult> {
  const scope = options.global ? '--global' : '--local';
  const file = await attributesFile(options);
  const config: GitSetupResult['config'] = [];
  for (const { key, value } of driverConfigEntries(options.invocation)) {
    const current = git(['config', scope, '--get', key], options);
    if (current.status === 0 && current.stdout === value) {
      config.push({ key, value, changed: false });
      continue;
    }
    const set = git(['config', scope, key, value], options);
    if (set.status !== 0) throw new NbvError('IO', `git config ${scope} ${key} failed: ${set.stderr}`);
    config.push({ key, value, changed: true });
  }
  const changed = await ensureAttributeLine(file);
  return { scope: options.global ? 'global' : 'local', attributes: { file, changed }, config };
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** `nbv` when the `nbv` on PATH is this very script; otherwise the node binary and the script's
 * absolute path, quoted for the shell git runs drivers with. */
export async function nbvInvocation(script: string, execPath: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const real = async (file: string) => fs.realpath(file).catch(() => null);
  const self = await real(script);
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const found = await real(path.join(dir, 'nbv'));
    if (found !== null && self !== null && found === self) return 'nbv';
  }
  return `${shellQuote(execPath)} ${shellQuote(path.resolve(script))}`;
}
