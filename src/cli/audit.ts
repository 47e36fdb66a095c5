import { InvalidArgumentError, type Command } from 'commander';
import { audit, auditToCsv, auditToJsonl } from '../engine/audit.js';
import { collect } from './options.js';
import { printJson, withProject, type GlobalOptions } from './run.js';

interface AuditFlags {
  since?: string;
  until?: string;
  author?: string;
  op?: string[];
  format: 'jsonl' | 'csv';
  json?: boolean;
}

function format(value: string): 'jsonl' | 'csv' {
  if (value !== 'jsonl' && value !== 'csv') throw new InvalidArgumentError(`'${value}' is not jsonl or csv`);
  return value;
}

export function registerAudit(program: Command): void {
  program
    .command('audit [workflow]')
    .description('export the audit trail: one record per operation, oldest first, every workflow unless one is named')
    .option('--since <when>', 'only operations on or after this date (2026-05-12) or time (2026-05-12T10:00:00+02:00)')
    .option('--until <when>', 'only operations on or before this date or time')
    .option('--author <who>', 'only operations by this person (part of the name or email, any case)')
    .option('--op <kind>', 'only this operation (repeatable)', collect)
    .option('--format <format>', 'jsonl (one JSON object per line) or csv (RFC 4180)', format, 'jsonl')
    .option('--json', 'one JSON array of the records (as every listing takes --json)')
    .addHelpText('after', `\nExamples:\n  $ nbv audit --since 2.weeks.ago\n  $ nbv audit --op wipe --format csv > wipes.csv\n  $ nbv audit --json | jq '.[].op'\n`)
    .action((workflow: string | undefined, flags: AuditFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        // As in log: the program's --author lands here when it comes before the command name.
        const author = flags.author ?? program.opts<GlobalOptions>().author;
        const records = await audit(project, {
          ...(workflow === undefined ? {} : { workflow }),
          ...(flags.since === undefined ? {} : { since: flags.since }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          ...(author === undefined ? {} : { author }),
          ...(flags.op ? { ops: flags.op } : {}),
        });
        if (flags.json) return printJson(records);
        process.stdout.write(flags.format === 'csv' ? auditToCsv(records) : auditToJsonl(records));
      }),
    );
}
