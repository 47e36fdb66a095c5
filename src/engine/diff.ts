// `nbv diff [REF [REF]]`: per-node semantic differences between two states; the working file is
// the default right-hand side and HEAD the default left.
import { NbvError } from '../errors.js';
import { diffDocuments, diffEdges, parseNbflow, type DocumentDiff, type EdgeChange, type ParsedNbflow } from '../nbflow/index.js';
import { makePatch } from '../json/index.js';
import { readState } from '../history/history.js';
import type { Project } from '../history/project.js';
import { resolveStateRef } from '../history/resolveRef.js';
import { readWorkingFile, resolveWorkflow, type WorkflowHead } from '../history/workflows.js';

export interface DiffOptions {
  workflow?: string;
  from?: string;
  to?: string;
  cwd?: string;
}

export interface DiffSide {
  label: string;
  commit: string | null;
}

export interface DiffResult {
  workflow: string;
  from: DiffSide;
  to: DiffSide;
  diff: DocumentDiff;
  /** Edges added, removed or changed, named by their ends. */
  edges: EdgeChange[];
  patch: unknown[];
}

async function side(project: Project, wf: WorkflowHead, ref: string | undefined, cwd?: string): Promise<{ side: DiffSide; parsed: ParsedNbflow }> {
  if (ref === undefined) {
    const working = await readWorkingFile(project, wf);
    if (working.kind === 'missing') {
      throw new NbvError('FILE_NOT_FOUND', `the working file is missing; name two REFs to compare recorded states`, {
        file: wf.head.op.file,
      });
    }
    return { side: { label: wf.head.op.file, commit: null }, parsed: parseNbflow(working.bytes, wf.head.op.file) };
  }
  const entry = await resolveStateRef(project, wf, ref, cwd);
  const parsed = await readState(project, entry);
  return { side: { label: `${ref} (${entry.commit.slice(0, 7)})`, commit: entry.commit }, parsed };
}

export async function diff(project: Project, options: DiffOptions): Promise<DiffResult> {
  const wf = await resolveWorkflow(project, options.workflow);
  const left = await side(project, wf, options.from ?? 'HEAD', options.cwd);
  const right = await side(project, wf, options.to, options.cwd);
  return {
    workflow: wf.name,
    from: left.side,
    to: right.side,
    diff: diffDocuments(left.parsed.doc, right.parsed.doc, project.config),
    edges: diffEdges(left.parsed.doc, right.parsed.doc),
    patch: makePatch(left.parsed.doc, right.parsed.doc) as unknown[],
  };
}
