import type { Command } from 'commander';
import { diff } from '../engine/diff.js';
import { describeDiff } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerDiff(program: Command): void {
  program
    .command('diff [from] [to]')
    .description('per-node differences; default HEAD against the working file')
    .addHelpText('after', `\nExamples:\n  $ nbv diff\n  $ nbv diff V0-2 V0-3\n  $ nbv diff HEAD~1 HEAD --json\n`)
    .option('-w, --workflow <name>', 'the workflow (when the project has several)')
    .option('--patch', 'print the RFC 6902 patch')
    .option('--json', 'print JSON')
    .action((from: string | undefined, to: string | undefined, opts: { workflow?: string; patch?: boolean; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await diff(project, {
          ...(opts.workflow === undefined ? {} : { workflow: opts.workflow }),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        });
        if (opts.patch) return printJson(result.patch);
        if (opts.json) return printJson({ workflow: result.workflow, from: result.from, to: result.to, ...result.diff, edges: result.edges });
        printLines([`${result.workflow}: ${result.from.label} -> ${result.to.label}`, ...describeDiff(result.diff, Infinity, result.edges)]);
      }),
    );
}
