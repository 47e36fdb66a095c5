import type { Command } from 'commander';
import { show } from '../engine/show.js';
import { describeDiff, short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerShow(program: Command): void {
  program
    .command('show <ref>')
    .description('one recorded state: its operation, per-node changes, and patch')
    .addHelpText('after', `\nExamples:\n  $ nbv show HEAD\n  $ nbv show V0-2 --patch\n`)
    .option('-w, --workflow <name>', 'the workflow (when the project has several)')
    .option('--patch', 'print the RFC 6902 patch from its parent')
    .option('--json', 'print JSON')
    .action((ref: string, opts: { workflow?: string; patch?: boolean; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await show(project, { ref, ...(opts.workflow === undefined ? {} : { workflow: opts.workflow }) });
        if (opts.json) return printJson({ ...result.item, record: result.record, changes: result.diff, ...(opts.patch ? { patch: result.patch } : {}) });
        if (opts.patch) return printJson(result.patch);
        const { item } = result;
        printLines([
          `commit ${item.commit}`,
          `op:      ${item.op}`,
          `version: ${item.version} (${item.file}, ${result.bytes} bytes)`,
          `author:  ${item.author}`,
          `date:    ${item.date}`,
          item.parent ? `parent:  ${short(item.parent)}` : null,
          item.backups.length ? `backups: ${item.backups.join(', ')}` : null,
          '',
          `    ${item.message.split('\n').join('\n    ')}`,
          '',
          ...describeDiff(result.diff, Infinity, result.edges),
        ]);
      }),
    );
}
