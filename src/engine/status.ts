// `nbv status`: where each workflow stands: unrecorded edits (classified per node), stale caches,
// drift of the backups/ view, and what the seed's decision tables advise for the pending change.
import { diffDocuments, type NodeDiff } from '../nbflow/index.js';
import { remoteSyncOf, waitingMergeOf, type RemoteSync, type WaitingMerge } from '../history/sharing/statusInfo.js';
import { checkBackups, type ViewCheck } from '../history/backupsCheck.js';
import { readEntry, type HistoryEntry } from '../history/history.js';
import type { Project } from '../history/project.js';
import { decide, type Decision } from '../history/advice.js';
import { analyzeCaches, staleNodes, type StaleNode } from '../history/stale.js';
import { expectedView } from '../history/backupsView.js';
import { operationTime } from '../history/project.js';
import { findStrayFiles } from '../history/strayFiles.js';
import { liveMarkers, type LiveMarker } from '../history/liveMarkers.js';
import { listWorkflowNames } from '../history/workflows.js';
import { loadNamedWorkflowState, loadWorkflowState, type WorkflowState } from '../history/workflowState.js';

export type { StaleNode } from '../history/stale.js';

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
  /** The advice with the seed's table row each line comes from (docs/staleness.md). */
  decisions: Decision[];
  backups: { ok: boolean; missing: string[]; altered: string[]; unknown: string[] };
  /** The next version saved by hand beside (or instead of) the working file: `commit` records it
   * as the bump. */
  handBump: { file: string; version: string; changes: NodeDiff[] } | null;
  /** Working files a bump retired that hold edits history lacks, against their version's last
   * recorded state: `commit` takes them in. */
  retired: Array<{ file: string; version: string; against: string | null; changes: NodeDiff[] }>;
  /** A live `nbv watch` recording this workflow's saves, and a live `nbv run` of it. */
  watch?: { pid: number; started: string } | null;
  running?: { pid: number; started: string } | null;
  /** Per remote, as last fetched or pushed: ahead / behind (docs/sharing.md). */
  sync?: RemoteSync[];
  /** A pull that stopped on conflicts in this workflow, with both values of each. */
  merge?: WaitingMerge | null;
}

export interface StatusOptions {
  workflow?: string;
}

/** The head changed the version, or is the wipe that `wipe --bump` recorded right after its bump. */
async function bumpedWith(project: Project, head: HistoryEntry): Promise<boolean> {
  if (head.parent === null) return false;
  const parent = await readEntry(project, head.parent);
  return parent.op.version !== head.op.version || (head.op.op === 'wipe' && parent.op.op === 'bump');
}
const markerOf = (markers: LiveMarker[], kind: LiveMarker['kind'], name: string) => {
  const m = markers.find((x) => x.kind === kind && (x.workflows.length === 0 || x.workflows.includes(name)));
  return m ? { pid: m.pid, started: m.started } : null;
};

async function statusOf(project: Project, wf: WorkflowState, view: ViewCheck): Promise<StatusReport> {
  const { name, working } = wf;
  let changes: NodeDiff[] = [];
  let otherChanges: string[] = [];
  if (working.kind === 'modified') {
    const diff = diffDocuments((await wf.headDocument()).doc, (await wf.currentDocument()).doc, project.config);
    changes = diff.nodes;
    otherChanges = diff.other;
  }
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
    decisions: [],
    backups,
    handBump: null,
    retired: [],
    watch: null,
    running: null,
    sync: await remoteSyncOf(project, name),
    merge: await waitingMergeOf(project, name),
  };
  const stray = await findStrayFiles(project, wf);
  if (stray.handBump) report.handBump = { file: stray.handBump.file, version: stray.handBump.version, changes: stray.handBump.diff?.nodes ?? [] };
  report.retired = stray.retired.map((r) => ({ file: r.file, version: r.version, against: r.base?.commit ?? null, changes: r.diff?.nodes ?? [] }));
  const markers = await liveMarkers(project);
  report.watch = markerOf(markers, 'watch', name);
  report.running = markerOf(markers, 'run', name);
  const cache = await analyzeCaches(project, wf);
  report.stale = staleNodes(cache);
  const sameAsRecorded =
    working.kind === 'modified' ? ((await expectedView(project)).find((f) => f.workflow === name && f.blob === working.blob)?.path ?? null) : null;
  const { op } = wf.head;
  report.decisions = decide(report, {
    cache,
    head: {
      op: op.op,
      version: op.version,
      ...(op.intent.ref ? { ref: op.intent.ref.slice(0, 7) } : {}),
      time: op.time,
      bumped: await bumpedWith(project, wf.head),
      ...(op.intent.run ? { run: op.intent.run } : {}),
    },
    sameAsRecorded,
    now: operationTime(project).iso,
  });
  report.advice = report.decisions.map((d) => d.text);
  return report;
}

/** Status of one workflow, or of every workflow when none is named and there are several. */
export async function status(project: Project, options: StatusOptions = {}): Promise<StatusReport[]> {
  // The view is checked once for the project; each report takes its workflow's part of it.
  const view = await checkBackups(project, { hash: false });
  if (options.workflow !== undefined) return [await statusOf(project, await loadWorkflowState(project, options.workflow), view)];
  return Promise.all((await listWorkflowNames(project)).map(async (name) => statusOf(project, await loadNamedWorkflowState(project, name), view)));
}
