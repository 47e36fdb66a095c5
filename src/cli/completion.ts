// `nbv completion bash|zsh|fish`: a script for the shell that completes nbv's commands and their
// flags, generated from the same commander definitions the binary parses with.
import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { examples } from './help.js';

interface Entry {
  name: string;
  flags: string[];
  subcommands: string[];
}

function entries(program: Command): Entry[] {
  return program.commands
    .filter((c) => c.name() !== 'completion')
    .map((c) => ({
      name: c.name(),
      flags: c.options.map((o) => o.long ?? o.short ?? '').filter(Boolean),
      subcommands: c.commands.map((s) => s.name()),
    }));
}

export function completionScript(shell: string, list: Entry[]): string {
  const names = [...list.map((e) => e.name), 'completion', 'help'].join(' ');
  if (shell === 'bash') {
    const cases = list.map((e) => `    ${e.name}) words="${[...e.subcommands, ...e.flags].join(' ')}" ;;`).join('\n');
    return `# nbv completion for bash: eval "$(nbv completion bash)"
_nbv() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then words="${names}"; else
  case "\${COMP_WORDS[1]}" in
${cases}
    completion) words="bash zsh fish" ;;
    *) words="" ;;
  esac; fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -o filenames -F _nbv nbv
`;
  }
  if (shell === 'zsh') {
    const cases = list.map((e) => `    ${e.name}) compadd -- ${[...e.subcommands, ...e.flags].join(' ')}; _files ;;`).join('\n');
    return `#compdef nbv
# nbv completion for zsh: eval "$(nbv completion zsh)"
_nbv() {
  if (( CURRENT == 2 )); then compadd -- ${names}; return; fi
  case "\${words[2]}" in
${cases}
    completion) compadd -- bash zsh fish ;;
    *) _files ;;
  esac
}
compdef _nbv nbv
`;
  }
  if (shell === 'fish') {
    const lines = [`# nbv completion for fish: nbv completion fish | source`, `complete -c nbv -n '__fish_use_subcommand' -a '${names}'`];
    for (const e of list) {
      for (const sub of e.subcommands) lines.push(`complete -c nbv -n '__fish_seen_subcommand_from ${e.name}' -a '${sub}'`);
      for (const flag of e.flags) lines.push(`complete -c nbv -n '__fish_seen_subcommand_from ${e.name}' -l '${flag.replace(/^--?/, '')}'`);
    }
    lines.push(`complete -c nbv -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'`);
    return lines.join('\n') + '\n';
  }
  throw new NbvError('BAD_USAGE', `completion for '${shell}' is not available (bash, zsh or fish)`);
}

export function registerCompletion(program: Command): void {
  const command = program.command('completion <shell>').description('print a shell completion script (bash, zsh or fish)');
  examples(command, ['eval "$(nbv completion bash)"   # in ~/.bashrc', 'nbv completion fish | source']);
  command.action((shell: string) => {
    try {
      process.stdout.write(completionScript(shell, entries(program)));
    } catch (err) {
      process.stderr.write(`nbv: ${(err as Error).message}\n`);
      process.exit(2);
    }
  });
}
