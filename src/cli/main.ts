// The nbv binary: parse, call the engine, print. No logic lives here.
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../engine/version.js';
import { EXIT_BAD_INPUT } from '../errors.js';
import { registerBackups } from './backups.js';
import { registerBump } from './bump.js';
import { registerCommit } from './commit.js';
import { registerDiff } from './diff.js';
import { registerInit } from './init.js';
import { registerLog } from './log.js';
import { registerRestore } from './restore.js';
import { registerShow } from './show.js';
import { registerStatus } from './status.js';
import { registerTrack } from './track.js';
import { registerUndo } from './undo.js';
import { registerVerify } from './verify.js';
import { registerWipe } from './wipe.js';

const program = new Command('nbv')
  .description('version control for .nbflow workflows: every wipe, bump, edit and restore is a commit')
  .version(TOOL_VERSION)
  .option('--author <who>', "who is making this change ('Name <email>'); else NBV_AUTHOR, git config, OS user")
  .showHelpAfterError('(nbv --help lists the commands)')
  .exitOverride();

for (const register of [
  registerInit, registerTrack, registerStatus, registerCommit, registerBump, registerWipe, registerRestore,
  registerUndo, registerLog, registerShow, registerDiff, registerBackups, registerVerify,
]) {
  register(program);
}
const overrideExits = (command: Command): void => command.commands.forEach((c) => overrideExits(c.exitOverride()));
overrideExits(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and --version are successes; every other parse failure is bad usage (exit 2).
    process.exit(err.exitCode === 0 ? 0 : EXIT_BAD_INPUT);
  }
  throw err;
}
