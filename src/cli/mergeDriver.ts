// git's merge driver for .nbflow files: `merge.nbflow.driver = nbv merge-driver %O %A %B %P`.
// The result goes into %A; a non-zero exit makes git mark the path conflicted.
import type { Command } from 'commander';
import { mergeDriver } from '../engine/gitDriver.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, formatError } from '../errors.js';
import { describeConflict } from '../merging/index.js';
import { fail } from './run.js';

export function registerMergeDriver(program: Command): void {
  program
    .command('merge-driver <base> <ours> <theirs> [path]')
    .description("git's merge driver for .nbflow files (set up by 'nbv git-setup')")
    .action(async (base: string, ours: string, theirs: string, file: string | undefined) => {
      try {
        const name = file ?? ours;
        const outcome = await mergeDriver({ base, ours, theirs, path: name, cwd: process.cwd() });
        if (outcome.kind === 'fallback') {
          process.stderr.write(`nbv: ${formatError(outcome.error)}\n`);
          process.stderr.write(`nbv: ${name}: not merged node by node; the file holds git's line merge${outcome.textConflicts ? ' with conflict markers' : ''}\n`);
          process.exitCode = EXIT_BAD_INPUT;
          return;
        }
        const { result } = outcome;
        if (result.clean) {
          process.stderr.write(`nbv: ${name}: merged node by node (${result.taken.theirs.length} change${result.taken.theirs.length === 1 ? '' : 's'} from theirs)\n`);
          return;
        }
        const n = result.conflicts.length;
        process.stderr.write(`nbv: ${name}: ${n} conflict${n === 1 ? '' : 's'}; the file keeps ours at ${n === 1 ? 'it' : 'each'} and stays valid JSON:\n`);
        for (const conflict of result.conflicts) process.stderr.write(`  conflict: ${describeConflict(conflict)}\n`);
        process.exitCode = EXIT_CHECK_FAILED;
      } catch (err) {
        fail(err);
      }
    });
}
