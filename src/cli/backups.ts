import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../errors.js';
import { checkBackups, syncBackups } from '../engine/backups.js';
import { adoptBackup } from '../engine/backupsAdopt.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerBackups(program: Command): void {
  const backups = program.command('backups').description('the backups/ folder, a view of history')
    .addHelpText('after', `\nExamples:\n  $ nbv backups check\n  $ nbv backups sync\n  $ nbv backups sync --all\n  $ nbv backups adopt "backups/XYZG3-V0-3 copy.nbflow"\n`);
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
            ...check.altered.map((f) => `  altered  ${f.path}${f.beyondRetention ? ' (beyond the retention rule)' : ''}`),
            check.beyond.length ? `  ${check.beyond.length} file(s) beyond the retention rule still on disk ('nbv backups sync' removes them)` : null,
            ...check.unknown.map((p) => `  unknown  ${p} (not from history; left alone; 'nbv backups adopt FILE' takes it in)`),
            ...check.outside.map((p) => `  outside  ${p}`),
            check.missing.length + check.altered.length ? `'nbv backups sync' rebuilds the view.` : null,
          ]);
        }
        return check.ok ? 0 : EXIT_CHECK_FAILED;
      }),
    );
  backups
    .command('sync')
    .description('rebuild backups/ from history, keeping what the retention rule keeps (edited files are kept under .nbv/displaced/ first)')
    .addHelpText('after', `\nExamples:\n  $ nbv backups sync\n  $ nbv backups sync --all     # every file history defines, ignoring retention\n  $ nbv help backups sync\n`)
    .option('--all', 'write every file history defines, ignoring the retention rule')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean; all?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await syncBackups(project, { all: opts.all === true });
        if (opts.json) return printJson({ written: result.written, displaced: result.displaced, unknown: result.unknown, working: result.working, removed: result.removed });
        printLines([
          `${result.written.length} file(s) written, ${result.before.expected - result.written.length} already right${result.removed.length ? `, ${result.removed.length} beyond the retention rule removed (still in history; 'nbv backups sync --all' brings them back)` : ''}`,
          ...result.written.map((p) => `  wrote    ${p}`),
          ...result.working.map((p) => `  brought back the missing working file ${p}`),
          ...result.displaced.map((d) => `  kept your edited ${d.path} at ${d.keptAt}`),
          ...result.unknown.map((p) => `  unknown  ${p} (not from history; left alone)`),
        ]);
      }),
    );
  backups
    .command('adopt')
    .description('take a hand-made copy in backups/ into history, so it is no longer "unknown"')
    .argument('<file>', 'the copy, in a backups/ folder')
    .addHelpText('after', `\nExamples:\n  $ nbv backups adopt "backups/XYZG3-V0-3 copy.nbflow"\n  $ nbv backups adopt backups/XYZG3-V0-3.nbflow.bak-2026-05-12-before-relight\n`)
    .option('--json', 'print JSON')
    .action((file: string, opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const result = await adoptBackup(project, file);
        if (opts.json) return printJson(result);
        printLines([
          result.commit === null
            ? `${result.path} is already in the view (history holds its bytes); nothing to adopt`
            : `adopted ${result.path} into ${result.workflow}'s history (${result.commit.slice(0, 7)}); the working file is untouched`,
        ]);
      }),
    );
}
