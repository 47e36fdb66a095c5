// Taking a remote's history of one workflow into ours: a fast-forward when ours has nothing the
// remote lacks, else a three-way merge commit (parents: ours, theirs; patch from ours; op record
// `merge` naming theirs and its chain hash). On conflicts the working file gets the merged
// document with our values at the conflicting places and the merge waits in nbv-merge.json.
import { NbvError } from '../../errors.js';
import { mergeNbflow, type MergeConflict } from '../../merging/index.js';
import { hashBlob } from '../../store/index.js';
import { parseNbflow } from '../../nbflow/index.js';
import { branchRef, readEntry, readStateBytes, versionTagName, type HistoryEntry } from '../history.js';
import { materializeFile, runJournaled } from '../journal.js';
import type { Project } from '../project.js';
import { recordState } from '../record.js';
import type { PendingMerge } from './mergeState.js';

const versionKey = (v: string) => {
  const m = /^V(\d+)-(\d+)$/.exec(v);
  return m ? Number(m[1]) * 1e9 + Number(m[2]) : -1;
};

/** Creates the remote's tags of `workflow` that we lack; a tag we hold elsewhere is left (noted). */
export async function adoptRemoteTags(project: Project, workflow: string, tags: Map<string, string>, notes: string[]): Promise<void> {
  const prefix = versionTagName(workflow, '');
  for (const [name, oid] of tags) {
    if (!name.startsWith(prefix)) continue;
    const have = await project.store.resolveRef(`refs/tags/${name}`);
    if (have === null) await project.store.createTag(name, oid);
    else if (have !== oid) notes.push(`version tag ${name} differs from the remote's; kept ours`);
  }
}

/** Moves our branch to the remote's head, bringing the working file along. */
export async function fastForward(project: Project, ours: HistoryEntry, theirs: string): Promise<HistoryEntry> {
  const target = await readEntry(project, theirs);
  const writes = [{ path: target.op.file, blob: target.fileBlob, replaceable: [ours.fileBlob] }];
  const deletes = target.op.file !== ours.op.file ? [{ path: ours.op.file, removable: [ours.fileBlob, target.fileBlob] }] : [];
  await runJournaled(project, { format: 'nbv-journal/1', ref: branchRef(ours.op.workflow), oldOid: ours.commit, newOid: theirs, tags: [], writes, deletes }, new Map());
  return target;
}

export type MergeOutcome =
  | { clean: true; entry: HistoryEntry; taken: number }
  | { clean: false; pending: PendingMerge; conflicts: MergeConflict[] };

/** Where the merge is written: the newer version of the two sides, with its file name. */
function mergedTarget(ours: HistoryEntry, theirs: HistoryEntry): { version: string; file: string; retire: string | null } {
  const side = versionKey(theirs.op.version) > versionKey(ours.op.version) ? theirs : ours;
  return { version: side.op.version, file: side.op.file, retire: side.op.file === ours.op.file ? null : ours.op.file };
}

export async function mergeWorkflow(project: Project, ours: HistoryEntry, theirsOid: string, base: string | null, remote: string): Promise<MergeOutcome> {
  const theirs = await readEntry(project, theirsOid);
  const workflow = ours.op.workflow;
  const baseEntry = base === null ? null : await readEntry(project, base);
  const [baseBytes, oursBytes, theirsBytes] = await Promise.all([
    baseEntry === null ? Promise.resolve(new TextEncoder().encode('{"tabs":[]}')) : readStateBytes(project, baseEntry),
    readStateBytes(project, ours),
    readStateBytes(project, theirs),
  ]);
  const result = mergeNbflow(baseBytes, oursBytes, theirsBytes, project.config, {
    labels: { base: `common state ${base?.slice(0, 7) ?? '(none)'}`, ours: `${workflow} ${ours.commit.slice(0, 7)}`, theirs: `${remote}/${workflow} ${theirsOid.slice(0, 7)}` },
  });
  const target = mergedTarget(ours, theirs);
  if (result.clean) {
    const recorded = await recordState(project, {
      workflow,
      parent: ours,
      op: 'merge',
      version: target.version,
      file: target.file,
      parsed: result.merged,
      message: `merge ${remote}/${workflow}`,
      intent: {},
      view: [],
      writeWorkingFile: true,
      ...(target.retire ? { retireFile: target.retire } : {}),
      merge: { theirs: theirsOid, theirsChain: theirs.op.chain?.hash ?? null, base, remote },
    });
    return { clean: true, entry: recorded.entry, taken: result.taken.theirs.length };
  }
  const blob = hashBlob(result.bytes);
  const written = await materializeFile(project, { path: target.file, blob, replaceable: [ours.fileBlob, theirs.fileBlob] }, result.bytes);
  if (!written) {
    throw new NbvError('ALREADY_EXISTS', `holds bytes history does not know; move it away and pull again`, { file: target.file });
  }
  const pending: PendingMerge = {
    workflow,
    ours: ours.commit,
    theirs: theirsOid,
    base,
    file: target.file,
    version: target.version,
    retireFile: target.retire,
    writtenBlob: blob,
    conflicts: result.conflicts.map((c) => ({ ...c })),
  };
  return { clean: false, pending, conflicts: result.conflicts };
}

/** Records a waiting merge from the working file's bytes (checked strictly). */
export async function recordPendingMerge(project: Project, pending: PendingMerge, bytes: Uint8Array, remote: string): Promise<HistoryEntry> {
  const ours = await readEntry(project, pending.ours);
  const theirs = await readEntry(project, pending.theirs);
  const resolved = pending.conflicts.filter((c) => c.resolved).map((c) => ({ node: c.node ?? c.tab ?? '', ...(c.field ? { field: c.field } : {}), side: c.resolved! }));
  const recorded = await recordState(project, {
    workflow: pending.workflow,
    parent: ours,
    op: 'merge',
    version: pending.version,
    file: pending.file,
    parsed: parseNbflow(bytes, pending.file),
    message: `merge ${remote}/${pending.workflow} (${pending.conflicts.length} conflict${pending.conflicts.length === 1 ? '' : 's'} settled)`,
    intent: {},
    view: [],
    writeWorkingFile: false,
    ...(pending.retireFile ? { retireFile: pending.retireFile } : {}),
    merge: { theirs: pending.theirs, theirsChain: theirs.op.chain?.hash ?? null, base: pending.base, remote, ...(resolved.length ? { resolved } : {}) },
  });
  return recorded.entry;
}
