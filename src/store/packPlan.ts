// What goes into a pack, and in which order: objects are walked from every ref, newest first, so
// that each version of a file meets the newer versions it can be stored as a delta against.
// Nothing here reads a blob: the writer (pack.ts) reads them one tree at a time.
import { NbvError } from '../errors.js';
import { parseCommit } from './gitFormat.js';
import type { ObjectType } from './packFormat.js';
import { listRefs, readRef } from './refs.js';

export interface Loaded {
  type: ObjectType;
  bytes: Uint8Array;
}

/** A blob to pack and its delta group: the name it has in its tree, digits ignored. */
export interface PlannedBlob {
  oid: string;
  group: string;
}

export interface PackPlan {
  /** Commits and tags, history order, newest first: stored whole. */
  commits: string[];
  /** Trees in the same order: each a delta against the one before when that pays. */
  trees: string[];
  /** Per tree, newest first, the blobs first met there: siblings are each other's candidate bases. */
  blobsByTree: PlannedBlob[][];
  /** Objects no ref reaches (kept all the same), sorted: stored whole. */
  unreachable: string[];
}

/** Tree entries: (mode, name, oid). */
export function treeEntries(bytes: Uint8Array): Array<{ mode: string; name: string; oid: string }> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const nul = buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) break;
    out.push({ mode: buf.toString('latin1', at, space), name: buf.toString('utf8', space + 1, nul), oid: buf.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return out;
}

export async function planPack(gitdir: string, wanted: Set<string>, read: (oid: string) => Loaded): Promise<PackPlan> {
  const commits: string[] = [];
  const trees: string[] = [];
  const blobsByTree: PlannedBlob[][] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  const head = await readRef(gitdir, 'HEAD').catch(() => null);
  const refs = await listRefs(gitdir, 'refs/');
  // Branches are walked first (popped last-pushed first): tags mostly point into them.
  const tips = [...refs.filter((r) => !r.ref.startsWith('refs/heads/')), ...refs.filter((r) => r.ref.startsWith('refs/heads/'))];
  for (const oid of [...tips.map((r) => r.oid), ...(head ? [head] : [])]) stack.push(oid);
  const visitTree = (oid: string, prefix: string): void => {
    if (seen.has(oid) || !wanted.has(oid)) return;
    seen.add(oid);
    trees.push(oid);
    const blobs: PlannedBlob[] = [];
    for (const entry of treeEntries(read(oid).bytes)) {
      if (entry.mode === '40000') visitTree(entry.oid, `${prefix}${entry.name}/`);
      else if (entry.mode !== '160000' && wanted.has(entry.oid) && !seen.has(entry.oid)) {
        seen.add(entry.oid);
        // Names that differ only in digits are taken as versions of one file (XYZG3-V0-3.nbflow
        // after a bump is XYZG3-V0-4.nbflow): they share a delta chain.
        blobs.push({ oid: entry.oid, group: `${prefix}${entry.name.replace(/[0-9]+/g, '#')}` });
      }
    }
    if (blobs.length) blobsByTree.push(blobs);
  };
  while (stack.length) {
    const oid = stack.pop()!;
    if (seen.has(oid) || !wanted.has(oid)) continue;
    const object = read(oid);
    if (object.type === 'tag') {
      seen.add(oid);
      commits.push(oid);
      const target = /^object ([0-9a-f]{40})$/m.exec(Buffer.from(object.bytes).toString('latin1'));
      if (target) stack.push(target[1]!);
      continue;
    }
    if (object.type !== 'commit') continue;
    seen.add(oid);
    commits.push(oid);
    const fields = parseCommit(object.bytes);
    if (fields === null) throw new NbvError('CORRUPT_STORE', `commit ${oid} is malformed`, { file: gitdir });
    visitTree(fields.tree, '');
    // Parents pushed last-first so the first parent is walked next: history order, newest first.
    for (const parent of [...fields.parents].reverse()) stack.push(parent);
  }
  const unreachable = [...wanted].filter((oid) => !seen.has(oid)).sort();
  return { commits, trees, blobsByTree, unreachable };
}
