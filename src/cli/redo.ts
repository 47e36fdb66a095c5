import type { Command } from 'commander';
import { redo } from '../engine/redo.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { examples } from './help.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerRedo(program: Command): void {
  const command = program
    .command('redo [workflow]')
    .description('take back the last undo (as a new commit)')
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON');
  examples(command, ['nbv undo && nbv redo']);
  command.action((workflow: string | undefined, opts: { message?: string; json?: boolean }) =>
    withProject(program.opts<GlobalOptions>(), async (project) => {
      const result = await redo(project, {
        ...(workflow === undefined ? {} : { workflow }),
        ...(opts.message === undefined ? {} : { message: opts.message }),
      });
      if (opts.json) {
        return printJson({
          workflow: result.workflow,
          undo: result.undo.commit,
          redone: { commit: result.redone.commit, op: result.redone.op.op, message: result.redone.op.message },
          commit: result.entry.commit,
          version: result.entry.op.version,
          file: result.entry.op.file,
          backup: result.backup,
          changes: result.diff,
          more: result.more,
        });
      }
      printLines([
        `Redid ${result.redone.op.op} ${short(result.redone.commit)} "${result.redone.op.message.split('\n')[0]}" (commit ${short(result.entry.commit)}).`,
        `${result.entry.op.file} is ${result.entry.op.version} as it was after it.`,
        ...describeDiff(result.diff, CONFIRMATION_NODES),
        result.backup ? `The state it replaced is in ${result.backup}.` : null,
        result.more ? `'nbv redo' again takes back the undo before it.` : null,
      ]);
    }),
  );
}
