import type { Command } from 'commander';
import { initProject } from '../history/project.js';
import { contextFrom, fail, printJson, printLines, type GlobalOptions } from './run.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the store (.nbv/) in the current folder')
    .addHelpText('after', `\nExamples:\n  $ nbv init && nbv track XYZG3-V0-3.nbflow\n`)
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      try {
        const project = await initProject(process.cwd(), contextFrom(program.opts<GlobalOptions>()));
        if (opts.json) printJson({ root: project.root, store: project.gitdir });
        else printLines([`Initialized an empty nbv store in ${project.gitdir}`, `Next: nbv track <NAME>-V0-N.nbflow`]);
      } catch (err) {
        fail(err);
      }
    });
}
