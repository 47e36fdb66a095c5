import type { Command } from 'commander';
import { variants, type NodeVariants } from '../engine/variants.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface VariantsFlags {
  node?: string;
  scene?: string;
  json?: boolean;
}

function describe(node: NodeVariants): string[] {
  const label = `${node.node}${node.title ? ` (${node.title})` : ''}`;
  if (node.variants.length === 0) return [`${label}: no take recorded yet.`];
  const lines = [`${label}: ${node.variants.length} take${node.variants.length === 1 ? '' : 's'}, newest first:`];
  for (const v of node.variants) {
    const counts = Object.entries(v.counts).map(([field, n]) => `${n} in ${field}`).join(', ');
    const marks = [v.current ? 'current' : null, v.matchesCurrentInputs ? 'made with the current inputs' : 'made with other inputs'].filter(Boolean).join('; ');
    lines.push(`  ${String(v.index).padStart(2)}  ${v.madeBy.date.slice(0, 16).replace('T', ' ')}  ${v.madeBy.op.padEnd(7)} ${short(v.madeBy.commit)}  ${counts}  [${marks}]`);
    lines.push(`      ${v.inputs.model ?? ''}${v.inputs.prompt ? `  "${v.inputs.prompt}"` : ''}`);
    if (v.urls[0]) lines.push(`      ${v.urls[0]}`);
  }
  if (node.unrecorded) lines.push(`  The working file holds a take not recorded yet ('nbv commit' records it).`);
  lines.push(`  'nbv restore --node ${node.node} --variant K' brings take K back.`);
  return lines;
}

export function registerVariants(program: Command): void {
  program
    .command('variants [workflow]')
    .description('every cache (take) a node ever held, newest first, with the operation and inputs that made it')
    .option('--node <id>', 'the node')
    .option('--scene <n>', "every generation node of a scene: '03' matches 'Scene 03'")
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: VariantsFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await variants(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(flags.node === undefined ? {} : { node: flags.node }),
          ...(flags.scene === undefined ? {} : { scene: flags.scene }),
        });
        if (flags.json) return printJson(result);
        printLines(result.nodes.flatMap(describe));
      }),
    );
}
