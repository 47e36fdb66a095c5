import type { Command } from 'commander';
import { push } from '../engine/push.js';
import { progressReporter } from './progress.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';
import { describePush } from './sync.js';

export function registerPush(program: Command): void {
  program
    .command('push [remote]')
    .description("send every workflow's history, version tags and settings to a remote (never rewrites it)")
    .option('--json', 'print JSON')
    .action((remote: string | undefined, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const onProgress = opts.json ? undefined : progressReporter();
        const result = await push(project, { ...(remote === undefined ? {} : { remote }), ...(onProgress ? { onProgress } : {}) });
        if (opts.json) return printJson(result);
        printLines(describePush(result));
      }),
    );
}
