// `nbv push [REMOTE]`: every workflow's branch and version tags and the settings, sent to the
// remote. It never rewrites what the remote has: each branch must descend from the remote's,
// a version tag the remote has must be ours already, and the remote must still hold what we
// based the push on (compare-and-swap on the wire). Anything else is refused: "pull first".
import { NbvError } from '../errors.js';
import { CONFIG_REF, listRemoteRefs, pushRefs, startLocalRepository, type PushUpdate, type TransferProgress } from '../store/index.js';
import { underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { workflowOfBranchRef } from '../history/history.js';
import { isAncestor } from '../history/sharing/ancestry.js';
import { assertNoMerge } from '../history/sharing/mergeState.js';
import { resolveRemote } from '../history/sharing/remoteState.js';
import { recordConfig } from '../history/sharing/sharedConfig.js';
import { readTracking, writeTracking } from '../history/sharing/trackingRefs.js';

export interface PushOptions {
  remote?: string;
  onProgress?: (progress: TransferProgress) => void;
}

export interface PushResult {
  remote: string;
  url: string;
  /** True when the remote was empty (or a new folder) and this push started it. */
  started: boolean;
  updated: Array<{ ref: string; from: string | null; to: string }>;
}

function refused(what: string, shown: string): NbvError {
  return new NbvError('REMOTE_REJECTED', `${what} on ${shown} has states this project does not have; pull first ('nbv pull'), then push`);
}

export async function push(project: Project, options: PushOptions = {}): Promise<PushResult> {
  return underLock(project, async () => {
    await assertNoMerge(project, 'pushing');
    const handle = await resolveRemote(project, options.remote);
    const env = project.context.env ?? process.env;
    const transport = { env, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
    const startedFolder = await startLocalRepository(handle.remote, env);
    await recordConfig(project, 'the project settings as pushed');
    const remote = await listRemoteRefs(handle.remote, transport);
    if (remote.size > 0 && !remote.has(CONFIG_REF)) {
      throw new NbvError('NOT_AN_NBV_REMOTE', `${handle.shown} is a git repository that holds something else than an nbv project; push to an empty repository`);
    }
    const heads: PushUpdate[] = [];
    const tags: PushUpdate[] = [];
    const config: PushUpdate[] = [];
    for (const local of [...(await project.store.listRefs('refs/heads/')), ...(await project.store.listRefs(CONFIG_REF))]) {
      const theirs = remote.get(local.ref) ?? null;
      if (theirs === local.oid) continue;
      const what = local.ref === CONFIG_REF ? 'the project settings' : `workflow ${workflowOfBranchRef(local.ref)}`;
      if (theirs !== null && !((await project.store.hasObject(theirs)) && (await isAncestor(project, theirs, local.oid)))) throw refused(what, handle.shown);
      (local.ref === CONFIG_REF ? config : heads).push({ ref: local.ref, oid: local.oid, expectedOld: theirs });
    }
    for (const local of await project.store.listRefs('refs/tags/')) {
      const theirs = remote.get(local.ref) ?? null;
      if (theirs === local.oid) continue;
      if (theirs !== null) throw refused(`version ${local.ref.slice('refs/tags/'.length)}`, handle.shown);
      tags.push({ ref: local.ref, oid: local.oid, expectedOld: null });
    }
    // Branches first, so a tag never reaches the remote before the history it marks.
    const updates = [...heads, ...tags, ...config];
    if (updates.length > 0) await pushRefs(project.gitdir, handle.remote, updates, transport);
    const now = new Map(remote);
    for (const u of updates) now.set(u.ref, u.oid);
    // Remember what the remote holds now, keeping what was known of refs not listed.
    const tracked = await readTracking(project, handle.name);
    for (const [ref, oid] of now) tracked.set(ref, oid);
    const keep = new Map<string, string>();
    for (const [ref, oid] of tracked) if (now.has(ref) && (await project.store.hasObject(oid))) keep.set(ref, oid);
    await writeTracking(project, handle.name, keep);
    return {
      remote: handle.name,
      url: handle.shown,
      started: startedFolder || remote.size === 0,
      updated: updates.map((u) => ({ ref: u.ref, from: u.expectedOld, to: u.oid })),
    };
  });
}
