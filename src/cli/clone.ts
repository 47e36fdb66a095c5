import type { Command } from 'commander';
import { clone } from '../engine/clone.js';
import { progressReporter } from './progress.js';
import { contextFrom, fail, printJson, printLines, type GlobalOptions } from './run.js';

export function registerClone(program: Command): void {
  program
    .command('clone <url> [dir]')
    .description('a project from a remote: store, settings, every working file, backups/')
    .option('--json', 'print JSON')
    .action(async (url: string, dir: string | undefined, opts: { json?: boolean }) => {
      try {
        const onProgress = opts.json ? undefined : progressReporter();
        const result = await clone({ url, ...(dir === undefined ? {} : { dir }), context: contextFrom(program.opts<GlobalOptions>()), ...(onProgress ? { onProgress } : {}) });
        if (opts.json) return printJson(result);
        printLines([
          `Cloned ${result.url} into ${result.root}`,
          result.empty ? '  the remote is empty: track a workflow, then nbv push' : null,
          ...result.workflows.map((w) => `  ${w.name} ${w.version}: ${w.file}`),
          ...result.notes.map((n) => `  note: ${n}`),
        ]);
      } catch (err) {
        fail(err);
      }
    });
}
