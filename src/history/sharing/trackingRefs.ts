// What nbv last saw on each remote, kept as refs in the store: branches where git keeps them
// (refs/remotes/<remote>/<branch>, so `git --git-dir=.nbv log --all` shows them), and the
// remote's tags and settings under refs/nbv-remote/<remote>/ (git has no place for a remote's
// tags that cannot clash with ours; a version both sides made must not).
import { CONFIG_REF } from '../../store/index.js';
import type { Project } from '../project.js';

const trackingPrefix = (remote: string) => `refs/remotes/${remote}/`;
const nbvPrefix = (remote: string) => `refs/nbv-remote/${remote}/`;

/** The local ref that mirrors the remote's ref `ref` (a full name as the remote has it). */
export function trackingRefFor(remote: string, ref: string): string | null {
  if (ref.startsWith('refs/heads/')) return trackingPrefix(remote) + ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/tags/')) return `${nbvPrefix(remote)}tags/${ref.slice('refs/tags/'.length)}`;
  if (ref === CONFIG_REF) return `${nbvPrefix(remote)}config`;
  return null;
}

/** The remote's refs as last fetched or pushed: remote full name -> oid. */
export async function readTracking(project: Project, remote: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await project.store.listRefs(trackingPrefix(remote))) {
    if (r.ref.endsWith('/HEAD')) continue;
    out.set(`refs/heads/${r.ref.slice(trackingPrefix(remote).length)}`, r.oid);
  }
  for (const r of await project.store.listRefs(nbvPrefix(remote))) {
    const rest = r.ref.slice(nbvPrefix(remote).length);
    if (rest.startsWith('tags/')) out.set(`refs/tags/${rest.slice('tags/'.length)}`, r.oid);
    else if (rest === 'config') out.set(CONFIG_REF, r.oid);
  }
  return out;
}

/** Makes the tracking refs say `refs` (refs the remote no longer has are dropped). Hold the lock. */
export async function writeTracking(project: Project, remote: string, refs: Map<string, string>): Promise<void> {
  const current = await readTracking(project, remote);
  for (const [ref, oid] of refs) {
    const local = trackingRefFor(remote, ref);
    if (local === null || current.get(ref) === oid) continue;
    await project.store.updateRef(local, oid, current.get(ref) ?? null);
  }
  for (const [ref, oid] of current) {
    const local = trackingRefFor(remote, ref);
    if (!refs.has(ref) && local !== null) await project.store.deleteRef(local, oid);
  }
}

/** Drops every tracking ref of `remote` (it was removed). Hold the lock. */
export async function dropTracking(project: Project, remote: string): Promise<void> {
  await writeTracking(project, remote, new Map());
}
