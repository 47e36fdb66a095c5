// Help text every command shares: examples under --help, the way git and npm show them.
import type { Command } from 'commander';

export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
