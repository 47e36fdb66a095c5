// `nbv run [WORKFLOW] [--clean] -- CMD [ARG...]` (the file is not run.ts: that name holds what
// every command shares). nbv's own lines go to stderr, so the runner's output on stdout is
// streamed untouched; `--json` prints the result on stdout once the runner is done.
import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { run, type RunResult, type RunStart } from '../engine/run.js';
import { formatRange } from './plan.js';
import { short } from './format.js';
import { printJson, withProject, type GlobalOptions } from './run.js';

interface RunFlags {
  clean?: boolean;
  message?: string;
  json?: boolean;
}

const say = (line: string | null) => line !== null && process.stderr.write(`nbv: ${line}\n`);

function started(s: RunStart): void {
  if (s.savedCommit) say(`recorded your unsaved changes first (commit ${short(s.savedCommit)})`);
  if (s.bump) say(`bumped ${s.bump.from.version} -> ${s.bump.to.version}: ${s.bump.to.file}; ${s.bump.from.file} is in ${s.bump.backup} (commit ${short(s.bump.entry.commit)})`);
  if (s.wipe) say(`wiped every cache (commit ${short(s.wipe.commit)}); the pre-wipe state is in ${s.wipeBackup}`);
  const n = s.plan.regenerate.length;
  say(`${s.workflow} ${s.plan.version}: the runner is handed ${n} node${n === 1 ? '' : 's'} to generate (~${formatRange(s.plan.seconds)}), ${s.plan.reused} cache${s.plan.reused === 1 ? '' : 's'} reused`);
}

function finished(r: RunResult): void {
  const { run: ran } = r;
  const seconds = (ran.durationMs / 1000).toFixed(1);
  const stop = ran.signal ?? `exit ${ran.exitCode}`;
  say(`run recorded (commit ${short(r.entry.commit)}): filled ${ran.filled.length} of ${ran.planned.length} planned node${ran.planned.length === 1 ? '' : 's'} in ${seconds} s${ran.interrupted ? `; the runner stopped (${stop}): marked interrupted` : ''}`);
  if (ran.lastCompleteSave) {
    say(`the runner died while saving ${r.file}: its last complete save is what is recorded${r.partialFile ? `; the half-written bytes are in ${r.partialFile}` : ''}`);
  }
  if (ran.interrupted) say(`don't wipe: the cache holds what succeeded. Re-run it: only the ${ran.unfilled.length} unfilled node${ran.unfilled.length === 1 ? ' is' : 's are'} planned ('nbv plan').`);
}

export function registerRun(program: Command): void {
  program
    .command('run [args...]')
    .usage('[WORKFLOW] [--clean] -- CMD [ARG...]')
    .description('run a generation runner under nbv (the plan in NBV_PLAN, the file in NBV_FILE) and record its results as one operation')
    .option('--clean', "the seed's clean mode: bump, wipe every cache, then run")
    .option('-m, --message <msg>', 'the run\'s message')
    .option('--json', 'print the result as JSON once the runner is done')
    .action((args: string[], flags: RunFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        // Everything after `--` is the runner's; before it, at most a WORKFLOW.
        const dash = process.argv.indexOf('--');
        const runner = dash < 0 ? [] : process.argv.slice(dash + 1);
        const own = dash < 0 ? args : args.slice(0, Math.max(0, args.length - runner.length));
        if (runner.length === 0) throw new NbvError('BAD_USAGE', `say what to run after '--': nbv run [WORKFLOW] [--clean] -- CMD [ARG...]`);
        if (own.length > 1) throw new NbvError('BAD_USAGE', `run takes at most one WORKFLOW before '--', got ${own.join(' ')}`);
        const result = await run(project, {
          ...(own[0] === undefined ? {} : { workflow: own[0] }),
          command: runner,
          clean: flags.clean ?? false,
          forwardSignals: true,
          ...(flags.message === undefined ? {} : { message: flags.message }),
          onStart: started,
        });
        if (flags.json) printJson({ workflow: result.workflow, file: result.file, commit: result.entry.commit, exitStatus: result.exitStatus, partialFile: result.partialFile, bump: result.bump?.entry.commit ?? null, wipe: result.wipe?.commit ?? null, ...result.run });
        else finished(result);
        return result.exitStatus;
      }),
    );
}
