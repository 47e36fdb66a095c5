import type { Command } from 'commander';
import { addRemote, listRemotes, removeRemote } from '../engine/remote.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerRemote(program: Command): void {
  const remote = program.command('remote').description('the remotes this project pushes to and pulls from');
  remote
    .command('add <name> <url>')
    .description('add a remote (https://, ssh, a local folder or file://)')
    .action((name: string, url: string) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const added = await addRemote(project, name, url);
        printLines([`Added remote ${added.name}: ${added.url} (${added.kind})`]);
      }),
    );
  remote
    .command('remove <name>')
    .description('forget a remote (nothing on it changes)')
    .action((name: string) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        await removeRemote(project, name);
        printLines([`Removed remote ${name}`]);
      }),
    );
  remote
    .command('list')
    .description('the remotes, with their addresses')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const list = await listRemotes(project);
        if (opts.json) return printJson(list);
        printLines(list.length ? list.map((r) => `${r.name}\t${r.url}\t(${r.kind})`) : ["no remote; 'nbv remote add origin URL' adds one"]);
      }),
    );
}
