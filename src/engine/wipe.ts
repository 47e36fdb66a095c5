// `nbv wipe`: clears the cache fields of the selected generation nodes, byte-surgically: every
// other byte of the file stays as it was. The pre-wipe state is a commit and a backups/ file.
import { parseNbflow, selectNodes, wipeCache, type NodeRef, type NodeSelector } from '../nbflow/index.js';
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { recordBump, type BumpResult } from '../history/bumpState.js';
import { readState, readStateBytes, type HistoryEntry } from '../history/history.js';
import { noteNoop } from '../history/opLog.js';
import { saveUncommitted, underLock } from '../history/mutation.js';
import { operationTime, type Project } from '../history/project.js';
import { recordState } from '../history/record.js';
import { readWorkingFile, resolveWorkflow } from '../history/workflows.js';
import { staleSelector } from '../history/stale.js';

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
    const named = await resolveWorkflow(project, options.workflow);
    // Plan on what is on disk now, so a dry run and a refusal change nothing.
    const working = await readWorkingFile(project, named);
    const current = working.kind === 'missing' ? await readStateBytes(project, named.head) : working.bytes;
    const selector = options.stale ? await staleSelector(project, named.name, options.selector) : options.selector;
    if (selector === null) {
      if (!options.dryRun) await noteNoop(project, named, 'wipe --stale: nothing to wipe', operationTime(project).iso);
      const none = { workflow: named.name, selected: [], wiped: [], summary: summarizeWipe([], []) };
      return { ...none, recorded: false, dryRun: options.dryRun ?? false, savedCommit: null, bump: null, entry: null, backup: null };
    }
    const plan = planWipe(project, parseNbflow(current, named.head.op.file), selector);
    const base = { workflow: named.name, selected: plan.selected, wiped: plan.wiped, summary: plan.summary };
    if (!options.dryRun && plan.wiped.length === 0) await noteNoop(project, named, 'wipe: nothing to wipe', operationTime(project).iso);
    if (options.dryRun || plan.wiped.length === 0) {
      return { ...base, recorded: false, dryRun: options.dryRun ?? false, savedCommit: null, bump: null, entry: null, backup: null };
    }

    // With --bump, unrecorded edits go into the new version (as 'nbv bump' does), so the old
    // version stays as it was recorded: consistent inputs and cache, e.g. the old avatar URL.
    const saved = options.bump ? { workflow: named, savedCommit: null } : await saveUncommitted(project, named.name, 'wipe');
    // The clean mode is one operation: the bump's commit is written but its ref move is left to
    // the wipe's, so one journal covers both and a kill never leaves a bumped, unwiped version.
    const bumped = options.bump ? await recordBump(project, named.name, options.message ?? 'clean run: new version before wiping', { deferRef: true }) : null;
    const wf = bumped ? { ...named, head: bumped.entry } : saved.workflow;
    const parsed = await readState(project, wf.head);
    const edit = wipeCache(parsed, plan.selected.map((n) => n.id), project.config);
    const moment = operationTime(project);
    const result = await recordState(project, {
      workflow: wf.name,
      parent: wf.head,
      op: 'wipe',
      version: wf.head.op.version,
      file: wf.head.op.file,
      parsed: parseNbflow(edit.bytes, wf.head.op.file),
      message: options.message ?? `wipe cache of ${describeSummary(plan.summary)}`,
      intent: { selector },
      view: [{ path: preChangePath(wf.head.op.file, moment.date, PRE_CHANGE_LABEL.wipe), state: 'parent' }],
      writeWorkingFile: true,
      moment,
      ...(bumped?.pending ? { carry: bumped.pending } : {}),
    });
    return {
      ...base,
      recorded: true,
      dryRun: false,
      savedCommit: saved.savedCommit,
      bump: bumped === null ? null : (({ pending: _pending, ...rest }) => rest)(bumped),
      entry: result.entry,
      backup: result.view[0]?.path ?? null,
    };
  });
}

function planWipe(project: Project, parsed: ReturnType<typeof parseNbflow>, selector: NodeSelector) {
  const selected = selectNodes(parsed.doc, project.config, selector, parsed.file);
  const { wiped } = wipeCache(parsed, selected.map((n) => n.id), project.config);
  return { selected, wiped, summary: summarizeWipe(selected, wiped) };
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
