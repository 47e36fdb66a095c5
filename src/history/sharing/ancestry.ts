// How two heads of one workflow relate: the same, one ahead of the other, or diverged from a
// common state. Walks every parent, so merges count as they should.
import type { Project } from '../project.js';

/** Every commit reachable from `head` (itself included). */
export async function ancestors(project: Project, head: string, stopAt?: ReadonlySet<string>): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [head];
  while (queue.length > 0) {
    const oid = queue.pop()!;
    if (seen.has(oid) || stopAt?.has(oid)) continue;
    seen.add(oid);
    if (!(await project.store.hasObject(oid))) continue;
    queue.push(...(await project.store.readCommit(oid)).parents);
  }
  return seen;
}

export async function isAncestor(project: Project, maybe: string, of: string): Promise<boolean> {
  if (maybe === of) return true;
  return (await ancestors(project, of)).has(maybe);
}

export interface Relation {
  kind: 'same' | 'ahead' | 'behind' | 'diverged';
  /** Commits ours has that theirs lacks, and the other way round. */
  ahead: number;
  behind: number;
  /** The newest common state (first found walking ours newest first); null when none. */
  base: string | null;
}

export async function relate(project: Project, ours: string, theirs: string): Promise<Relation> {
  if (ours === theirs) return { kind: 'same', ahead: 0, behind: 0, base: ours };
  const oursAll = await ancestors(project, ours);
  const theirsAll = await ancestors(project, theirs);
  const ahead = [...oursAll].filter((c) => !theirsAll.has(c)).length;
  const behind = [...theirsAll].filter((c) => !oursAll.has(c)).length;
  let base: string | null = null;
  // Breadth first from ours: the first common commit is the nearest.
  const queue = [ours];
  const seen = new Set<string>();
  while (queue.length > 0 && base === null) {
    const oid = queue.shift()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    if (theirsAll.has(oid)) base = oid;
    else if (await project.store.hasObject(oid)) queue.push(...(await project.store.readCommit(oid)).parents);
  }
  const kind = behind === 0 ? 'ahead' : ahead === 0 ? 'behind' : 'diverged';
  return { kind, ahead, behind, base };
}
