// `nbv wipe`: clears the cache fields of the selected generation nodes, byte-surgically: every
// other byte of the file stays as it was. The pre-wipe state is a commit and a backups/ file.
import { selectNodes, wipeCache, type NodeRef, type NodeSelector } from '../nbflow/index.js';
import type { BumpResult } from '../history/bumpState.js';
import { recordWipe } from '../history/cleanStart.js';
import type { HistoryEntry } from '../history/history.js';
import { noteNoop } from '../history/opLog.js';
import { underLock } from '../history/mutation.js';
import { operationTime, type Project } from '../history/project.js';
import { staleSelector } from '../history/stale.js';
import { loadWorkflowState } from '../history/workflowState.js';

export interface WipeOptions {
  workflow?: string;
  selector: NodeSelector;
  bump?: boolean;
  dryRun?: boolean;
  message?: string;
  /** Wipe exactly the stale caches (docs/staleness.md); `selector` may then only narrow (tabs, kinds). */
  stale?: boolean;
}

export interface WipedField {
  node: string;
  field: string;
  entries: number;
}

export interface WipeSummary {
  imageNodes: number;
  videoNodes: number;
  otherNodes: number;
  tabs: number;
  outputs: number;
}

export interface WipeResult {
  workflow: string;
  /** False for a dry run, and when every selected node was already empty. */
  recorded: boolean;
  dryRun: boolean;
  selected: NodeRef[];
  wiped: WipedField[];
  summary: WipeSummary;
  savedCommit: string | null;
  bump: BumpResult | null;
  entry: HistoryEntry | null;
  backup: string | null;
}

export function summarizeWipe(selected: NodeRef[], wiped: WipedField[]): WipeSummary {
  const touched = new Set(wiped.map((w) => w.node));
  const nodes = selected.filter((n) => touched.has(n.id));
  return {
    imageNodes: nodes.filter((n) => n.kind === 'image').length,
    videoNodes: nodes.filter((n) => n.kind === 'video').length,
    otherNodes: nodes.filter((n) => n.kind === 'other').length,
    tabs: new Set(nodes.map((n) => n.tabId)).size,
    outputs: wiped.reduce((sum, w) => sum + w.entries, 0),
  };
}

export async function wipe(project: Project, options: WipeOptions): Promise<WipeResult> {
  return underLock(project, async () => {
    const state = await loadWorkflowState(project, options.workflow);
    // Plan on what is on disk now, so a dry run and a refusal change nothing.
    const current = await state.currentDocument();
    const selector = options.stale ? await staleSelector(project, state, options.selector) : options.selector;
    const dryRun = options.dryRun ?? false;
    const notRecorded = { recorded: false, dryRun, savedCommit: null, bump: null, entry: null, backup: null };
    if (selector === null) {
      if (!dryRun) await noteNoop(project, state, 'wipe --stale: nothing to wipe', operationTime(project).iso);
      return { workflow: state.name, selected: [], wiped: [], summary: summarizeWipe([], []), ...notRecorded };
    }
    const selected = selectNodes(current.doc, project.config, selector, current.file);
    const edit = wipeCache(current, selected.map((n) => n.id), project.config);
    const summary = summarizeWipe(selected, edit.wiped);
    const base = { workflow: state.name, selected, wiped: edit.wiped, summary };
    if (!dryRun && edit.wiped.length === 0) await noteNoop(project, state, 'wipe: nothing to wipe', operationTime(project).iso);
    if (dryRun || edit.wiped.length === 0) return { ...base, ...notRecorded };

    const recorded = await recordWipe(project, state, edit, {
      bump: options.bump ?? false,
      selector,
      message: options.message ?? `wipe cache of ${describeSummary(summary)}`,
      ...(options.message === undefined ? {} : { bumpMessage: options.message }),
    });
    return { ...base, recorded: true, dryRun: false, savedCommit: recorded.savedCommit, bump: recorded.bump, entry: recorded.entry, backup: recorded.backup };
  });
}

/** "8 image nodes and 8 video nodes across 5 account tabs", as the seed's users say it. */
export function describeSummary(s: WipeSummary): string {
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word} node${n === 1 ? '' : 's'}`;
  if (s.imageNodes) parts.push(plural(s.imageNodes, 'image'));
  if (s.videoNodes) parts.push(plural(s.videoNodes, 'video'));
  if (s.otherNodes) parts.push(plural(s.otherNodes, 'other'));
  const nodes = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '0 nodes');
  return `${nodes} across ${s.tabs} account tab${s.tabs === 1 ? '' : 's'}`;
}
