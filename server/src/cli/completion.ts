import type { Command } from 'commander';

function optionsOf(command: Command): string[] {
  return command.options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => Boolean(flag)));
}

/**
 * A completion script made from the commands themselves: command and subcommand names, then the options of the
 * command typed so far (the global ones included). zsh runs the bash script through bashcompinit.
 */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const globals = optionsOf(program).concat('--help');
  const cases: string[] = [];
  const top = program.commands.map((command) => command.name());
  for (const command of program.commands) {
    const subcommands = command.commands.map((sub) => sub.name());
    if (subcommands.length) {
      cases.push(`    "${command.name()}") words="${subcommands.join(' ')}" ;;`);
      for (const sub of command.commands) {
        cases.push(`    "${command.name()} ${sub.name()}") words="${[...optionsOf(sub), ...globals].join(' ')}" ;;`);
      }
    } else {
      cases.push(`    "${command.name()}") words="${[...optionsOf(command), ...globals].join(' ')}" ;;`);
    }
  }
  const bash = `# shiplog completion (${shell})
_shiplog_complete() {
  local current="\${COMP_WORDS[COMP_CWORD]}" path="" word words i
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    if [ -z "$path" ]; then path="$word"; elif [ "\${path#* }" = "$path" ]; then path="$path $word"; fi
  done
  case "$path" in
    "") words="${top.join(' ')} ${globals.join(' ')}" ;;
${cases.join('\n')}
    *) words="${globals.join(' ')}" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$current") )
}
complete -o default -F _shiplog_complete shiplog
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}
