// `nbv resolve [WORKFLOW] --node ID [--field PATH] (--ours | --theirs)`: settles conflicts of a
// waiting merge, node by node or field by field, and rewrites the working file accordingly.
import fs from 'node:fs/promises';
import { NbvError } from '../errors.js';
import { hashBlob } from '../store/index.js';
import { readEntry, readStateBytes } from '../history/history.js';
import { materializeFile } from '../history/journal.js';
import { underLock } from '../history/mutation.js';
import { absolutePath, type Project } from '../history/project.js';
import { readMergeState, writeMergeState, type StoredConflict } from '../history/sharing/mergeState.js';
import { remerge } from '../history/sharing/resolveConflict.js';

export interface ResolveOptions {
  workflow?: string;
  node: string;
  field?: string;
  side: 'ours' | 'theirs';
}

export interface ResolveResult {
  workflow: string;
  settled: StoredConflict[];
  remaining: StoredConflict[];
}

export async function resolve(project: Project, options: ResolveOptions): Promise<ResolveResult> {
  return underLock(project, async () => {
    const state = await readMergeState(project);
    if (state === null) throw new NbvError('NO_MERGE', `no merge is in progress; nothing to resolve`);
    const candidates = options.workflow === undefined ? state.pending : state.pending.filter((p) => p.workflow === options.workflow);
    if (candidates.length !== 1) {
      throw new NbvError(candidates.length === 0 ? 'UNKNOWN_WORKFLOW' : 'AMBIGUOUS_WORKFLOW', `conflicts wait in ${state.pending.map((p) => p.workflow).join(', ')}; name one`);
    }
    const pending = candidates[0]!;
    const field = options.field === undefined ? undefined : options.field.startsWith('/') ? options.field : `/${options.field}`;
    const hits = pending.conflicts.filter((c) => (c.node ?? c.tab) === options.node && (field === undefined || c.field === field));
    if (hits.length === 0) {
      const list = pending.conflicts.map((c) => `${c.node ?? c.tab ?? 'document'}${c.field}`).join(', ');
      throw new NbvError('NO_MATCH', `no conflict at ${options.node}${field ?? ''} in ${pending.workflow} (conflicts: ${list})`);
    }
    const current = new Uint8Array(await fs.readFile(absolutePath(project, pending.file)).catch(() => Buffer.alloc(0)));
    if (hashBlob(current) !== pending.writtenBlob) {
      throw new NbvError('BAD_USAGE', `was edited by hand since the pull; 'nbv merge --continue' records it as it is, or 'nbv merge --abort'`, { file: pending.file });
    }
    for (const c of hits) c.resolved = options.side;
    const [base, ours, theirs] = await Promise.all([
      pending.base === null ? Promise.resolve(new TextEncoder().encode('{"tabs":[]}')) : readEntry(project, pending.base).then((e) => readStateBytes(project, e)),
      readEntry(project, pending.ours).then((e) => readStateBytes(project, e)),
      readEntry(project, pending.theirs).then((e) => readStateBytes(project, e)),
    ]);
    const result = remerge(base, ours, theirs, pending.conflicts, project.config);
    const blob = hashBlob(result.bytes);
    await materializeFile(project, { path: pending.file, blob, replaceable: [pending.writtenBlob] }, result.bytes);
    pending.writtenBlob = blob;
    await writeMergeState(project, state);
    return { workflow: pending.workflow, settled: hits, remaining: pending.conflicts.filter((c) => !c.resolved) };
  });
}
