// One door for every transport: list a remote's refs, fetch its objects, push updates. Which
// transport speaks is decided by the address (remoteUrl.ts): http(s) through isomorphic-git,
// local folders and ssh through the system git.
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../../errors.js';
import { gitFetch, gitList, gitPush } from './gitTransport.js';
import { httpFetch, httpList, httpPush } from './httpTransport.js';
import { scrubUrl, type RemoteUrl } from './remoteUrl.js';
import type { PushUpdate, TransportOptions } from './transportTypes.js';

async function assertLocalRepository(remote: RemoteUrl): Promise<void> {
  const folder = remote.localPath!;
  const stat = await fsp.stat(folder).catch(() => null);
  if (stat === null) throw new NbvError('REMOTE_UNREACHABLE', `no repository at ${folder} (the folder does not exist)`, { file: folder });
  const head = await fsp.stat(path.join(folder, 'HEAD')).catch(() => null);
  const dotGit = await fsp.stat(path.join(folder, '.git')).catch(() => null);
  if (head === null && dotGit === null) throw new NbvError('REMOTE_UNREACHABLE', `${folder} is not a git repository`, { file: folder });
}

/** The remote's refs that travel (branches, tags, settings), by full name. */
export async function listRemoteRefs(remote: RemoteUrl, options: TransportOptions): Promise<Map<string, string>> {
  if (remote.kind === 'http') return httpList(remote.url, options);
  if (remote.kind === 'local') await assertLocalRepository(remote);
  return gitList(remote, options);
}

/** Brings every object the advertised refs reach into `gitdir`; writes no ref. Returns the refs
 * as they were when the objects were sent (the remote may have moved since the listing). */
export async function fetchObjects(gitdir: string, remote: RemoteUrl, advertised: Map<string, string>, options: TransportOptions): Promise<Map<string, string>> {
  if (remote.kind === 'http') return httpFetch(gitdir, remote.url, advertised, options);
  return gitFetch(gitdir, remote, advertised, options);
}

export async function pushRefs(gitdir: string, remote: RemoteUrl, updates: PushUpdate[], options: TransportOptions): Promise<void> {
  if (remote.kind === 'http') return httpPush(gitdir, remote.url, updates, options);
  return gitPush(gitdir, remote, updates, options);
}

/** A local remote whose folder does not exist yet is started as an empty bare repository, the
 * way a shared drive is usually first used; false when there was one already. */
export async function startLocalRepository(remote: RemoteUrl, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (remote.kind !== 'local') return false;
  const folder = remote.localPath!;
  if ((await fsp.stat(folder).catch(() => null)) !== null) return false;
  if ((await fsp.stat(path.dirname(folder)).catch(() => null)) === null) {
    throw new NbvError('REMOTE_UNREACHABLE', `cannot start a repository at ${folder}: its parent folder does not exist`, { file: folder });
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['init', '--bare', '--quiet', folder], { env, stdio: 'ignore' });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new NbvError('GIT_MISSING', `local-folder remotes need the git program, which is not installed here`) : err),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new NbvError('IO', `git init --bare ${scrubUrl(folder)} failed (exit ${code})`, { file: folder }))));
  });
  return true;
}

export { parseRemoteUrl, scrubUrl, type RemoteUrl, type RemoteKind } from './remoteUrl.js';
export { CONFIG_REF, type PushUpdate, type TransportOptions, type TransferProgress } from './transportTypes.js';
export { listRemoteEntries, findRemoteEntry, addRemoteEntry, removeRemoteEntry, assertRemoteName, type RemoteEntry } from './remoteConfig.js';
