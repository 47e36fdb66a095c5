import type { Command } from 'commander';
import { log } from '../engine/log.js';
import { OP_KINDS } from '../history/opRecord.js';
import { describeLogItem } from './format.js';
import { collect, positiveInt } from './options.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

interface LogFlags {
  node?: string[];
  scene?: string[];
  op?: string[];
  author?: string;
  since?: string;
  until?: string;
  number?: number;
  json?: boolean;
}

export function registerLog(program: Command): void {
  program
    .command('log [workflow]')
    .description('history, newest first')
    .addHelpText('after', `\nExamples:\n  $ nbv log -n 10\n  $ nbv log --scene 03 --op wipe\n  $ nbv log --since 2.weeks.ago --author jane\n`)
    .option('--node <id>', 'only commits that touched this node (repeatable)', collect)
    .option('--scene <n>', 'only commits that touched this scene (repeatable)', collect)
    .option('--op <kind>', `only this operation: ${OP_KINDS.join(', ')} (repeatable)`, collect)
    .option('--author <who>', 'only changes by this person (part of the name or email, any case)')
    .option('--since <when>', 'only changes on or after this date (2026-05-12, yesterday, 2.weeks.ago) or time (2026-05-12T10:00:00+02:00)')
    .option('--until <when>', 'only changes on or before this date or time')
    .option('-n, --number <n>', 'at most n entries', positiveInt)
    .option('--json', 'print JSON')
    .action((workflow: string | undefined, flags: LogFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        // The program's own --author (who makes a change) takes the flag wherever it stands; log
        // makes no change, so here it is the filter.
        const author = flags.author ?? program.opts<GlobalOptions>().author;
        const items = await log(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(flags.node ? { nodes: flags.node } : {}),
          ...(flags.scene ? { scenes: flags.scene } : {}),
          ...(flags.op ? { ops: flags.op } : {}),
          ...(author === undefined ? {} : { author }),
          ...(flags.since === undefined ? {} : { since: flags.since }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          ...(flags.number ? { limit: flags.number } : {}),
        });
        if (flags.json) return printJson(items);
        printLines(items.length ? items.map(describeLogItem) : ['no matching history']);
      }),
    );
}
