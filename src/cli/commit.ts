import type { Command } from 'commander';
import { commit } from '../engine/commit.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { examples } from './help.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerCommit(program: Command): void {
  const command = program
    .command('commit [workflow]')
    .description('record the working file as it is now (the change is classified per node); also a next version saved by hand, or edits saved into a retired file')
    .option('-m, --message <msg>', 'why this change was made (default: written from the change)')
    .option('--json', 'print JSON');
  examples(command, ['nbv commit -m "Scene 03: golden hour"', 'nbv commit            # message written from the change', 'nbv commit XYZG3 --json']);
  command.action((workflow: string | undefined, opts: { message?: string; json?: boolean }) =>
    withProject(program.opts<GlobalOptions>(), async (project) => {
      const result = await commit(project, { ...(workflow === undefined ? {} : { workflow }), ...(opts.message === undefined ? {} : { message: opts.message }) });
      if (opts.json) {
        return printJson(
          result.recorded
            ? { recorded: true, workflow: result.workflow, kind: result.kind, from: result.from, commit: result.entry.commit, version: result.entry.op.version, file: result.entry.op.file, savedCommit: result.savedCommit, message: result.entry.op.message, changes: result.diff }
            : { recorded: false, workflow: result.workflow, commit: result.entry.commit, reason: result.reason },
        );
      }
      if (!result.recorded) return printLines([`Nothing to commit: ${result.reason}`]);
      const { entry } = result;
      printLines([
        result.savedCommit ? `Recorded the last saved state of the old version first (commit ${short(result.savedCommit)}).` : null,
        result.kind === 'hand-bump' ? `Recorded ${entry.op.file}, saved by hand, as the bump to ${entry.op.version}; the old version is kept in backups/.` : null,
        result.kind === 'retired' ? `Took the edits saved into ${result.from} (retired by a bump) into ${entry.op.file}; ${result.from} is removed, its bytes are in history.` : null,
        `[${result.workflow} ${entry.op.version} ${short(entry.commit)}] ${entry.op.message.split('\n')[0]}`,
        ...describeDiff(result.diff, CONFIRMATION_NODES),
      ]);
    }),
  );
}
