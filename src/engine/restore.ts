// `nbv restore REF`: a checkout. Without selectors the whole file comes back byte for byte (and
// with it its cache state); with selectors only those nodes' cache fields come back from REF.
// Either way it is a new commit on top, so the state it replaced stays one `restore` away.
import { parseNbflow, selectNodes, transplantCache, type DocumentDiff, type NodeSelector } from '../nbflow/index.js';
import { preChangePath, PRE_CHANGE_LABEL } from '../backups/names.js';
import { hashBlob } from '../store/index.js';
import { readState, type HistoryEntry } from '../history/history.js';
import { saveUncommittedState, underLock } from '../history/mutation.js';
import { operationTime, type Project } from '../history/project.js';
import { recordState } from '../history/record.js';
import { resolveStateRef } from '../history/resolveRef.js';
import { analyzeCaches, staleNodes, type StaleNode } from '../history/stale.js';
import { afterRecord, loadWorkflowState, type WorkflowState } from '../history/workflowState.js';
import { materializeFile } from '../history/journal.js';
import { noteNoop } from '../history/opLog.js';
import { nodeVariants, oneGenerationNode, variantSource } from '../history/nodeVariants.js';
import { NbvError } from '../errors.js';

export interface RestoreOptions {
  workflow?: string;
  /** A REF (resolveRef.ts); optional only with `variant`. */
  ref?: string;
  /** Take K of the one selected node (`nbv variants`, 1 = newest): the ref is the commit holding it. */
  variant?: number;
  /** Restore only these nodes' cache; absent or empty: the whole file. */
  selector?: NodeSelector;
  message?: string;
  cwd?: string;
}

export interface RestoreResult {
  workflow: string;
  recorded: boolean;
  /** The working file was missing and came back with the bytes it should hold (nothing recorded). */
  broughtBack: boolean;
  reason: string | null;
  from: HistoryEntry;
  nodes: string[];
  savedCommit: string | null;
  entry: HistoryEntry | null;
  backup: string | null;
  diff: DocumentDiff | null;
  /** After a partial restore: restored caches that do not match their node's inputs now (made
   * under another prompt, model or reference), with why. */
  staleRestored: StaleNode[];
}

function hasSelector(selector: NodeSelector | undefined): selector is NodeSelector {
  return !!selector && Object.values(selector).some((v) => (Array.isArray(v) ? v.length > 0 : v === true));
}

export async function restore(project: Project, options: RestoreOptions): Promise<RestoreResult> {
  return underLock(project, async () => {
    const loaded = await loadWorkflowState(project, options.workflow);
    const picked = options.variant === undefined ? null : await pickVariant(project, loaded, options);
    const ref = picked?.ref ?? options.ref;
    if (ref === undefined) throw new NbvError('BAD_USAGE', 'restore needs a REF (or --node ID --variant K)');
    const source = await resolveStateRef(project, loaded, ref, options.cwd);
    const selector = picked?.selector ?? options.selector;
    const partial = hasSelector(selector);
    const saved = await saveUncommittedState(project, loaded, 'restore');
    const state = saved.state;
    const file = state.head.op.file;
    const recorded = await readState(project, source);

    let parsed = recorded;
    let nodes: string[] = [];
    if (partial) {
      const current = await state.headDocument();
      const selected = selectNodes(current.doc, project.config, selector!, file);
      nodes = selected.map((n) => n.id);
      // Bytes nbv made by surgery on two recorded states: parsed strictly like any new state.
      parsed = parseNbflow(transplantCache(current, recorded, nodes, project.config).bytes, file);
    }
    const base = { workflow: state.name, from: source, nodes, savedCommit: saved.savedCommit, staleRestored: [] as StaleNode[] };
    const unchanged = hashBlob(parsed.bytes) === state.head.fileBlob;
    if (unchanged && state.working.kind === 'missing') {
      // The file on disk is what a restore compares with: a missing one comes back, and since
      // history already holds these bytes there is nothing to record.
      await materializeFile(project, { path: file, blob: state.head.fileBlob, replaceable: [] }, parsed.bytes);
      return { ...base, recorded: false, broughtBack: true, reason: `${file} was missing; it is back as ${ref} holds it`, entry: null, backup: null, diff: null };
    }
    if (unchanged) {
      await noteNoop(project, state, `restore ${ref}: nothing to restore`, operationTime(project).iso);
      const what = partial ? `the cache of ${nodes.join(', ')} is already as in ${picked?.label ?? ref}` : `${file} already holds the state of ${ref}`;
      return { ...base, recorded: false, broughtBack: false, reason: what, entry: null, backup: null, diff: null };
    }

    const moment = operationTime(project);
    const label = picked?.label ?? `${ref} (${source.commit.slice(0, 7)})`;
    const result = await recordState(project, {
      workflow: state.name,
      parent: state.head,
      op: 'restore',
      version: state.head.op.version,
      file,
      parsed: { ...parsed, file },
      parentDoc: (await state.headDocument()).doc,
      message: options.message ?? (partial ? `restore cache of ${nodes.join(', ')} from ${label}` : `restore ${label}`),
      intent: partial ? { ref: source.commit, selector: selector! } : { ref: source.commit },
      view: [{ path: preChangePath(file, moment.date, PRE_CHANGE_LABEL.restore), state: 'parent' }],
      writeWorkingFile: true,
      moment,
    });
    const staleRestored = partial ? staleNodes(await analyzeCaches(project, afterRecord(project, state, result.entry, parsed))).filter((n) => nodes.includes(n.node)) : [];
    return { ...base, staleRestored, recorded: true, broughtBack: false, reason: null, entry: result.entry, backup: result.view[0]?.path ?? null, diff: result.diff };
  });
}


/** `--variant K`: the commit that holds take K of the one selected node. */
async function pickVariant(project: Project, named: WorkflowState, options: RestoreOptions): Promise<{ ref: string; label: string; selector: NodeSelector }> {
  const file = named.head.op.file;
  if (options.ref !== undefined) throw new NbvError('BAD_USAGE', `give a REF or --variant K, not both`, { file });
  if (!hasSelector(options.selector)) throw new NbvError('BAD_USAGE', `--variant needs the node: --node ID (or a --scene with one generation node)`, { file });
  const doc = (await named.currentDocument()).doc;
  const ids = selectNodes(doc, project.config, options.selector!, file).map((n) => n.id);
  const node = oneGenerationNode(doc, project.config, ids, file);
  const take = variantSource(await nodeVariants(project, named, node, doc), options.variant!, file);
  return { ref: take.heldAt[0]!, selector: { nodes: [node] }, label: `take ${options.variant} of ${node} (made by ${take.madeBy.op} ${take.madeBy.commit.slice(0, 7)} on ${take.madeBy.date.slice(0, 10)})` };
}
