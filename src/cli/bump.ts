import type { Command } from 'commander';
import { bump } from '../engine/bump.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerBump(program: Command): void {
  program
    .command('bump [workflow]')
    .description('V0-N -> V0-N+1; the old version goes to backups/')
    .addHelpText('after', `\nExamples:\n  $ nbv bump -m "Scene 03: golden hour"\n  $ nbv bump XYZG3\n`)
    .option('-m, --message <msg>', 'what makes this a new version')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { message?: string; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await bump(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(opts.message === undefined ? {} : { message: opts.message }),
        });
        if (opts.json) return printJson({ ...result, entry: undefined, commit: result.entry.commit });
        printLines([
          `${result.workflow}: ${result.from.version} -> ${result.to.version} (commit ${short(result.entry.commit)})`,
          `  ${result.from.file} kept as ${result.backup}`,
          `  working file is now ${result.to.file}`,
          result.diff.nodes.length ? `  with ${result.diff.nodes.length} changed node(s) not recorded before the bump` : null,
        ]);
      }),
    );
}
