import type { Command } from 'commander';
import { gitSetup, nbvInvocation } from '../engine/gitSetup.js';
import { fail, printJson, printLines } from './run.js';

export function registerGitSetup(program: Command): void {
  program
    .command('git-setup')
    .description("make git diff and merge .nbflow files with nbv (.gitattributes and git config)")
    .option('--global', "for every repository of this user (the user's git config and attributes file)")
    .option('--json', 'print JSON')
    .action(async (opts: { global?: boolean; json?: boolean }) => {
      try {
        const invocation = await nbvInvocation(process.argv[1] ?? 'nbv', process.execPath);
        const result = await gitSetup({ global: opts.global ?? false, cwd: process.cwd(), invocation });
        if (opts.json) return printJson(result);
        const changed = result.config.filter((c) => c.changed);
        printLines([
          result.attributes.changed ? `Wrote '*.nbflow diff=nbflow merge=nbflow' to ${result.attributes.file}.` : `${result.attributes.file} already has the .nbflow line.`,
          ...result.config.map((c) => `${c.changed ? 'Set' : 'Already set'} ${result.scope} git config ${c.key} = ${c.value}`),
          changed.length === 0 && !result.attributes.changed ? 'Nothing changed: git already diffs and merges .nbflow files with nbv.' : null,
        ]);
      } catch (err) {
        fail(err);
      }
    });
}
