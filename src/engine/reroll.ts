// `nbv reroll`: asks the next run for fresh candidates of some nodes, whatever their cache holds
// (the seed's per-node re-roll: "regen-nodes.py always treats the targeted nodes as
// cache-misses"). No byte of the file changes and no other node is touched: the request is a
// commit of its own (op `reroll`, the node ids in `intent.nodes`), so history shows who asked for
// it and `nbv plan` lists those nodes until a later commit changes their cache.
import { NbvError } from '../errors.js';
import { describeSelector, selectNodes, type NodeRef, type NodeSelector } from '../nbflow/index.js';
import type { HistoryEntry } from '../history/history.js';
import { saveUncommittedState, underLock } from '../history/mutation.js';
import type { Project } from '../history/project.js';
import { recordState } from '../history/record.js';
import { loadWorkflowState } from '../history/workflowState.js';

export interface RerollOptions {
  workflow?: string;
  selector: NodeSelector;
  message?: string;
}

export interface RerollResult {
  workflow: string;
  nodes: NodeRef[];
  /** The commit that recorded unsaved edits first, when there were any. */
  savedCommit: string | null;
  entry: HistoryEntry;
}

export async function reroll(project: Project, options: RerollOptions): Promise<RerollResult> {
  return underLock(project, async () => {
    const named = await loadWorkflowState(project, options.workflow);
    const file = named.head.op.file;
    // Refuse before recording anything: a typo must not leave an auto-save behind.
    const current = await named.currentDocument();
    const preview = selectNodes(current.doc, project.config, options.selector, file);
    const passive = preview.filter((n) => !n.isGeneration);
    if (passive.length > 0) {
      throw new NbvError('BAD_USAGE', `${passive.map((n) => n.id).join(', ')} generate${passive.length === 1 ? 's' : ''} nothing; re-roll image or video nodes`, { file });
    }
    const saved = await saveUncommittedState(project, named, 'reroll');
    const wf = saved.state;
    const parsed = await wf.headDocument();
    const nodes = selectNodes(parsed.doc, project.config, options.selector, wf.head.op.file).filter((n) => n.isGeneration);
    const result = await recordState(project, {
      workflow: wf.name,
      parent: wf.head,
      op: 'reroll',
      version: wf.head.op.version,
      file: wf.head.op.file,
      parsed,
      parentDoc: parsed.doc,
      message: options.message ?? `re-roll ${describeSelector(options.selector)}`,
      intent: { selector: options.selector, nodes: nodes.map((n) => n.id) },
      view: [],
      writeWorkingFile: false,
    });
    return { workflow: wf.name, nodes, savedCommit: saved.savedCommit, entry: result.entry };
  });
}
