// The page's read-only views, each one JSON answer built from the engine's commands (status,
// log, diff) and, where no command hands out a document, the history layer's read helpers.
import { NbvError } from '../errors.js';
import { diff, listWorkflowNames, log, status, type LogItem, type LogOptions, type Project, type StaleNode } from '../engine/index.js';
import { analyzeCaches, staleNodes } from '../history/stale.js';
import { parseNbflow, type NbflowDocument, type NodeDiff } from '../nbflow/index.js';
import { readState } from '../history/history.js';
import { logItem } from '../history/logItems.js';
import { resolveStateRef } from '../history/resolveRef.js';
import { readWorkingFile, resolveWorkflow } from '../history/workflows.js';
import { WORKING, checkViewRef } from './refs.js';
import { documentView, findNodeView, type NodeView, type TabView } from './stateView.js';
import { wordDiff, type WordPart } from './wordDiff.js';

export interface WorkflowSummary {
  name: string;
  file: string;
  version: string;
  head: LogItem | null;
  uncommitted: boolean;
  missing: boolean;
  stale: number;
  /** A merge stopped on conflicts (issue 12); null until the engine reports one. */
  merge: null | { conflicts: number };
}

export async function listWorkflows(project: Project): Promise<WorkflowSummary[]> {
  const names = await listWorkflowNames(project);
  return Promise.all(
    names.map(async (name) => {
      const [report] = await status(project, { workflow: name });
      if (!report) throw new NbvError('UNKNOWN_WORKFLOW', `no workflow '${name}'`);
      const [head] = await log(project, { workflow: name, limit: 1 });
      return {
        name,
        file: report.file,
        version: report.version,
        head: head ?? null,
        uncommitted: report.uncommitted,
        missing: report.missing,
        stale: report.stale.length,
        merge: null,
      };
    }),
  );
}

export interface TimelinePage {
  workflow: string;
  items: LogItem[];
  offset: number;
  limit: number;
  more: boolean;
}

export async function timeline(project: Project, workflow: string, filters: LogOptions, offset: number, limit: number): Promise<TimelinePage> {
  const items = await log(project, { ...filters, workflow, limit: offset + limit + 1 });
  return { workflow, items: items.slice(offset, offset + limit), offset, limit, more: items.length > offset + limit };
}

interface LoadedSide {
  ref: string;
  commit: string | null;
  item: LogItem | null;
  file: string;
  version: string;
  doc: NbflowDocument;
}

async function loadSide(project: Project, workflow: string, ref: string): Promise<LoadedSide> {
  const wf = await resolveWorkflow(project, workflow);
  if (ref === WORKING) {
    const working = await readWorkingFile(project, wf);
    if (working.kind === 'missing') throw new NbvError('FILE_NOT_FOUND', 'the working file is missing', { file: wf.head.op.file });
    return { ref, commit: null, item: null, file: wf.head.op.file, version: wf.head.op.version, doc: parseNbflow(working.bytes, wf.head.op.file).doc };
  }
  const entry = await resolveStateRef(project, wf, ref);
  return { ref, commit: entry.commit, item: logItem(entry), file: entry.op.file, version: entry.op.version, doc: (await readState(project, entry)).doc };
}

export interface StateView {
  workflow: string;
  ref: string;
  commit: string | null;
  item: LogItem | null;
  file: string;
  version: string;
  /** The working file, or the head state while the working file equals it: stale marks apply
   * (GET .../stale; apart, because analysing every cache costs more than drawing the state). */
  current: boolean;
  tabs: TabView[];
}

export async function stateView(project: Project, workflow: string, rawRef: string, tab?: string): Promise<StateView> {
  const ref = checkViewRef(rawRef);
  const [side, wf] = await Promise.all([loadSide(project, workflow, ref), resolveWorkflow(project, workflow)]);
  const current = ref === WORKING || (side.commit === wf.head.commit && (await readWorkingFile(project, wf)).kind === 'clean');
  return { workflow, ref, commit: side.commit, item: side.item, file: side.file, version: side.version, current, tabs: documentView(side.doc, project.config, tab) };
}

export interface StaleView {
  workflow: string;
  /** Nodes of the working file whose cache no longer matches them, as `status` lists them. */
  nodes: Array<{ node: string; title: string | null; reasons: Array<{ code: string; detail: string }> }>;
}

export async function staleView(project: Project, workflow: string): Promise<StaleView> {
  const stale: StaleNode[] = staleNodes(await analyzeCaches(project, workflow));
  return { workflow, nodes: stale.map((s) => ({ node: s.node, title: s.title ?? null, reasons: s.reasons.map((r) => ({ code: r.code, detail: r.detail })) })) };
}

export interface CompareNode extends NodeDiff {
  before: NodeView | null;
  after: NodeView | null;
  /** Per prompt field that changed, its word diff. */
  words: Array<{ field: string; parts: WordPart[] }>;
}

export interface CompareView {
  workflow: string;
  from: { ref: string; commit: string | null; version: string; item: LogItem | null };
  to: { ref: string; commit: string | null; version: string; item: LogItem | null };
  nodes: CompareNode[];
  other: string[];
}

export async function compareView(project: Project, workflow: string, rawFrom: string, rawTo: string): Promise<CompareView> {
  const fromRef = checkViewRef(rawFrom, 'from');
  const toRef = checkViewRef(rawTo, 'to');
  const [from, to] = [await loadSide(project, workflow, fromRef), await loadSide(project, workflow, toRef)];
  // The engine's diff is the one `nbv diff` prints; the working file is its default right side.
  if (fromRef === WORKING) throw new NbvError('BAD_USAGE', "the working file can only be the right side ('to') of a comparison");
  const result = await diff(project, { workflow, from: fromRef, ...(toRef === WORKING ? {} : { to: toRef }) });
  const nodes = result.diff.nodes.map((n): CompareNode => ({
    ...n,
    before: findNodeView(from.doc, project.config, n.node),
    after: findNodeView(to.doc, project.config, n.node),
    words: n.changes
      .filter((c) => c.kind === 'prompt-edited' && typeof c.before === 'string' && typeof c.after === 'string')
      .map((c) => ({ field: c.field!, parts: wordDiff(c.before as string, c.after as string) })),
  }));
  const sideOf = (s: LoadedSide) => ({ ref: s.ref, commit: s.commit, version: s.version, item: s.item });
  return { workflow, from: sideOf(from), to: sideOf(to), nodes, other: result.diff.other };
}
