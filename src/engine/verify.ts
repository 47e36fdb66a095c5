// `nbv verify`: the audit trail's proof. Every object is looked up and rehashed, every op record
// validated against its commit and chained to its parent's (chain.ts), every patch replayed, every
// version tag checked against the first commit of its version, and the backups/ view against
// history. What this proves and what it cannot: docs/audit.md.
import { gitAuxProblems, HASH_MISMATCH, hashBlob } from '../store/index.js';
import { parseNbflow, type NbflowDocument } from '../nbflow/index.js';
import { applyPatchToClone, canonicalJson, sha256Hex } from '../json/index.js';
import { isNbvError } from '../errors.js';
import { checkBackups } from '../history/backupsCheck.js';
import { checkLink } from '../history/chain.js';
import { momentFromIso } from '../history/clock.js';
import { branchRef, readEntry, readPatch, readStateBytes, versionTagPrefix, type HistoryEntry } from '../history/history.js';
import { JOURNAL_META } from '../history/journal.js';
import type { Project } from '../history/project.js';
import { listWorkflowNames } from '../history/workflows.js';

export interface VerifyProblem {
  workflow: string | null;
  commit: string | null;
  /** object-missing, object-hash, unreadable, chain, commit-header, patch, sha256, tag, backup-missing,
   * backup-altered, anchor, ... */
  code: string;
  detail: string;
}

/** What a user keeps elsewhere to detect a later rewrite of the whole store (docs/audit.md). */
export interface VerifyHead {
  workflow: string;
  commit: string;
  /** Position of the head in its branch, 1 for the first commit. */
  seq: number;
  /** The head's chain hash; null for a history recorded before chains. */
  chain: string | null;
}

/** A head once printed by verify: `WORKFLOW@SEQ:HASH`. */
export interface VerifyAnchor {
  workflow: string;
  seq: number;
  hash: string;
}

export interface VerifyOptions {
  anchors?: VerifyAnchor[];
}

export interface VerifyReport {
  ok: boolean;
  workflows: number;
  commits: number;
  objects: number;
  tags: number;
  problems: VerifyProblem[];
  /** Findings that are not tampering: files in backups/ history does not know, a view not checked. */
  notes: string[];
  heads: VerifyHead[];
}

type Report = (code: string, detail: string) => void;

const VERSION_CHANGING_OPS = new Set(['track', 'bump', 'undo', 'import', 'merge']);

/** Sorts a store error into "the object is gone" and "the object is not what its id says". */
function objectProblem(err: unknown, what: string): [string, string] {
  const message = isNbvError(err) ? err.message : String(err);
  const kind = isNbvError(err) ? err.details['kind'] : undefined;
  if (kind === 'NotFoundError' || /could not find|not found|ENOENT/i.test(message)) return ['object-missing', `${what}: ${message}`];
  // isomorphic-git's fallback read path names a hash mismatch only in its message.
  if (kind === HASH_MISMATCH || /SHA check failed/i.test(message)) return ['object-hash', `${what} was edited on disk: its content does not hash to its id`];
  return ['unreadable', `${what}: ${message}`];
}

async function checkBlob(project: Project, what: string, oid: string, problem: Report): Promise<boolean> {
  if (!(await project.store.hasObject(oid))) {
    problem('object-missing', `${what} blob ${oid} is missing from the store`);
    return false;
  }
  try {
    if (hashBlob(await project.store.readBlob(oid)) === oid) return true;
    problem('object-hash', `${what} blob ${oid} does not hash to its id`);
  } catch (err) {
    problem(...objectProblem(err, `${what} blob ${oid}`));
  }
  return false;
}

/** The commit's own header and message against its op record: an edit of either shows. */
function checkHeader(entry: HistoryEntry, problem: Report): void {
  const { op, stored } = entry;
  const author = stored.author;
  if (author.name !== op.author.name || author.email !== op.author.email) {
    problem('commit-header', `commit author ${author.name} <${author.email}> is not op.json's ${op.author.name} <${op.author.email}>`);
  }
  try {
    const moment = momentFromIso(op.time);
    if (author.timestamp !== moment.timestamp || author.timezoneOffset !== moment.timezoneOffset) {
      problem('commit-header', `commit time differs from op.json's ${op.time}`);
    }
  } catch {
    problem('commit-header', `op.json time ${op.time} is not a valid time`);
  }
  const firstLine = stored.message.split('\n')[0] ?? '';
  const userLine = op.message.split('\n')[0]!.trim();
  if (!firstLine.startsWith(`${op.op} ${op.workflow} ${op.version}: `) || (userLine !== '' && !firstLine.endsWith(userLine))) {
    problem('commit-header', `commit message "${firstLine}" does not describe op.json's ${op.op} ${op.version}`);
  }
}

async function verifyEntry(
  project: Project,
  workflow: string,
  entry: HistoryEntry,
  /** 'unknown' when the parent could not be read (already reported): no patch to replay against. */
  parentDoc: NbflowDocument | null | 'unknown',
  parentEntry: HistoryEntry | null,
  problem: Report,
): Promise<NbflowDocument | 'unknown'> {
  const blobs: Array<[string, string]> = [['file', entry.fileBlob], ['op.json', entry.opBlob], ['patch.json', entry.patchBlob]];
  let whole = true;
  for (const [what, oid] of blobs) whole = (await checkBlob(project, what, oid, problem)) && whole;
  const isMerge = entry.stored.parents.length === 2 && entry.op.op === 'merge' && entry.op.merge?.theirs === entry.stored.parents[1];
  if (entry.stored.parents.length > 1 && !isMerge) problem('not-linear', `has ${entry.stored.parents.length} parents without a merge record naming the second`);
  const { op } = entry;
  if (op.workflow !== workflow) problem('wrong-branch', `op.json names workflow ${op.workflow}`);
  if (!op.file.endsWith(entry.treeFileName)) problem('file-name', `op.json names ${op.file} but the tree holds ${entry.treeFileName}`);
  checkHeader(entry, problem);
  if (parentEntry && op.version !== parentEntry.op.version && !VERSION_CHANGING_OPS.has(op.op)) {
    problem('version', `a ${op.op} changed the version ${parentEntry.op.version} -> ${op.version}`);
  }
  if (!whole) return 'unknown';
  const bytes = await readStateBytes(project, entry);
  if (sha256Hex(bytes) !== op.sha256) problem('sha256', `the file's sha256 differs from op.json's (the state was replaced)`);
  let doc: NbflowDocument;
  try {
    doc = parseNbflow(bytes, op.file).doc;
  } catch (err) {
    problem('document', isNbvError(err) ? err.message : String(err));
    return 'unknown';
  }
  if (parentDoc === 'unknown') return doc;
  try {
    const patched = applyPatchToClone(parentDoc ?? {}, (await readPatch(project, entry)) as never);
    // Compared as JSON values: a patch is JSON, in which -0 and 0 are the same number.
    if (canonicalJson(patched) !== canonicalJson(doc)) problem('patch', `parent + patch.json does not equal the recorded document`);
  } catch (err) {
    problem('patch', `patch.json does not apply to the parent: ${(err as Error).message}`);
  }
  return doc;
}

/** The branch oldest first; stops (with a problem) at the first commit that cannot be read. */
async function readBranch(project: Project, workflow: string, head: string, problems: VerifyProblem[]): Promise<HistoryEntry[]> {
  const chain: HistoryEntry[] = [];
  for (let oid: string | null = head; oid !== null; ) {
    try {
      if (!(await project.store.hasObject(oid))) {
        problems.push({ workflow, commit: oid, code: 'object-missing', detail: `commit ${oid} is missing from the store; older history cannot be read` });
        break;
      }
      const entry = await readEntry(project, oid);
      chain.push(entry);
      oid = entry.parent;
    } catch (err) {
      const [code, detail] = objectProblem(err, `commit ${oid}`);
      problems.push({ workflow, commit: oid, code, detail });
      break;
    }
  }
  return chain.reverse();
}

export async function verify(project: Project, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const notes: string[] = [];
  const heads: VerifyHead[] = [];
  let commits = 0;
  const seen = new Set<string>();
  const names = await listWorkflowNames(project);
  for (const workflow of names) {
    const head = await project.store.resolveRef(branchRef(workflow));
    if (!head) continue;
    const chain = await readBranch(project, workflow, head, problems);
    const verified = new Map<string, HistoryEntry>();
    // One line of first parents, oldest first, after `start` (verified already; null: a root).
    const verifyLine = async (line: HistoryEntry[], start: HistoryEntry | null, startDoc: NbflowDocument | null | 'unknown'): Promise<void> => {
      let parentDoc: NbflowDocument | null | 'unknown' = line[0]?.parent && start === null ? 'unknown' : startDoc;
      let parentEntry: HistoryEntry | null = start;
      let chainedBefore = start?.op.chain !== undefined;
      const complete = start !== null || line[0]?.parent === null;
      const startSeq = start === null ? 0 : (start.op.chain?.seq ?? 0);
      for (const [index, entry] of line.entries()) {
        commits++;
        verified.set(entry.commit, entry);
        [entry.commit, entry.stored.tree, entry.fileBlob, entry.opBlob, entry.patchBlob].forEach((o) => seen.add(o));
        const problem: Report = (code, detail) => problems.push({ workflow, commit: entry.commit, code, detail });
        // A history whose oldest commits are unreadable has no known position: only the links count.
        const position = complete ? startSeq + index + 1 : (entry.op.chain?.seq ?? index + 1);
        const previous = complete || index > 0 ? (parentEntry?.op ?? null) : 'unknown';
        for (const p of checkLink(entry.op, position, previous, chainedBefore)) problem(p.code, p.detail);
        chainedBefore ||= entry.op.chain !== undefined;
        try {
          parentDoc = await verifyEntry(project, workflow, entry, parentDoc, parentEntry, problem);
        } catch (err) {
          problem(...objectProblem(err, 'state'));
          parentDoc = 'unknown';
        }
        parentEntry = entry;
      }
    };
    await verifyLine(chain, null, null);
    // The other sides of merges: each walked back to a commit verified already.
    const queue = chain.filter((e) => e.op.op === 'merge' && e.stored.parents.length === 2);
    while (queue.length > 0) {
      const merge = queue.shift()!;
      const side: HistoryEntry[] = [];
      let stop: HistoryEntry | null = null;
      try {
        for (let oid: string | null = merge.stored.parents[1]!; oid !== null; ) {
          const known = verified.get(oid);
          if (known) {
            stop = known;
            break;
          }
          const entry = await readEntry(project, oid);
          side.push(entry);
          oid = entry.parent;
        }
      } catch (err) {
        problems.push({ workflow, commit: merge.commit, code: 'object-missing', detail: `the merged side cannot be read: ${isNbvError(err) ? err.message : String(err)}` });
        continue;
      }
      side.reverse();
      const stopDoc = stop === null ? null : await readStateBytes(project, stop).then((b) => parseNbflow(b, stop!.op.file).doc).catch(() => 'unknown' as const);
      await verifyLine(side, stop, stopDoc);
      const theirs = verified.get(merge.stored.parents[1]!);
      if (theirs && merge.op.merge!.theirsChain !== (theirs.op.chain?.hash ?? null)) {
        problems.push({ workflow, commit: merge.commit, code: 'chain', detail: `the merge record names another chain hash for its second parent than that commit's (a side was swapped)` });
      }
      queue.push(...side.filter((e) => e.op.op === 'merge' && e.stored.parents.length === 2));
    }
    const newest = chain[chain.length - 1];
    if (newest && newest.commit === head && newest.op.op === 'import') {
      // An import's states come before its 'track' head; a branch ending in one is an import that
      // was cut short (by an nbv before imports were all-or-nothing): its working file is untracked.
      problems.push({ workflow, commit: head, code: 'import-unfinished', detail: `the history ends in an imported state (${newest.op.file}): the import was interrupted before the working file was tracked` });
    }
    if (newest && newest.commit === head) {
      heads.push({ workflow, commit: head, seq: newest.op.chain?.seq ?? chain.length, chain: newest.op.chain?.hash ?? null });
    }
    problems.push(...(await verifyTags(project, workflow, [...verified.values()])));
    for (const anchor of (options.anchors ?? []).filter((a) => a.workflow === workflow)) {
      problems.push(...checkAnchor(workflow, chain, anchor));
    }
  }
  for (const anchor of options.anchors ?? []) {
    if (!names.includes(anchor.workflow)) {
      problems.push({ workflow: anchor.workflow, commit: null, code: 'anchor', detail: `the anchored workflow ${anchor.workflow} is gone` });
    }
  }
  const tags = (await project.store.listRefs('refs/tags/')).length;
  if ((await project.store.readMeta(JOURNAL_META)) !== null) {
    problems.push({ workflow: null, commit: null, code: 'pending', detail: 'an interrupted operation is pending; the next write command finishes it' });
  }
  for (const detail of await gitAuxProblems(project.gitdir)) problems.push({ workflow: null, commit: null, code: 'git-files', detail });
  await verifyBackups(project, problems, notes);
  return { ok: problems.length === 0, workflows: names.length, commits, objects: seen.size, tags, problems, notes, heads };
}

function checkAnchor(workflow: string, chain: HistoryEntry[], anchor: VerifyAnchor): VerifyProblem[] {
  const entry = chain.find((e) => e.op.chain?.seq === anchor.seq);
  if (!entry) {
    return [{ workflow, commit: null, code: 'anchor', detail: `no commit #${anchor.seq} with a chain hash on ${workflow} (anchored ${anchor.hash.slice(0, 12)})` }];
  }
  if (entry.op.chain!.hash !== anchor.hash) {
    return [{ workflow, commit: entry.commit, code: 'anchor', detail: `commit #${anchor.seq} has chain ${entry.op.chain!.hash.slice(0, 12)}, the anchor says ${anchor.hash.slice(0, 12)}: history up to it was rewritten` }];
  }
  return [];
}

/** Each version tag marks a first commit of its version, and every version has one. In a merged
 * history a version may begin on either side; the tag marks the one it was pushed with. */
async function verifyTags(project: Project, workflow: string, entries: HistoryEntry[]): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const byCommit = new Map(entries.map((e) => [e.commit, e]));
  const firstOf = new Map<string, HistoryEntry>();
  for (const entry of entries) if (!firstOf.has(entry.op.version)) firstOf.set(entry.op.version, entry);
  const prefix = versionTagPrefix(workflow);
  const tagged = new Set<string>();
  for (const tag of await project.store.listRefs(prefix)) {
    const version = tag.ref.slice(prefix.length);
    tagged.add(version);
    const entry = byCommit.get(tag.oid);
    const name = `${workflow}/${version}`;
    if (!entry) {
      problems.push({ workflow, commit: tag.oid, code: 'tag', detail: `tag ${name} points off the ${workflow} history` });
    } else if (entry.op.version !== version) {
      problems.push({ workflow, commit: tag.oid, code: 'tag', detail: `tag ${name} names a version the ${workflow} history never had there (${entry.op.version})` });
    } else {
      const parent = entry.parent === null ? undefined : byCommit.get(entry.parent);
      if (parent !== undefined && parent.op.version === version) {
        const first = firstOf.get(version)!;
        problems.push({ workflow, commit: tag.oid, code: 'tag', detail: `tag ${name} was moved: it points at ${tag.oid.slice(0, 7)}, but ${version} begins at ${first.commit.slice(0, 7)}` });
      }
    }
  }
  for (const [version, first] of firstOf) {
    if (!tagged.has(version)) problems.push({ workflow, commit: first.commit, code: 'tag', detail: `tag ${workflow}/${version} is missing (removed)` });
  }
  return problems;
}

async function verifyBackups(project: Project, problems: VerifyProblem[], notes: string[]): Promise<void> {
  try {
    const view = await checkBackups(project, { cached: false });
    for (const f of view.missing) {
      problems.push({ workflow: f.workflow, commit: f.commit, code: 'backup-missing', detail: `${f.path} is missing ('nbv backups sync' rebuilds it)` });
    }
    for (const f of view.altered) {
      problems.push({ workflow: f.workflow, commit: f.commit, code: 'backup-altered', detail: `${f.path} differs from the state history holds for it` });
    }
    for (const line of view.outside) {
      problems.push({ workflow: null, commit: null, code: 'path-outside', detail: `${line} (not followed)` });
    }
    for (const path of view.unknown) notes.push(`${path} is not part of the backups/ view (history does not know it)`);
  } catch (err) {
    notes.push(`the backups/ view was not checked: ${isNbvError(err) ? err.message : String(err)}`);
  }
}
