import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { reroll } from '../engine/reroll.js';
import { short } from './format.js';
import { addSelectorOptions, isEmptySelector, selectorFrom, type SelectorFlags } from './options.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface RerollFlags extends SelectorFlags {
  message?: string;
  json?: boolean;
}

export function registerReroll(program: Command): void {
  const command = program
    .command('reroll [workflow]')
    .description("regenerate these nodes on the next run whatever their cache holds (no other node's cache is touched)")
    .addHelpText('after', `\nExamples:\n  $ nbv reroll --scene 03\n  $ nbv reroll --node img-s03 --node img-s05\n`);
  addSelectorOptions(command, false)
    .option('-m, --message <msg>', 'why')
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: RerollFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const selector = selectorFrom(flags);
        if (isEmptySelector(selector)) throw new NbvError('BAD_USAGE', 'say what to re-roll: --node ID, --scene N, --tab ID or --kind image|video');
        const result = await reroll(project, {
          ...(workflow === undefined ? {} : { workflow }),
          selector,
          ...(flags.message === undefined ? {} : { message: flags.message }),
        });
        const ids = result.nodes.map((n) => n.id);
        if (flags.json) return printJson({ workflow: result.workflow, nodes: ids, commit: result.entry.commit, savedCommit: result.savedCommit });
        printLines([
          result.savedCommit ? `Recorded your unsaved changes first (commit ${short(result.savedCommit)}).` : null,
          `Re-roll asked for ${ids.join(', ')} (commit ${short(result.entry.commit)}); no cache was touched.`,
          `The next run regenerates them whatever their cache holds; 'nbv plan' lists them until their cache changes.`,
          `The current take stays reachable: 'nbv variants --node ${ids[0]}' lists every take, 'nbv restore --node ${ids[0]} --variant K' brings one back.`,
        ]);
      }),
    );
}
