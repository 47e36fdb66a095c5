// `nbv plan`: what the next run of the Generation Runner would regenerate, node by node, and how
// long it would take. The planning itself is history/runPlan.ts: `nbv run` hands the same plan to
// the runner.
export { plan, estimateSeconds, type PlanOptions, type PlanResult, type PlanItem, type PlanReason, type PlanReasonCode } from '../history/runPlan.js';
