import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { resolve } from '../engine/resolve.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerResolve(program: Command): void {
  program
    .command('resolve [workflow]')
    .description('settle conflicts of a stopped pull: a node (or one field of it) takes our side or theirs')
    .requiredOption('--node <id>', 'the node (or tab) whose conflicts to settle')
    .option('--field <path>', 'only this field, e.g. data/prompt')
    .option('--ours', 'keep our value')
    .option('--theirs', 'take their value')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { node: string; field?: string; ours?: boolean; theirs?: boolean; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        if (Boolean(opts.ours) === Boolean(opts.theirs)) throw new NbvError('BAD_USAGE', 'say --ours or --theirs');
        const result = await resolve(project, {
          ...(workflow === undefined ? {} : { workflow }),
          node: opts.node,
          ...(opts.field === undefined ? {} : { field: opts.field }),
          side: opts.ours ? 'ours' : 'theirs',
        });
        if (opts.json) return printJson(result);
        printLines([
          `${result.workflow}: ${result.settled.length} conflict${result.settled.length === 1 ? '' : 's'} settled (${opts.ours ? 'ours' : 'theirs'})`,
          result.remaining.length ? `  ${result.remaining.length} left` : "  none left: 'nbv merge --continue' records the merge",
        ]);
      }),
    );
}
