import type { Command } from 'commander';
import { undo } from '../engine/index.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerUndo(program: Command): void {
  program
    .command('undo [workflow]')
    .description('bring back the state before the last operation (as a new commit)')
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, opts: { message?: string; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await undo(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(opts.message === undefined ? {} : { message: opts.message }),
        });
        if (opts.json) {
          return printJson({
            workflow: result.workflow,
            undone: { commit: result.undone.commit, op: result.undone.op.op, message: result.undone.op.message },
            commit: result.entry.commit,
            version: result.entry.op.version,
            file: result.entry.op.file,
            backup: result.backup,
            savedCommit: result.savedCommit,
            changes: result.diff,
          });
        }
        printLines([
          result.savedCommit ? `Recorded your unsaved changes first (commit ${short(result.savedCommit)}).` : null,
          `Undid ${result.undone.op.op} ${short(result.undone.commit)} "${result.undone.op.message.split('\n')[0]}" (commit ${short(result.entry.commit)}).`,
          `${result.entry.op.file} is ${result.entry.op.version} as it was before it.`,
          ...describeDiff(result.diff, CONFIRMATION_NODES),
          result.backup ? `The state it replaced is in ${result.backup}.` : null,
        ]);
      }),
    );
}
