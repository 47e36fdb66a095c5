import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { describeSummary, wipe } from '../engine/wipe.js';
import { short } from './format.js';
import { addSelectorOptions, isEmptySelector, selectorFrom, type SelectorFlags } from './options.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface WipeFlags extends SelectorFlags {
  bump?: boolean;
  dryRun?: boolean;
  message?: string;
  json?: boolean;
  stale?: boolean;
}

export function registerWipe(program: Command): void {
  const command = program
    .command('wipe [workflow]')
    .description('clear cached outputs of the selected generation nodes (the pre-wipe state is kept)')
    .addHelpText('after', `\nExamples:\n  $ nbv wipe --scene 03 --scene 05\n  $ nbv wipe --all --bump -m "fresh comparison run"\n  $ nbv wipe --stale --dry-run\n`);
  addSelectorOptions(command, true)
    .option('--stale', "the caches that no longer match their node ('nbv status' lists them)")
    .option('--bump', 'bump the version first (a clean run: the old version keeps its cache)')
    .option('--dry-run', 'show what would be wiped, change nothing')
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: WipeFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const selector = selectorFrom(flags);
        if (isEmptySelector(selector) && !flags.stale) throw new NbvError('BAD_USAGE', 'say what to wipe: --all, --node ID, --scene N, --tab ID or --kind image|video');
        const result = await wipe(project, {
          ...(workflow === undefined ? {} : { workflow }),
          selector,
          bump: flags.bump ?? false,
          ...(flags.stale ? { stale: true } : {}),
          dryRun: flags.dryRun ?? false,
          ...(flags.message === undefined ? {} : { message: flags.message }),
        });
        if (flags.json) {
          return printJson({
            workflow: result.workflow,
            recorded: result.recorded,
            dryRun: result.dryRun,
            selected: result.selected.map((n) => n.id),
            wiped: result.wiped,
            summary: result.summary,
            commit: result.entry?.commit ?? null,
            backup: result.backup,
            bump: result.bump ? { from: result.bump.from, to: result.bump.to, backup: result.bump.backup, commit: result.bump.entry.commit } : null,
            savedCommit: result.savedCommit,
          });
        }
        const what = `${describeSummary(result.summary)} (${result.summary.outputs} cached output${result.summary.outputs === 1 ? '' : 's'})`;
        if (flags.stale && result.selected.length === 0) return printLines(['Nothing to wipe: every cache matches its node. Nothing recorded.']);
        if (result.wiped.length === 0) {
          return printLines([`Nothing to wipe: the ${result.selected.length} selected node(s) have no cached output. Nothing recorded.`]);
        }
        if (result.dryRun) {
          return printLines([`Would wipe ${what}:`, ...result.wiped.map((w) => `  ${w.node} ${w.field} (${w.entries})`), 'Dry run: nothing changed.']);
        }
        printLines([
          result.savedCommit ? `Recorded your unsaved changes first (commit ${short(result.savedCommit)}).` : null,
          result.bump ? `Bumped ${result.bump.from.version} -> ${result.bump.to.version}; ${result.bump.from.file} kept as ${result.bump.backup}.` : null,
          `Wiped ${what} in ${result.entry!.op.file} (commit ${short(result.entry!.commit)}).`,
          `The pre-wipe state is in ${result.backup}; 'nbv undo' brings it back.`,
        ]);
      }),
    );
}
