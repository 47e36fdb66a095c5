import type { Command } from 'commander';
import { track } from '../engine/index.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerTrack(program: Command): void {
  program
    .command('track <file>')
    .description('start versioning a workflow file')
    .option('-m, --message <msg>', 'message of the first commit')
    .option('--json', 'print JSON')
    .action((file: string, opts: { message?: string; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await track(project, { file, ...(opts.message === undefined ? {} : { message: opts.message }) });
        if (opts.json) return printJson({ ...result, entry: undefined, commit: result.entry.commit });
        printLines([
          result.created
            ? `Tracking ${result.workflow} ${result.version} from ${result.file} (commit ${short(result.entry.commit)})`
            : `${result.workflow} is already tracked with these bytes (commit ${short(result.entry.commit)}); nothing to do`,
        ]);
      }),
    );
}
