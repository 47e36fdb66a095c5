import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { mergeAbort, mergeContinue } from '../engine/merge.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('after a pull that stopped on conflicts: --continue records the merge, --abort brings ours back')
    .option('--continue', 'record the merge (every conflict resolved, or the file edited by hand)')
    .option('--abort', 'put our state back, byte for byte')
    .option('--json', 'print JSON')
    .action((opts: { continue?: boolean; abort?: boolean; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        if (Boolean(opts.continue) === Boolean(opts.abort)) throw new NbvError('BAD_USAGE', 'say --continue or --abort');
        if (opts.continue) {
          const result = await mergeContinue(project);
          if (opts.json) return printJson(result.merged.map((m) => ({ workflow: m.workflow, commit: m.entry.commit, parents: m.entry.stored.parents, handEdited: m.handEdited })));
          return printLines(result.merged.map((m) => `[${m.workflow} ${m.entry.op.version} ${short(m.entry.commit)}] merged (parents ${m.entry.stored.parents.map(short).join(' ')})`));
        }
        const result = await mergeAbort(project);
        if (opts.json) return printJson(result);
        printLines([...result.restored.map((r) => `${r.workflow}: ${r.file} is back at ${short(r.commit)}`), ...result.displaced.map((d) => `  your hand edits are kept at ${d}`)]);
      }),
    );
}
