import type { Command } from 'commander';
import { commit } from '../engine/index.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerCommit(program: Command): void {
  program
    .command('commit [workflow]')
    .description('record the working file as it is now (the change is classified per node)')
    .requiredOption('-m, --message <msg>', 'why this change was made')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { message: string; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await commit(project, { ...(workflow === undefined ? {} : { workflow }), message: opts.message });
        if (opts.json) {
          return printJson(
            result.recorded
              ? { recorded: true, workflow: result.workflow, commit: result.entry.commit, version: result.entry.op.version, changes: result.diff }
              : { recorded: false, workflow: result.workflow, commit: result.entry.commit, reason: result.reason },
          );
        }
        if (!result.recorded) return printLines([`Nothing to commit: ${result.reason}`]);
        printLines([`[${result.workflow} ${result.entry.op.version} ${short(result.entry.commit)}] ${opts.message.split('\n')[0]}`, ...describeDiff(result.diff, CONFIRMATION_NODES)]);
      }),
    );
}
