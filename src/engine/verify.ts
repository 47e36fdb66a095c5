// `nbv verify`: the audit trail's proof. Every object is rehashed, every op record validated, and
// for every commit the parent's document plus the commit's patch must give the commit's document.
import { hashBlob } from '../store/index.js';
import { parseNbflow, type NbflowDocument } from '../nbflow/index.js';
import { applyPatchToClone, canonicalJson, sha256Hex } from '../json/index.js';
import { isNbvError } from '../errors.js';
import { readEntry, readPatch, readStateBytes, walkEntries, type HistoryEntry } from './history.js';
import { JOURNAL_META } from './journal.js';
import type { Project } from './project.js';
import { listWorkflowNames } from './workflows.js';

export interface VerifyProblem {
  workflow: string | null;
  commit: string | null;
  code: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  workflows: number;
  commits: number;
  objects: number;
  tags: number;
  problems: VerifyProblem[];
}

const VERSION_CHANGING_OPS = new Set(['track', 'bump', 'undo', 'import']);

async function rehash(project: Project, oid: string): Promise<boolean> {
  return hashBlob(await project.store.readBlob(oid)) === oid;
}

async function verifyEntry(
  project: Project,
  workflow: string,
  entry: HistoryEntry,
  parentDoc: NbflowDocument | null,
  parentEntry: HistoryEntry | null,
  problem: (code: string, detail: string) => void,
): Promise<NbflowDocument | null> {
  const blobs: Array<[string, string]> = [['file', entry.fileBlob], ['op.json', entry.opBlob], ['patch.json', entry.patchBlob]];
  for (const [what, oid] of blobs) {
    if (!(await rehash(project, oid))) problem('object-hash', `${what} blob ${oid} does not hash to its id`);
  }
  if (entry.stored.parents.length > 1) problem('not-linear', `has ${entry.stored.parents.length} parents`);
  const { op } = entry;
  if (op.workflow !== workflow) problem('wrong-branch', `op.json names workflow ${op.workflow}`);
  if (!op.file.endsWith(entry.treeFileName)) problem('file-name', `op.json names ${op.file} but the tree holds ${entry.treeFileName}`);
  const bytes = await readStateBytes(project, entry);
  if (sha256Hex(bytes) !== op.sha256) problem('sha256', `the file's sha256 differs from op.json's`);
  if (parentEntry && op.version !== parentEntry.op.version && !VERSION_CHANGING_OPS.has(op.op)) {
    problem('version', `a ${op.op} changed the version ${parentEntry.op.version} -> ${op.version}`);
  }
  let doc: NbflowDocument;
  try {
    doc = parseNbflow(bytes, op.file).doc;
  } catch (err) {
    problem('document', isNbvError(err) ? err.message : String(err));
    return null;
  }
  try {
    const patched = applyPatchToClone(parentDoc ?? {}, (await readPatch(project, entry)) as never);
    // Compared as JSON values: a patch is JSON, in which -0 and 0 are the same number.
    if (canonicalJson(patched) !== canonicalJson(doc)) problem('patch', `parent + patch.json does not equal the recorded document`);
  } catch (err) {
    problem('patch', `patch.json does not apply to the parent: ${(err as Error).message}`);
  }
  return doc;
}

export async function verify(project: Project): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  let commits = 0;
  const seen = new Set<string>();
  const names = await listWorkflowNames(project);
  for (const workflow of names) {
    const head = await project.store.resolveRef(`refs/heads/${workflow}`);
    if (!head) continue;
    const chain: HistoryEntry[] = [];
    try {
      for await (const entry of walkEntries(project, head)) chain.push(entry);
    } catch (err) {
      problems.push({ workflow, commit: null, code: 'unreadable', detail: isNbvError(err) ? err.message : String(err) });
    }
    chain.reverse();
    let parentDoc: NbflowDocument | null = null;
    let parentEntry: HistoryEntry | null = null;
    for (const entry of chain) {
      commits++;
      [entry.commit, entry.fileBlob, entry.opBlob, entry.patchBlob].forEach((o) => seen.add(o));
      const problem = (code: string, detail: string) => problems.push({ workflow, commit: entry.commit, code, detail });
      try {
        parentDoc = await verifyEntry(project, workflow, entry, parentDoc, parentEntry, problem);
      } catch (err) {
        problem('unreadable', isNbvError(err) ? err.message : String(err));
        parentDoc = null;
      }
      parentEntry = entry;
    }
    problems.push(...(await verifyTags(project, workflow, chain)));
  }
  const tags = (await project.store.listRefs('refs/tags/')).length;
  if ((await project.store.readMeta(JOURNAL_META)) !== null) {
    problems.push({ workflow: null, commit: null, code: 'pending', detail: 'an interrupted operation is pending; the next write command finishes it' });
  }
  return { ok: problems.length === 0, workflows: names.length, commits, objects: seen.size, tags, problems };
}

async function verifyTags(project: Project, workflow: string, chain: HistoryEntry[]): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const onBranch = new Map(chain.map((e) => [e.commit, e]));
  for (const tag of await project.store.listRefs(`refs/tags/${workflow}/`)) {
    const version = tag.ref.slice(`refs/tags/${workflow}/`.length);
    const entry = onBranch.get(tag.oid) ?? (await readEntry(project, tag.oid).catch(() => null));
    if (!entry || !onBranch.has(tag.oid)) {
      problems.push({ workflow, commit: tag.oid, code: 'tag', detail: `tag ${workflow}/${version} points off the ${workflow} history` });
    } else if (entry.op.version !== version) {
      problems.push({ workflow, commit: tag.oid, code: 'tag', detail: `tag ${workflow}/${version} points at a ${entry.op.version} state` });
    }
  }
  return problems;
}
