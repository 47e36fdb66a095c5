// Local folders (a bare repository on a shared or synced drive) and ssh go through the system
// `git`. isomorphic-git has no file:// or ssh transport; for a folder, copying objects ourselves
// would mean re-implementing what git's fetch and push already do well: negotiate what is
// missing, receive it into a quarantine, check it, and only then move refs (atomically with
// --atomic). ssh needs the user's own ssh keys and agent, which only the system ssh has.
//
// Fetched refs land under refs/nbv-incoming/ (removed right after): the caller moves the real
// refs itself, under its lock, once it has checked what came in. No hook runs: not ours (the
// store is read as hostile) and not the remote folder's (a shared drive is not a trusted program).
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../../errors.js';
import { listRefs } from '../refs.js';
import { scrubUrl, type RemoteUrl } from './remoteUrl.js';
import { travellingRefs, type PushUpdate, type TransportOptions } from './transportTypes.js';

const INCOMING = 'refs/nbv-incoming/';
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];
const REMOTE_NO_HOOKS = 'git -c core.hooksPath=/dev/null';

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runGit(args: string[], options: TransportOptions): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const promptEnv = process.stdin.isTTY ? {} : { GIT_TERMINAL_PROMPT: '0', GIT_SSH_COMMAND: options.env['GIT_SSH_COMMAND'] ?? 'ssh -o BatchMode=yes' };
    const child = spawn('git', [...NO_HOOKS, ...args], { env: { ...options.env, ...promptEnv, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /([A-Za-z ]+):\s+(\d+)% \((\d+)\/(\d+)\)/.exec(d.split('\r').pop() ?? '');
      if (m && options.onProgress) options.onProgress({ phase: m[1]!.trim(), loaded: Number(m[3]), total: Number(m[4]) });
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new NbvError('GIT_MISSING', `this remote needs the git program, which is not installed here (ssh and local folders go through git; https:// does not)`));
      } else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function failure(run: GitRun, remote: RemoteUrl, doing: string): NbvError {
  const shown = scrubUrl(remote.url);
  const text = scrubUrl(run.stderr);
  const line = text.split('\n').map((l) => l.replace(/^(fatal|error):\s*/, '').trim()).find((l) => l !== '' && !/^(hint|remote):/.test(l)) ?? `git exited with ${run.code}`;
  if (/\[rejected\]|non-fast-forward|fetch first|already exists|stale info|failed to update ref|cannot lock ref/.test(text)) {
    return new NbvError('REMOTE_REJECTED', `${shown} refused the push: the remote moved since the last fetch; pull first`, { details: { url: shown } });
  }
  if (/Permission denied|Authentication failed|publickey/i.test(text)) {
    return new NbvError('REMOTE_AUTH', `${shown} refused the credentials (${line}); nothing was changed`, { details: { url: shown } });
  }
  if (/does not appear to be a git repository|not a git repository|No such file|Could not read from remote|Connection refused|Could not resolve/i.test(text)) {
    return new NbvError('REMOTE_UNREACHABLE', `no git repository answers at ${shown} (${line}); nothing was changed`, { details: { url: shown } });
  }
  return new NbvError('REMOTE_UNREACHABLE', `git failed while ${doing} ${shown} (${line}); nothing was changed, try again`, { details: { url: shown } });
}

function packProgram(remote: RemoteUrl, which: 'upload-pack' | 'receive-pack'): string[] {
  return remote.kind === 'local' ? [`--${which}=${REMOTE_NO_HOOKS} ${which}`] : [];
}

export async function gitList(remote: RemoteUrl, options: TransportOptions): Promise<Map<string, string>> {
  const run = await runGit(['ls-remote', ...packProgram(remote, 'upload-pack'), '--', remote.url], options);
  if (run.code !== 0) throw failure(run, remote, 'listing');
  const entries = run.stdout.split('\n').filter(Boolean).map((line) => {
    const [oid, ref] = line.split('\t');
    return [ref ?? '', oid ?? ''] as [string, string];
  });
  return travellingRefs(entries);
}

async function dropIncoming(gitdir: string): Promise<void> {
  await fsp.rm(path.join(gitdir, ...INCOMING.split('/')), { recursive: true, force: true });
}

export async function gitFetch(gitdir: string, remote: RemoteUrl, advertised: Map<string, string>, options: TransportOptions): Promise<Map<string, string>> {
  if (advertised.size === 0) return new Map();
  await dropIncoming(gitdir);
  try {
    const specs = ['+refs/heads/*:refs/nbv-incoming/heads/*', '+refs/tags/*:refs/nbv-incoming/tags/*', '+refs/nbv/*:refs/nbv-incoming/nbv/*'];
    const progress = options.onProgress ? ['--progress'] : [];
    const run = await runGit(
      ['--git-dir', gitdir, 'fetch', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', ...progress, ...packProgram(remote, 'upload-pack'), '--', remote.url, ...specs],
      options,
    );
    if (run.code !== 0) throw failure(run, remote, 'fetching from');
    const got = await listRefs(gitdir, INCOMING);
    return travellingRefs(got.map((r) => [`refs/${r.ref.slice(INCOMING.length)}`, r.oid] as [string, string]));
  } finally {
    await dropIncoming(gitdir);
  }
}

/** All updates in one atomic push: the remote takes every one of them or none. */
export async function gitPush(gitdir: string, remote: RemoteUrl, updates: PushUpdate[], options: TransportOptions): Promise<void> {
  if (updates.length === 0) return;
  // --force-with-lease makes each update a compare-and-swap against what we fetched; every new
  // value was checked to descend from that old one before we came here, so nothing is rewritten.
  const leases = updates.map((u) => `--force-with-lease=${u.ref}:${u.expectedOld ?? ''}`);
  const specs = updates.map((u) => `${u.oid}:${u.ref}`);
  const progress = options.onProgress ? ['--progress'] : [];
  const run = await runGit(
    ['--git-dir', gitdir, 'push', '--atomic', '--porcelain', '--no-verify', ...progress, ...leases, ...packProgram(remote, 'receive-pack'), '--', remote.url, ...specs],
    options,
  );
  if (run.code !== 0) throw failure({ ...run, stderr: run.stderr + run.stdout }, remote, 'pushing to');
}
