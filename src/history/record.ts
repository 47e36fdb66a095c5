// Recording a state: the one way anything enters history. It derives the patch and the per-node
// changes from the parsed documents, but stores the bytes as they are: the bytes are the truth.
import fs from 'node:fs/promises';
import { hashBlob } from '../store/index.js';
import { diffDocuments, type DocumentDiff, type NbflowDocument, type ParsedNbflow } from '../nbflow/index.js';
import { makePatch, sha256Hex } from '../json/index.js';
import { alternativePath } from '../backups/names.js';
import { viewIndex } from './backupsView.js';
import { absolutePath, operationAuthor, operationTime, type Project } from './project.js';
import { branchRef, baseName, readEntry, readState, OP_FILE, PATCH_FILE, versionTagName, versionTagRef, type HistoryEntry } from './history.js';
import { encodeOpRecord, OP_RECORD_FORMAT, type OpKind, type OpRecord, type ViewEntry } from './opRecord.js';
import { runJournaled, type FileDelete, type FileWrite } from './journal.js';
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
  /** A merge: the other side's head, the commit's second parent (its patch is still from `parent`). */
  merge?: OpRecord['merge'];
}

export interface RecordResult {
  entry: HistoryEntry;
  diff: DocumentDiff;
  view: ViewEntry[];
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
  try {
    return hashBlob(new Uint8Array(await fs.readFile(absolutePath(project, relative))));
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
  const view = await chooseViewPaths(project, input, newBlob);

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
  const tagExists = (await store.resolveRef(versionTagRef(input.workflow, input.version))) !== null;
  const known = new Map<string, Uint8Array>([[newBlob, input.parsed.bytes]]);
  await runJournaled(
    project,
    {
      format: 'nbv-journal/1',
      ref: branchRef(input.workflow),
      oldOid: input.parent?.commit ?? null,
      newOid: commit,
      tags: tagExists ? [] : [{ name: tagName, oid: commit }],
      writes,
      deletes,
    },
    known,
  );
  return { entry: await readEntry(project, commit), diff, view };
}
