// Version numbers a remote has are never changed. When both sides made the same new version
// (both bumped V0-3 to V0-4), the side that pulls moves its own UNPUSHED versions after the
// remote's (its V0-4 becomes V0-5): its unpushed commits are written again with the new version,
// file name and backups/ names, and everything else they held (bytes, patch, author, time,
// message) as it was. The old commits stay in the store, reachable from
// refs/nbv/renumbered/<workflow>/<old head>, so every state is still restorable by its old id.
// A backups/ name our side used that the other side used for other bytes moves too.
import { alternativePath } from '../../backups/names.js';
import { branchRef, baseName, OP_FILE, PATCH_FILE, readEntry, versionTagName, versionTagPrefix, type HistoryEntry } from '../history.js';
import { encodeOpRecord, type OpRecord } from '../opRecord.js';
import { chainHash } from '../chain.js';
import { runJournaled, type FileDelete, type FileWrite } from '../journal.js';
import type { Project } from '../project.js';
import { ancestors } from './ancestry.js';

export interface Renumbering {
  versions: Array<{ from: string; to: string }>;
  files: Array<{ from: string; to: string }>;
  oldHead: string;
  head: HistoryEntry;
}

const parseVersion = (v: string) => {
  const m = /^V(\d+)-(\d+)$/.exec(v);
  return m ? { major: Number(m[1]), n: Number(m[2]) } : null;
};

/** Our first-parent commits since `base`, oldest first. */
async function ourLine(project: Project, head: string, theirsAll: Set<string>): Promise<HistoryEntry[]> {
  const line: HistoryEntry[] = [];
  for (let oid: string | null = head; oid !== null && !theirsAll.has(oid); ) {
    const entry = await readEntry(project, oid);
    line.push(entry);
    oid = entry.parent;
  }
  return line.reverse();
}

function renameVersionIn(path: string, mapping: Map<string, string>, workflow: string): string {
  for (const [from, to] of mapping) {
    const name = `${workflow}-${from}.nbflow`;
    const i = path.lastIndexOf(name);
    if (i >= 0 && (i === 0 || path[i - 1] === '/')) return path.slice(0, i) + `${workflow}-${to}.nbflow` + path.slice(i + name.length);
  }
  return path;
}

/**
 * Renumbers our unpushed versions of `workflow` that collide with the remote's, and moves our
 * unpushed backups/ names the other side holds other bytes under. Null when nothing collides.
 * Hold the lock; the working file must be recorded (saveUncommitted) first.
 */
export async function renumberUnpushed(project: Project, workflow: string, ours: HistoryEntry, theirs: string, remoteTags: Map<string, string>): Promise<Renumbering | null> {
  const theirsAll = await ancestors(project, theirs);
  const line = await ourLine(project, ours.commit, theirsAll);
  if (line.length === 0) return null;
  const remoteVersions = [...remoteTags.keys()].filter((t) => t.startsWith(versionTagName(workflow, ''))).map((t) => t.slice(versionTagName(workflow, '').length));
  const localTags = await project.store.listRefs(versionTagPrefix(workflow));
  const unpushed = localTags.filter((t) => !theirsAll.has(t.oid)).map((t) => t.ref.slice(versionTagPrefix(workflow).length));
  const mapping = new Map<string, string>();
  const byMajor = new Map<number, string[]>();
  for (const v of unpushed) {
    const p = parseVersion(v);
    if (p) byMajor.set(p.major, [...(byMajor.get(p.major) ?? []), v]);
  }
  for (const [major, versions] of byMajor) {
    const theirMax = Math.max(-1, ...remoteVersions.map(parseVersion).filter((p) => p?.major === major).map((p) => p!.n));
    const ordered = versions.sort((a, b) => parseVersion(a)!.n - parseVersion(b)!.n);
    const firstColliding = ordered.findIndex((v) => parseVersion(v)!.n <= theirMax);
    if (firstColliding < 0) continue;
    let next = theirMax + 1;
    for (const v of ordered.slice(firstColliding)) mapping.set(v, `V${major}-${next++}`);
  }
  // backups/ names the other side's new commits use, with the bytes they hold there
  const theirsView = new Map<string, string>();
  const oursAll = await ancestors(project, ours.commit);
  for (const oid of theirsAll) {
    if (oursAll.has(oid)) continue;
    const entry = await readEntry(project, oid);
    for (const v of entry.op.view) theirsView.set(v.path, v.state === 'self' ? entry.fileBlob : entry.parent ? (await readEntry(project, entry.parent)).fileBlob : '');
  }
  const viewMoves = new Map<string, string>();
  const blobOfView = (entry: HistoryEntry, parentBlob: string | null, state: string) => (state === 'self' ? entry.fileBlob : parentBlob ?? '');
  for (const [i, entry] of line.entries()) {
    const parentBlob = i === 0 ? (entry.parent ? (await readEntry(project, entry.parent)).fileBlob : null) : line[i - 1]!.fileBlob;
    for (const v of entry.op.view) {
      const renamed = renameVersionIn(v.path, mapping, workflow);
      const blob = blobOfView(entry, parentBlob, v.state);
      let target = renamed;
      for (let n = 2; theirsView.has(target) && theirsView.get(target) !== blob; n++) target = alternativePath(renamed, n);
      if (target !== v.path) viewMoves.set(`${entry.commit}\0${v.path}`, target);
    }
  }
  if (mapping.size === 0 && viewMoves.size === 0) return null;

  // Write the line again, oldest first, each on the one before.
  let parent: HistoryEntry | null = line[0]!.parent ? await readEntry(project, line[0]!.parent) : null;
  const files: Renumbering['files'] = [];
  const writes: FileWrite[] = [];
  const deletes: FileDelete[] = [];
  const seenVersions = new Set<string>();
  let parentBlob: string | null = parent?.fileBlob ?? null;
  for (const entry of line) {
    const op: OpRecord = structuredClone(entry.op);
    const to = mapping.get(op.version);
    if (to !== undefined) {
      if (!seenVersions.has(op.version)) op.renumbered = [{ from: op.version, to }];
      seenVersions.add(op.version);
      op.version = to;
      op.file = renameVersionIn(op.file, mapping, workflow);
    }
    op.view = op.view.map((v) => {
      const target = viewMoves.get(`${entry.commit}\0${v.path}`);
      if (target === undefined) return v;
      const blob = blobOfView(entry, parentBlob, v.state);
      files.push({ from: v.path, to: target });
      writes.push({ path: target, blob, replaceable: [] });
      deletes.push({ path: v.path, removable: [blob] });
      return { ...v, path: target };
    });
    const seq = op.chain?.seq ?? 1;
    const prev = parent?.op.chain?.hash ?? null;
    op.chain = { seq, prev, hash: chainHash(op, seq, prev) };
    const tree = await project.store.writeTree({
      [baseName(op.file)]: entry.fileBlob,
      [OP_FILE]: await project.store.writeBlob(encodeOpRecord(op)),
      [PATCH_FILE]: entry.patchBlob,
    });
    const [first, ...rest] = entry.stored.message.split('\n');
    const message = [first!.replace(`${entry.op.op} ${workflow} ${entry.op.version}: `, `${op.op} ${workflow} ${op.version}: `), ...rest].join('\n');
    const commit = await project.store.writeCommit({
      tree,
      parents: [...(parent ? [parent.commit] : []), ...entry.stored.parents.slice(1)],
      message,
      author: entry.stored.author,
      committer: entry.stored.committer,
    });
    parentBlob = entry.fileBlob;
    parent = await readEntry(project, commit);
  }
  const head = parent!;
  const oldHead = ours.commit;
  await project.store.updateRef(`refs/nbv/renumbered/${versionTagName(workflow, oldHead)}`, oldHead, null);
  if (head.op.file !== ours.op.file) {
    writes.unshift({ path: head.op.file, blob: head.fileBlob, replaceable: [] });
    deletes.push({ path: ours.op.file, removable: [ours.fileBlob] });
    files.unshift({ from: ours.op.file, to: head.op.file });
  }
  // The new versions' tags mark their first commits, as every version tag does.
  const tags: Array<{ name: string; oid: string }> = [];
  for (let e: HistoryEntry | null = head; e !== null && !theirsAll.has(e.commit); e = e.parent ? await readEntry(project, e.parent) : null) {
    if ([...mapping.values()].includes(e.op.version)) {
      const idx = tags.findIndex((t) => t.name === versionTagName(workflow, e!.op.version));
      if (idx >= 0) tags.splice(idx, 1);
      tags.push({ name: versionTagName(workflow, e.op.version), oid: e.commit });
    }
  }
  for (const from of mapping.keys()) {
    const ref = `refs/tags/${versionTagName(workflow, from)}`;
    const oid = await project.store.resolveRef(ref);
    if (oid !== null && !theirsAll.has(oid)) await project.store.deleteRef(ref, oid);
  }
  const known = new Map<string, Uint8Array>();
  await runJournaled(project, { format: 'nbv-journal/1', ref: branchRef(workflow), oldOid: oldHead, newOid: head.commit, tags, writes, deletes }, known);
  return { versions: [...mapping].map(([from, to]) => ({ from, to })), files, oldHead, head };
}
