import type { Command } from 'commander';
import { log } from '../engine/index.js';
import { describeLogItem } from './format.js';
import { collect, positiveInt } from './options.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface LogFlags {
  node?: string[];
  scene?: string[];
  op?: string[];
  number?: number;
  json?: boolean;
}

export function registerLog(program: Command): void {
  program
    .command('log [workflow]')
    .description('history, newest first')
    .option('--node <id>', 'only commits that touched this node (repeatable)', collect)
    .option('--scene <n>', 'only commits that touched this scene (repeatable)', collect)
    .option('--op <kind>', 'only this operation: track, commit, wipe, bump, restore, undo, import (repeatable)', collect)
    .option('-n, --number <n>', 'at most n entries', positiveInt)
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: LogFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const items = await log(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(flags.node ? { nodes: flags.node } : {}),
          ...(flags.scene ? { scenes: flags.scene } : {}),
          ...(flags.op ? { ops: flags.op } : {}),
          ...(flags.number ? { limit: flags.number } : {}),
        });
        if (flags.json) return printJson(items);
        printLines(items.length ? items.map(describeLogItem) : ['no matching history']);
      }),
    );
}
