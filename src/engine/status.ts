// `nbv status`: where each workflow stands: unrecorded edits (classified per node), stale caches,
// drift of the backups/ view, and what the seed's decision tables advise for the pending change.
import { diffDocuments, parseNbflow, type NodeDiff } from '../nbflow/index.js';
import { checkBackups } from '../backups/check.js';
import { readStateBytes } from './history.js';
import type { Project } from './project.js';
import { adviceFor } from './advice.js';
import { listWorkflowNames, loadWorkflow, readWorkingFile, resolveWorkflow } from './workflows.js';

export interface StaleNode {
  node: string;
  tab: string;
  reasons: Array<{ code: string; detail: string }>;
}

export interface StatusReport {
  workflow: string;
  file: string;
  version: string;
  head: string;
  uncommitted: boolean;
  missing: boolean;
  /** Per-node changes of the working file against the head (empty when clean). */
  changes: NodeDiff[];
  /** JSON pointers of changes outside nodes. */
  otherChanges: string[];
  stale: StaleNode[];
  advice: string[];
  backups: { ok: boolean; missing: string[]; altered: string[]; unknown: string[] };
}

export interface StatusOptions {
  workflow?: string;
}

async function statusOf(project: Project, name: string): Promise<StatusReport> {
  const wf = await loadWorkflow(project, name);
  const working = await readWorkingFile(project, wf);
  let changes: NodeDiff[] = [];
  let otherChanges: string[] = [];
  if (working.kind === 'modified') {
    const head = parseNbflow(await readStateBytes(project, wf.head), wf.head.op.file).doc;
    const diff = diffDocuments(head, parseNbflow(working.bytes, wf.head.op.file).doc, project.config);
    changes = diff.nodes;
    otherChanges = diff.other;
  }
  const view = await checkBackups(project, { hash: false });
  // Unknown files are listed under the workflow whose name they start with.
  const own = (p: string) => p.slice(p.lastIndexOf('/') + 1).startsWith(`${wf.name}-`);
  const backups = {
    ok: view.ok,
    missing: view.missing.filter((f) => f.workflow === name).map((f) => f.path),
    altered: view.altered.filter((f) => f.workflow === name).map((f) => f.path),
    unknown: view.unknown.filter(own),
  };
  const report: StatusReport = {
    workflow: name,
    file: wf.head.op.file,
    version: wf.head.op.version,
    head: wf.head.commit,
    uncommitted: working.kind === 'modified',
    missing: working.kind === 'missing',
    changes,
    otherChanges,
    stale: [],
    advice: [],
    backups,
  };
  report.advice = adviceFor(report);
  return report;
}

/** Status of one workflow, or of every workflow when none is named and there are several. */
export async function status(project: Project, options: StatusOptions = {}): Promise<StatusReport[]> {
  if (options.workflow !== undefined) return [await statusOf(project, (await resolveWorkflow(project, options.workflow)).name)];
  return Promise.all((await listWorkflowNames(project)).map((name) => statusOf(project, name)));
}
