import type { Command } from 'commander';
import { fetch } from '../engine/fetch.js';
import { progressReporter } from './progress.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';
import { describeFetch } from './sync.js';

export function registerFetch(program: Command): void {
  program
    .command('fetch [remote]')
    .description("download a remote's history and compare; nothing of yours changes")
    .option('--json', 'print JSON')
    .action((remote: string | undefined, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const onProgress = opts.json ? undefined : progressReporter();
        const result = await fetch(project, { ...(remote === undefined ? {} : { remote }), ...(onProgress ? { onProgress } : {}) });
        if (opts.json) return printJson(result);
        printLines(describeFetch(result));
      }),
    );
}
