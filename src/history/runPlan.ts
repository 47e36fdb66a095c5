// What the next run of the Generation Runner would regenerate, node by node, and how
// long it would take. A node is regenerated when it has no cache, when its cache is stale, when a
// re-roll was asked for it, or when a node upstream of it is regenerated (its inputs will change).
import { DEFAULT_CONFIG, propagateDownstream, type EstimatesConfig, type NodeKind, type SecondsRange, type StaleReason } from '../nbflow/index.js';
import type { Project } from './project.js';
import { analyzeCaches, type CacheState } from './stale.js';
import { loadWorkflowState, type WorkflowState } from './workflowState.js';

export type PlanReasonCode = 'no-cache' | 'stale' | 'reroll' | 'upstream';

export interface PlanReason {
  code: PlanReasonCode;
  detail: string;
  /** For `stale`: the status reasons. */
  stale?: StaleReason[];
  /** For `reroll`: the commit that asked for it. For `upstream`: the node regenerated upstream. */
  commit?: string;
  node?: string;
}

export interface PlanItem {
  node: string;
  tab: string;
  title?: string;
  kind: NodeKind;
  model?: string;
  reasons: PlanReason[];
  seconds: SecondsRange;
}

export interface PlanResult {
  workflow: string;
  file: string;
  version: string;
  /** Nodes the run regenerates, in document order. */
  regenerate: PlanItem[];
  /** Generation nodes whose cache the run reuses. */
  reused: number;
  /** Sum over `regenerate`. */
  seconds: SecondsRange;
}

export interface PlanOptions {
  workflow?: string;
}

/** Seconds one node takes: by its model when the settings name it, else by its kind. */
export function estimateSeconds(estimates: EstimatesConfig, kind: NodeKind, model: string | undefined): SecondsRange {
  const byModel = model !== undefined && Object.hasOwn(estimates.models, model) ? estimates.models[model] : undefined;
  return byModel ?? estimates.kinds[kind];
}

function ownReasons(state: CacheState): PlanReason[] {
  const reasons: PlanReason[] = [];
  if (!state.hasCache) reasons.push({ code: 'no-cache', detail: 'no cached output' });
  // A node upstream that is stale or uncached is regenerated itself; `upstream` says so below.
  const own = state.reasons.filter((r) => r.code !== 'upstream-stale' && r.code !== 'upstream-wiped');
  if (state.hasCache && own.length > 0) reasons.push({ code: 'stale', detail: own.map((r) => `${r.code} ${r.detail}`).join('; '), stale: own });
  if (state.reroll) reasons.push({ code: 'reroll', detail: `re-roll asked for in ${state.reroll.commit.slice(0, 7)} (${state.reroll.message})`, commit: state.reroll.commit });
  return reasons;
}

export async function plan(project: Project, options: PlanOptions = {}): Promise<PlanResult> {
  return planState(project, await loadWorkflowState(project, options.workflow));
}

/** The plan for a workflow a command has loaded (`nbv run`, after its clean start or save). */
export async function planState(project: Project, state: WorkflowState): Promise<PlanResult> {
  const report = await analyzeCaches(project, state);
  const estimates = project.config.estimates ?? DEFAULT_CONFIG.estimates!;
  const own = new Map(report.nodes.map((s) => [s.node, ownReasons(s)]));
  const sources = report.nodes.filter((s) => own.get(s.node)!.length > 0).map((s) => s.node);
  const reached = propagateDownstream(report.doc, sources);
  const regenerate: PlanItem[] = [];
  const total: SecondsRange = { min: 0, max: 0 };
  for (const state of report.nodes) {
    const reasons = [...own.get(state.node)!];
    for (const source of reached.get(state.node) ?? []) {
      reasons.push({ code: 'upstream', detail: `${source} is regenerated first`, node: source });
    }
    if (reasons.length === 0) continue;
    const seconds = estimateSeconds(estimates, state.kind, state.model);
    total.min += seconds.min;
    total.max += seconds.max;
    regenerate.push({
      node: state.node,
      tab: state.tab,
      ...(state.title === undefined ? {} : { title: state.title }),
      kind: state.kind,
      ...(state.model === undefined ? {} : { model: state.model }),
      reasons,
      seconds: { ...seconds },
    });
  }
  return {
    workflow: report.workflow,
    file: report.head.op.file,
    version: report.head.op.version,
    regenerate,
    reused: report.nodes.length - regenerate.length,
    seconds: total,
  };
}
