import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../errors.js';
import { verify } from '../engine/index.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('integrity of the whole store: every object rehashed, every patch replayed')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const report = await verify(project);
        if (opts.json) printJson(report);
        else {
          printLines([
            `${report.ok ? 'OK' : 'FAILED'}: ${report.workflows} workflow(s), ${report.commits} commits, ${report.objects} objects, ${report.tags} tags checked`,
            ...report.problems.map((p) => `  ${p.workflow ?? '-'} ${short(p.commit)} ${p.code}: ${p.detail}`),
          ]);
        }
        return report.ok ? 0 : EXIT_CHECK_FAILED;
      }),
    );
}
