// `nbv remote add|remove|list`: the remotes of the project, kept in the store's git config the
// way git keeps them (so `git --git-dir=.nbv remote -v` agrees).
import { addRemoteEntry, assertRemoteName, listRemoteEntries, parseRemoteUrl, removeRemoteEntry, scrubUrl, type RemoteKind } from '../store/index.js';
import { underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { dropTracking } from '../history/sharing/trackingRefs.js';

export interface RemoteInfo {
  name: string;
  /** The address without credentials. */
  url: string;
  kind: RemoteKind;
}

export async function addRemote(project: Project, name: string, url: string): Promise<RemoteInfo> {
  assertRemoteName(name);
  const remote = parseRemoteUrl(url, process.cwd());
  return underLock(project, async () => {
    await addRemoteEntry(project.gitdir, name, remote.url);
    return { name, url: scrubUrl(remote.url), kind: remote.kind };
  });
}

export async function removeRemote(project: Project, name: string): Promise<void> {
  await underLock(project, async () => {
    await removeRemoteEntry(project.gitdir, name);
    await dropTracking(project, name);
  });
}

export async function listRemotes(project: Project): Promise<RemoteInfo[]> {
  return (await listRemoteEntries(project.gitdir)).map((e) => {
    let kind: RemoteKind = 'local';
    try {
      kind = parseRemoteUrl(e.url, project.root).kind;
    } catch {
      // a hand-edited address nbv cannot use: listed anyway, as git lists it
    }
    return { name: e.name, url: scrubUrl(e.url), kind };
  });
}
