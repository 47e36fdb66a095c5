import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { restore } from '../engine/restore.js';
import { CONFIRMATION_NODES, describeDiff, short } from './format.js';
import { addSelectorOptions, isEmptySelector, positiveInt, selectorFrom, type SelectorFlags } from './options.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface RestoreFlags extends SelectorFlags {
  message?: string;
  json?: boolean;
  variant?: number;
}

export function registerRestore(program: Command): void {
  const command = program
    .command('restore [args...]')
    .usage('[WORKFLOW] REF [--node ID | --scene N]... | [WORKFLOW] --node ID --variant K')
    .description('bring back a recorded state byte for byte, or only chosen nodes\' cache')
    .addHelpText('after', `\nExamples:\n  $ nbv restore HEAD\n  $ nbv restore V0-2\n  $ nbv restore backups/XYZG3-V0-3.nbflow.bak-2026-05-12-pre-cache-wipe --scene 05\n  $ nbv restore --scene 03 --variant 2\n`);
  addSelectorOptions(command, false)
    .option('--variant <k>', "take K of the node, as 'nbv variants' lists them (1 = newest)", positiveInt)
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON')
    .action((args: string[], flags: RestoreFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const most = flags.variant === undefined ? 2 : 1;
        if (args.length > most || (flags.variant === undefined && args.length === 0)) {
          throw new NbvError('BAD_USAGE', flags.variant === undefined ? `restore takes [WORKFLOW] REF, got ${args.length} arguments` : `with --variant, restore takes [WORKFLOW] only, got ${args.length} arguments`);
        }
        const [workflow, ref] = flags.variant !== undefined ? [args[0], undefined] : args.length === 2 ? [args[0], args[1]!] : [undefined, args[0]!];
        const selector = selectorFrom(flags);
        const result = await restore(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(ref === undefined ? {} : { ref }),
          ...(flags.variant === undefined ? {} : { variant: flags.variant }),
          ...(isEmptySelector(selector) ? {} : { selector }),
          ...(flags.message === undefined ? {} : { message: flags.message }),
        });
        if (flags.json) {
          return printJson({
            workflow: result.workflow,
            recorded: result.recorded,
            broughtBack: result.broughtBack,
            reason: result.reason,
            from: result.from.commit,
            nodes: result.nodes,
            commit: result.entry?.commit ?? null,
            backup: result.backup,
            savedCommit: result.savedCommit,
            changes: result.diff,
            staleRestored: result.staleRestored,
          });
        }
        if (result.broughtBack) return printLines([`Brought back ${result.reason!.replace(/ was missing; it is back as /, ' as ')} (${short(result.from.commit)}); nothing to record.`]);
        if (!result.recorded) return printLines([`Nothing to restore: ${result.reason}.`]);
        printLines([
          result.savedCommit ? `Recorded your unsaved changes first (commit ${short(result.savedCommit)}).` : null,
          result.nodes.length
            ? `Restored the cache of ${result.nodes.join(', ')} from ${flags.variant === undefined ? ref : `take ${flags.variant}`} (${short(result.from.commit)}) (commit ${short(result.entry!.commit)}).`
            : `Restored ${result.entry!.op.file} to ${ref}${result.from.commit.startsWith(ref ?? '') ? '' : ` (${short(result.from.commit)})`}, byte for byte (commit ${short(result.entry!.commit)}).`,
          ...describeDiff(result.diff!, CONFIRMATION_NODES),
          `The state it replaced is in ${result.backup}.`,
          ...result.staleRestored.map(
            (n) => `warning: the restored cache of ${n.node} does not match the node now (${n.reasons.map((r) => r.code).join(', ')}): the runner regenerates it ('nbv plan'); 'nbv wipe --stale' clears it`,
          ),
        ]);
      }),
    );
}
