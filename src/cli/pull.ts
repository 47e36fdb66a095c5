import type { Command } from 'commander';
import { pull } from '../engine/pull.js';
import { progressReporter } from './progress.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';
import { describePull } from './sync.js';

export function registerPull(program: Command): void {
  program
    .command('pull [remote]')
    .description("take a remote's work: fast-forward, or a three-way merge when both sides moved")
    .option('--json', 'print JSON')
    .action((remote: string | undefined, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const onProgress = opts.json ? undefined : progressReporter();
        const result = await pull(project, { ...(remote === undefined ? {} : { remote }), ...(onProgress ? { onProgress } : {}) });
        if (opts.json) printJson(result);
        else printLines(describePull(result));
        // Conflicts are not an error, but a script must notice them: exit 1 like a failed check.
        return result.workflows.some((w) => w.result === 'conflicts') ? 1 : 0;
      }),
    );
}
