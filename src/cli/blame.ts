import type { Command } from 'commander';
import { blame } from '../engine/blame.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface BlameFlags {
  node: string;
  field?: string;
  json?: boolean;
}

export function registerBlame(program: Command): void {
  program
    .command('blame [workflow]')
    .description("for each field of a node, the commit, version, author and date that last changed it")
    .addHelpText('after', `\nExamples:\n  $ nbv blame --node img-s03\n  $ nbv blame --node img-s03 --field prompt\n`)
    .requiredOption('--node <id>', 'the node, by id')
    .option('--field <path>', "only this field: a data field's name (prompt) or a JSON pointer inside the node (/data/_savedImages)")
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: BlameFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await blame(project, {
          node: flags.node,
          ...(workflow === undefined ? {} : { workflow }),
          ...(flags.field === undefined ? {} : { field: flags.field }),
        });
        if (flags.json) return printJson(result);
        const width = Math.min(28, Math.max(...result.fields.map((f) => f.path.length)));
        printLines([
          `${result.workflow} ${result.node}${result.title ? ` (${result.title})` : ''}`,
          ...result.fields.map((f) => {
            const who = f.author.replace(/\s*<.*>$/, '');
            const from = f.restoredFrom ? ` (from ${short(f.restoredFrom)})` : '';
            return `${f.path.padEnd(width)} ${short(f.commit)} ${f.date.slice(0, 16).replace('T', ' ')} ${f.op.padEnd(7)}${from} ${f.version.padEnd(5)} ${who}: ${f.message.split('\n')[0]}`;
          }),
        ]);
      }),
    );
}
