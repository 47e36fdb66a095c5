import { InvalidArgumentError, type Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../errors.js';
import { verify, type VerifyAnchor } from '../engine/verify.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

function anchor(value: string, previous: VerifyAnchor[] = []): VerifyAnchor[] {
  const m = /^(.+)@(\d+):([0-9a-f]{64})$/.exec(value);
  if (!m) throw new InvalidArgumentError(`'${value}' is not WORKFLOW@SEQ:CHAIN (as 'nbv verify' prints a head)`);
  return [...previous, { workflow: m[1]!, seq: Number(m[2]), hash: m[3]! }];
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('integrity of the whole store: objects rehashed, op records chained, patches replayed, tags and backups/ checked')
    .addHelpText('after', `\nExamples:\n  $ nbv verify\n  $ nbv verify --json\n`)
    .option('--anchor <workflow@seq:chain>', 'a head printed by an earlier verify, kept elsewhere: it must still be in history (repeatable)', anchor)
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean; anchor?: VerifyAnchor[] }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const report = await verify(project, opts.anchor ? { anchors: opts.anchor } : {});
        if (opts.json) printJson(report);
        else {
          printLines([
            `${report.ok ? 'OK' : 'FAILED'}: ${report.workflows} workflow(s), ${report.commits} commits, ${report.objects} objects, ${report.tags} tags checked`,
            ...report.problems.map((p) => `  ${p.workflow ?? '-'} ${short(p.commit)} ${p.code}: ${p.detail}`),
            ...report.notes.map((n) => `  note: ${n}`),
            ...report.heads.map((h) => `  head ${h.chain ? `${h.workflow}@${h.seq}:${h.chain}` : `${h.workflow} (no chain)`} (keep it elsewhere to anchor this history)`),
          ]);
        }
        return report.ok ? 0 : EXIT_CHECK_FAILED;
      }),
    );
}
