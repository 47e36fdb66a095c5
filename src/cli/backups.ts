import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../errors.js';
import { checkBackups, syncBackups } from '../engine/index.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerBackups(program: Command): void {
  const backups = program.command('backups').description('the backups/ folder, a view of history')
    .addHelpText('after', `\nExamples:\n  $ nbv backups check\n  $ nbv backups sync\n`);
  backups
    .command('check')
    .description('report every missing, altered or unknown file in backups/ (exit 1 on any)')
    .addHelpText('after', `\nExamples:\n  $ nbv backups check\n  $ nbv backups check --json\n`)
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const check = await checkBackups(project);
        if (opts.json) printJson(check);
        else {
          printLines([
            `${check.ok ? 'OK' : 'DRIFT'}: ${check.expected} file(s) expected from history`,
            ...check.missing.map((f) => `  missing  ${f.path}`),
            ...check.altered.map((f) => `  altered  ${f.path}`),
            ...check.unknown.map((p) => `  unknown  ${p} (not from history; left alone)`),
            ...check.outside.map((p) => `  outside  ${p}`),
            check.missing.length + check.altered.length ? `'nbv backups sync' rebuilds the view.` : null,
          ]);
        }
        return check.ok ? 0 : EXIT_CHECK_FAILED;
      }),
    );
  backups
    .command('sync')
    .description('rebuild backups/ from history (edited files are kept under .nbv/displaced/ first)')
    .addHelpText('after', `\nExamples:\n  $ nbv backups sync\n  $ nbv help backups sync\n`)
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await syncBackups(project);
        if (opts.json) return printJson({ written: result.written, displaced: result.displaced, unknown: result.unknown, working: result.working });
        printLines([
          `${result.written.length} file(s) written, ${result.before.expected - result.written.length} already right`,
          ...result.written.map((p) => `  wrote    ${p}`),
          ...result.working.map((p) => `  brought back the missing working file ${p}`),
          ...result.displaced.map((d) => `  kept your edited ${d.path} at ${d.keptAt}`),
          ...result.unknown.map((p) => `  unknown  ${p} (not from history; left alone)`),
        ]);
      }),
    );
}
