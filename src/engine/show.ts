// `nbv show REF`: one recorded state: its operation, what it changed per node, and its patch.
import { diffDocuments, diffEdges, type DocumentDiff, type EdgeChange } from '../nbflow/index.js';
import { readEntry, readPatch, readState } from '../history/history.js';
import { logItem, type LogItem } from '../history/logItems.js';
import type { Project } from '../history/project.js';
import { parentDocument } from '../history/record.js';
import { resolveStateRef } from '../history/resolveRef.js';
import type { OpRecord } from '../history/opRecord.js';
import { resolveWorkflow } from '../history/workflows.js';

export interface ShowOptions {
  workflow?: string;
  ref: string;
  cwd?: string;
}

export interface ShowResult {
  item: LogItem;
  record: OpRecord;
  diff: DocumentDiff;
  /** Edges added, removed or changed, named by their ends. */
  edges: EdgeChange[];
  patch: unknown;
  bytes: number;
}

export async function show(project: Project, options: ShowOptions): Promise<ShowResult> {
  const wf = await resolveWorkflow(project, options.workflow);
  const entry = await resolveStateRef(project, wf, options.ref, options.cwd);
  const state = await readState(project, entry);
  const parent = entry.parent === null ? null : await readEntry(project, entry.parent);
  const before = await parentDocument(project, parent);
  const diff = diffDocuments(before, state.doc, project.config);
  return { item: logItem(entry), record: entry.op, diff, edges: diffEdges(before, state.doc), patch: await readPatch(project, entry), bytes: state.bytes.length };
}
