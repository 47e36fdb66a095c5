// Recording a state: the one way anything enters history. It derives the patch and the per-node
// changes from the parsed documents, but stores the bytes as they are: the bytes are the truth.
import fs from 'node:fs/promises';
import { hashBlob } from '../store/index.js';
import { diffDocuments, type DocumentDiff, type NbflowDocument, type ParsedNbflow } from '../nbflow/index.js';
import { makePatch, sha256Hex } from '../json/index.js';
import { alternativePath } from '../backups/names.js';
import { viewIndex } from './backupsView.js';
import { projectFile, operationAuthor, operationTime, type Project } from './project.js';
import { branchRef, baseName, readEntry, readState, OP_FILE, PATCH_FILE, versionTagName, versionTagRef, type HistoryEntry } from './history.js';
import { encodeOpRecord, OP_RECORD_FORMAT, type OpKind, type OpRecord, type ViewEntry } from './opRecord.js';
import { assertInsideProject, runJournaled, type FileDelete, type FileWrite } from './journal.js';
import { TOOL_VERSION } from './version.js';
import { provenanceForRecord } from './provenance.js';
import { chainLink } from './chain.js';
import type { Moment } from './clock.js';

export interface RecordInput {
  workflow: string;
  parent: HistoryEntry | null;
  op: OpKind;
  version: string;
  /** The working file, project-relative. */
  file: string;
  parsed: ParsedNbflow;
  message: string;
  intent: OpRecord['intent'];
  /** View files this step brings into being, by the name it would like; a taken name gets an
   * alternative so no backup ever overwrites another. */
  view: Array<{ path: string; state: ViewEntry['state'] }>;
  /** Write the new bytes to the working file (every operation but a plain commit or track). */
  writeWorkingFile: boolean;
  /** A working file this step retires (a bump's old name), removed once the new one is written. */
  retireFile?: string;
  /** The operation's one reading of the clock, when its backup names already used it. */
  moment?: Moment;
  /** The parent's document when the caller has it parsed already (an import chain), to spare
   * reading and parsing it again. */
  parentDoc?: NbflowDocument | null;
  /** The diff from the parent's document, when the caller computed it already (same config). */
  diff?: DocumentDiff;
  /** The view's path -> blob index, when the caller keeps one across many steps (an import);
   * it is updated with the paths this step takes. Else it is read from history. */
  viewTaken?: Map<string, string>;
  /** Write this step's objects only and hand back what moving the ref would do (`pending`): a
   * chain of steps (an import, a bump before a wipe) moves the ref once, at its last step, so a
   * kill part way leaves nothing but unreferenced objects. */
  deferRef?: boolean;
  /** What the earlier steps of such a chain deferred: moved with this step's ref, in one journal. */
  carry?: PendingSteps;
  /** A merge: the other side's head, the commit's second parent (its patch is still from `parent`). */
  merge?: OpRecord['merge'];
}

/** The ref move and file steps a deferred step left for the last step of its chain. */
export interface PendingSteps {
  /** The ref's value before the chain's first step. */
  oldOid: string | null;
  tags: Array<{ name: string; oid: string }>;
  writes: FileWrite[];
  deletes: FileDelete[];
}

export interface RecordResult {
  entry: HistoryEntry;
  diff: DocumentDiff;
  view: ViewEntry[];
  /** Set when the step was deferred (RecordInput.deferRef): pass it on as the next step's `carry`. */
  pending?: PendingSteps;
}

/** A later write of the same path supersedes an earlier one; the bytes the earlier step was
 * allowed to replace stay replaceable (a kill may have left either on disk). */
function mergeWrites(earlier: FileWrite[], later: FileWrite[]): FileWrite[] {
  const merged = earlier.filter((w) => !later.some((l) => l.path === w.path));
  for (const step of later) {
    const replaced = earlier.filter((w) => w.path === step.path);
    const replaceable = new Set([...step.replaceable, ...replaced.flatMap((w) => [...w.replaceable, w.blob])]);
    replaceable.delete(step.blob);
    merged.push({ ...step, replaceable: [...replaceable] });
  }
  return merged;
}

const encoder = new TextEncoder();

export async function parentDocument(project: Project, parent: HistoryEntry | null): Promise<NbflowDocument | null> {
  if (parent === null) return null;
  return (await readState(project, parent)).doc;
}

function summaryLine(input: RecordInput, diff: DocumentDiff): string {
  const text = input.message.split('\n')[0]!.trim();
  const what = text || `${diff.nodes.length} node${diff.nodes.length === 1 ? '' : 's'} changed`;
  return `${input.op} ${input.workflow} ${input.version}: ${what}`;
}

async function diskBlob(project: Project, relative: string): Promise<string | null> {
  const file = await projectFile(project, relative, 'a backups/ view name');
  try {
    return hashBlob(new Uint8Array(await fs.readFile(file)));
  } catch {
    return null;
  }
}

async function chooseViewPaths(project: Project, input: RecordInput, newBlob: string): Promise<ViewEntry[]> {
  if (input.view.length === 0) return [];
  const taken = input.viewTaken ?? (await viewIndex(project));
  const chosen: ViewEntry[] = [];
  for (const want of input.view) {
    const blob = want.state === 'self' ? newBlob : input.parent!.fileBlob;
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? want.path : alternativePath(want.path, n);
      const inView = taken.get(candidate);
      const onDisk = inView === undefined ? await diskBlob(project, candidate) : inView;
      if (onDisk === null || onDisk === blob) {
        taken.set(candidate, blob);
        chosen.push({ path: candidate, state: want.state });
        break;
      }
    }
  }
  return chosen;
}

export async function recordState(project: Project, input: RecordInput): Promise<RecordResult> {
  const { store } = project;
  const before = input.parentDoc !== undefined && input.parent !== null ? input.parentDoc : await parentDocument(project, input.parent);
  const diff = input.diff ?? diffDocuments(before, input.parsed.doc, project.config);
  const patch = makePatch(before ?? {}, input.parsed.doc);
  const moment = input.moment ?? operationTime(project);
  const author = operationAuthor(project);
  const newBlob = hashBlob(input.parsed.bytes);
  // Before any object is written: every file this step will write or remove stays inside the
  // project (a backups/ folder that is a symlink out of it is refused, not followed).
  await assertInsideProject(project, [input.file, ...(input.retireFile ? [input.retireFile] : [])], 'this operation');
  const view = await chooseViewPaths(project, input, newBlob);
  await assertInsideProject(project, view.map((v) => v.path), 'this operation');

  const op: OpRecord = {
    format: OP_RECORD_FORMAT,
    op: input.op,
    workflow: input.workflow,
    version: input.version,
    file: input.file,
    message: input.message,
    author,
    time: moment.iso,
    tool: `nbv ${TOOL_VERSION}`,
    intent: project.context.argv ? { ...input.intent, argv: project.context.argv } : input.intent,
    nodes: diff.nodes.map((n) => n.node),
    changes: diff.nodes.map((n) => ({
      node: n.node,
      ...(n.title === undefined ? {} : { title: n.title }),
      kinds: [...new Set(n.changes.map((c) => c.kind))],
    })),
    sha256: sha256Hex(input.parsed.bytes),
    view,
  };
  if (input.merge) op.merge = input.merge;
  const provenance = await provenanceForRecord(project, { op: input.op, parent: input.parent, intent: input.intent, doc: input.parsed.doc }, diff);
  if (provenance) op.provenance = provenance;
  // Last: the chain hash covers every field set above (docs/audit.md).
  op.chain = await chainLink(project, input.parent, op);

  const signature = { name: author.name, email: author.email, timestamp: moment.timestamp, timezoneOffset: moment.timezoneOffset };
  const tree = await store.writeTree({
    [baseName(input.file)]: await store.writeBlob(input.parsed.bytes),
    [OP_FILE]: await store.writeBlob(encodeOpRecord(op)),
    [PATCH_FILE]: await store.writeBlob(encoder.encode(JSON.stringify(patch) + '\n')),
  });
  const body = input.message.includes('\n') ? `\n\n${input.message}` : '';
  const commit = await store.writeCommit({
    tree,
    parents: input.parent ? [input.parent.commit, ...(input.merge ? [input.merge.theirs] : [])] : [],
    message: `${summaryLine(input, diff)}${body}\n`,
    author: signature,
  });

  const oldWorking = input.parent?.fileBlob;
  const writes: FileWrite[] = [];
  const deletes: FileDelete[] = [];
  if (input.writeWorkingFile) {
    const replaceable = oldWorking ? [oldWorking] : [];
    writes.push({ path: input.file, blob: newBlob, replaceable });
  }
  for (const item of view) {
    writes.push({ path: item.path, blob: item.state === 'self' ? newBlob : input.parent!.fileBlob, replaceable: [] });
  }
  if (input.retireFile && input.retireFile !== input.file && oldWorking) {
    deletes.push({ path: input.retireFile, removable: [oldWorking, newBlob] });
  }
  const tagName = versionTagName(input.workflow, input.version);
  const planned = input.carry?.tags ?? [];
  const tagExists = planned.some((t) => t.name === tagName) || (await store.resolveRef(versionTagRef(input.workflow, input.version))) !== null;
  const steps: PendingSteps = {
    oldOid: input.carry ? input.carry.oldOid : (input.parent?.commit ?? null),
    tags: tagExists ? planned : [...planned, { name: tagName, oid: commit }],
    writes: mergeWrites(input.carry?.writes ?? [], writes),
    deletes: [...(input.carry?.deletes ?? []).filter((d) => !writes.some((w) => w.path === d.path)), ...deletes],
  };
  if (input.deferRef) return { entry: await readEntry(project, commit), diff, view, pending: steps };
  const known = new Map<string, Uint8Array>([[newBlob, input.parsed.bytes]]);
  await runJournaled(
    project,
    { format: 'nbv-journal/1', ref: branchRef(input.workflow), oldOid: steps.oldOid, newOid: commit, tags: steps.tags, writes: steps.writes, deletes: steps.deletes },
    known,
  );
  return { entry: await readEntry(project, commit), diff, view };
}
