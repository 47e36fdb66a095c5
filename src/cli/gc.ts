import type { Command } from 'commander';
import { gc } from '../engine/gc.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('pack the store: every version as a delta against its neighbour, in a pack the real git reads')
    .addHelpText('after', `\nExamples:\n  $ nbv gc\n`)
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await gc(project);
        if (opts.json) return printJson(result);
        const { before, after, pack } = result;
        const was = `${kb(before.looseBytes)} in ${before.looseObjects} loose objects, ${kb(before.packBytes)} in ${before.packs} pack(s)`;
        printLines([
          result.packed
            ? `Packed ${pack.objects} objects (${pack.deltas} as deltas) into one pack: ${kb(after.packBytes + after.looseBytes)} (was ${was})`
            : `Nothing to pack: ${was}`,
        ]);
      }),
    );
}
