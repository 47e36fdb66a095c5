// The binary: parse, call the engine, print. No logic lives here.
//
// Start-up cost is paid per command, so only the command that runs is loaded: each entry of
// COMMANDS imports its module on demand (the engine, isomorphic-git and zod come with it), and
// `nbv --version` loads nothing but the version. Help and unknown commands load them all, so
// commander can list them or suggest one. Adding a command is one line in COMMANDS.
import { TOOL_VERSION } from '../history/version.js';
import { EXIT_BAD_INPUT } from '../errors.js';
import type { Command } from 'commander';

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  init: () => import('./init.js').then((m) => m.registerInit),
  track: () => import('./track.js').then((m) => m.registerTrack),
  status: () => import('./status.js').then((m) => m.registerStatus),
  commit: () => import('./commit.js').then((m) => m.registerCommit),
  bump: () => import('./bump.js').then((m) => m.registerBump),
  wipe: () => import('./wipe.js').then((m) => m.registerWipe),
  restore: () => import('./restore.js').then((m) => m.registerRestore),
  undo: () => import('./undo.js').then((m) => m.registerUndo),
  log: () => import('./log.js').then((m) => m.registerLog),
  show: () => import('./show.js').then((m) => m.registerShow),
  diff: () => import('./diff.js').then((m) => m.registerDiff),
  backups: () => import('./backups.js').then((m) => m.registerBackups),
  verify: () => import('./verify.js').then((m) => m.registerVerify),
  gc: () => import('./gc.js').then((m) => m.registerGc),
  blame: () => import('./blame.js').then((m) => m.registerBlame),
  audit: () => import('./audit.js').then((m) => m.registerAudit),
  plan: () => import('./plan.js').then((m) => m.registerPlan),
  reroll: () => import('./reroll.js').then((m) => m.registerReroll),
  redo: () => import('./redo.js').then((m) => m.registerRedo),
  untrack: () => import('./untrack.js').then((m) => m.registerUntrack),
  completion: () => import('./completion.js').then((m) => m.registerCompletion),
  'git-setup': () => import('./gitSetup.js').then((m) => m.registerGitSetup),
  'git-diff': () => import('./gitDiff.js').then((m) => m.registerGitDiff),
  'git-textconv': () => import('./gitDiff.js').then((m) => m.registerGitTextconv),
  'merge-driver': () => import('./mergeDriver.js').then((m) => m.registerMergeDriver),
  run: () => import('./runner.js').then((m) => m.registerRun),
  watch: () => import('./watch.js').then((m) => m.registerWatch),
  variants: () => import('./variants.js').then((m) => m.registerVariants),
  ui: () => import('./ui.js').then((m) => m.registerUi),
  clone: () => import('./clone.js').then((m) => m.registerClone),
  remote: () => import('./remote.js').then((m) => m.registerRemote),
  push: () => import('./push.js').then((m) => m.registerPush),
  fetch: () => import('./fetch.js').then((m) => m.registerFetch),
  pull: () => import('./pull.js').then((m) => m.registerPull),
  merge: () => import('./merge.js').then((m) => m.registerMerge),
  resolve: () => import('./resolve.js').then((m) => m.registerResolve),
};

// Global options that take a value: their value is not the command name.
const GLOBAL_WITH_VALUE = new Set(['--author']);

/** The command the arguments name, or null when they name none we know (help, typos, nothing). */
function commandNamed(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (arg === '--') return null;
    else if (!arg.startsWith('-')) return Object.hasOwn(COMMANDS, arg) ? arg : null;
  }
  return null;
}

async function main(argv: string[]): Promise<void> {
  // `nbv help backups sync` is `nbv backups sync --help`, as git reads it.
  const args = argv[0] === 'help' && argv.length > 1 ? [...argv.slice(1), '--help'] : argv;
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${TOOL_VERSION}\n`);
    return;
  }
  const { Command, CommanderError } = await import('commander');
  const program = new Command('nbv')
    .description('version control for .nbflow workflows: every wipe, bump, edit and restore is a commit')
    .version(TOOL_VERSION)
    .option('--author <who>', "who is making this change ('Name <email>'); else NBV_AUTHOR, git config, OS user")
    .exitOverride()
    // A usage error is one line, as every other nbv error: "nbv: unknown option '--x'".
    .configureOutput({ outputError: (text, write) => write(`nbv: ${text.replace(/^error: /, '').trimEnd()}\n`) });

  const named = commandNamed(args);
  // The completion script lists every command, so it loads them all as help does.
  const wanted = named === null || named === 'completion' ? Object.keys(COMMANDS) : [named];
  const registers = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  const overrideExits = (command: Command): void =>
    command.commands.forEach((c) => overrideExits(c.exitOverride().configureOutput({ outputError: (text, write) => write(`nbv: ${text.replace(/^error: /, '').trimEnd()}\n`) })));
  overrideExits(program);

  try {
    await program.parseAsync(['node', 'nbv', ...args]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version are successes; every other parse failure is bad usage (exit 2).
      process.exit(err.exitCode === 0 ? 0 : EXIT_BAD_INPUT);
    }
    throw err;
  }
}

// `nbv audit | head`: the reader went away; that is the end of the output, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// Not a top-level await: the CLI is bundled as CommonJS (codeCache.ts), which has none. A failure
// that escapes main is an unhandled rejection: printed with its stack, exit status 1.
void main(process.argv.slice(2));
