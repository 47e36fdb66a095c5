import type { Command } from 'commander';
import { untrack } from '../engine/untrack.js';
import { short } from './format.js';
import { examples } from './help.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerUntrack(program: Command): void {
  const command = program
    .command('untrack <workflow>')
    .description('stop versioning a workflow; its history is kept under refs/nbv/untracked/')
    .option('--json', 'print JSON');
  examples(command, ['nbv untrack "My Workflow"', 'git --git-dir=.nbv log refs/nbv/untracked/']);
  command.action((workflow: string, opts: { json?: boolean }) =>
    withProject(program.opts<GlobalOptions>(), async (project) => {
      const result = await untrack(project, { workflow });
      if (opts.json) return printJson(result);
      printLines([
        `Untracked ${result.workflow}: its history (head ${short(result.head)}, ${result.tags.length} version tag${result.tags.length === 1 ? '' : 's'}) is kept as ${result.archivedAs}.`,
        `${result.file} and backups/ are left as they are; 'git --git-dir=.nbv log ${result.archivedAs}' shows the history.`,
      ]);
    }),
  );
}
