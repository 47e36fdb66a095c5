import type { Command } from 'commander';
import { undo } from '../engine/undo.js';
import type { HistoryEntry } from '../history/history.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { examples } from './help.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

const named = (e: HistoryEntry) => `${e.op.op} ${short(e.commit)} "${e.op.message.split('\n')[0]}"`;
const entryJson = (e: HistoryEntry | null) => (e ? { commit: e.commit, op: e.op.op, message: e.op.message } : null);

export function registerUndo(program: Command): void {
  const command = program
    .command('undo [workflow]')
    .description('undo the last operation (as a new commit); again: the one before it')
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON');
  examples(command, ['nbv undo', 'nbv undo XYZG3 -m "wrong scene"', 'nbv redo']);
  command.action((workflow: string | undefined, opts: { message?: string; json?: boolean }) =>
    withProject(program.opts<GlobalOptions>(), async (project) => {
      const result = await undo(project, {
        ...(workflow === undefined ? {} : { workflow }),
        ...(opts.message === undefined ? {} : { message: opts.message }),
      });
      if (opts.json) {
        return printJson({
          workflow: result.workflow,
          recorded: result.recorded,
          noop: result.noop,
          undone: entryJson(result.undone),
          commit: result.entry?.commit ?? null,
          version: result.entry?.op.version ?? null,
          file: result.entry?.op.file ?? null,
          backup: result.backup,
          savedCommit: result.savedCommit,
          changes: result.diff,
          next: entryJson(result.next),
        });
      }
      const next = result.next ? `'nbv undo' again would undo ${named(result.next)}.` : 'Nothing earlier to undo: the rest is the start of tracking.';
      if (!result.recorded) {
        return printLines([`Nothing undone: your last command (${result.noop!.what}) recorded nothing.`, next]);
      }
      printLines([
        result.savedCommit ? `Recorded your unsaved changes first (commit ${short(result.savedCommit)}).` : null,
        `Undid ${named(result.undone!)} (commit ${short(result.entry!.commit)}).`,
        `${result.entry!.op.file} is ${result.entry!.op.version} as it was before it.`,
        ...describeDiff(result.diff!, CONFIRMATION_NODES),
        result.backup ? `The state it replaced is in ${result.backup}.` : null,
        `${next} 'nbv redo' takes this undo back.`,
      ]);
    }),
  );
}
