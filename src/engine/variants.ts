// `nbv variants`: every take a node ever held (history/nodeVariants.ts), newest first, with the
// operation that made it and whether it was made with the node's inputs as they are now. A pure
// reader: no lock, nothing written but the history index it may refresh.
import { NbvError } from '../errors.js';
import { parseNbflow, selectNodes, type NodeSelector } from '../nbflow/index.js';
import { readState } from '../history/history.js';
import { nodeVariants, type NodeVariants } from '../history/nodeVariants.js';
import type { Project } from '../history/project.js';
import { readWorkingFile, resolveWorkflow } from '../history/workflows.js';

export type { NodeVariant, NodeVariants, VariantInputs, VariantOrigin } from '../history/nodeVariants.js';

export interface VariantsOptions {
  workflow?: string;
  node?: string;
  /** Every generation node of the scene (its image and its video node). */
  scene?: string;
}

export interface VariantsResult {
  workflow: string;
  file: string;
  nodes: NodeVariants[];
}

export async function variants(project: Project, options: VariantsOptions): Promise<VariantsResult> {
  if ((options.node === undefined) === (options.scene === undefined)) {
    throw new NbvError('BAD_USAGE', 'say whose takes to list: --node ID or --scene N (one of them)');
  }
  const wf = await resolveWorkflow(project, options.workflow);
  const file = wf.head.op.file;
  const working = await readWorkingFile(project, wf);
  const doc = working.kind === 'missing' ? (await readState(project, wf.head)).doc : parseNbflow(working.bytes, file).doc;
  const selector: NodeSelector = options.node !== undefined ? { nodes: [options.node] } : { scenes: [options.scene!] };
  const picked = selectNodes(doc, project.config, selector, file).filter((n) => n.isGeneration);
  if (picked.length === 0) throw new NbvError('BAD_USAGE', `${options.node ?? `scene ${options.scene}`} generates nothing; variants are takes of image or video nodes`, { file });
  const nodes: NodeVariants[] = [];
  for (const ref of picked) nodes.push(await nodeVariants(project, wf, ref.id, doc));
  return { workflow: wf.name, file, nodes };
}
