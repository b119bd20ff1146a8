import type { Command } from 'commander';
import { CliError } from '@weld/core';

/** What completion needs of one command: its subcommands and its long options. */
interface CommandShape {
  name: string;
  summary: string;
  options: string[];
  subcommands: CommandShape[];
}

function shapeOf(cmd: Command): CommandShape {
  return {
    name: cmd.name(),
    summary: cmd.description().split('\n')[0]!.replace(/\s+/g, ' '),
    options: cmd.options.map((o) => o.long ?? o.short).filter((f): f is string => Boolean(f)),
    subcommands: cmd.commands.filter((c) => c.name() !== 'completion' || cmd.parent).map(shapeOf),
  };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Bash (and zsh through bashcompinit): a command first, then a subcommand where the command has them, then
 * options when the word starts with `-`, else file names (components, WIT folders, specs).
 */
function bash(root: CommandShape): string {
  const cases: string[] = [];
  for (const c of root.subcommands) {
    cases.push(`    ${c.name}) subs=${quote(c.subcommands.map((s) => s.name).join(' '))}; opts=${quote([...c.options, ...root.options].join(' '))}`);
    if (c.subcommands.length > 0) {
      cases.push('      case "$sub" in');
      for (const s of c.subcommands) cases.push(`        ${s.name}) opts=${quote([...s.options, ...root.options].join(' '))} ;;`);
      cases.push('      esac');
    }
    cases.push('      ;;');
  }
  return `# weld completion for bash; zsh: autoload -U +X bashcompinit && bashcompinit, then source this
_weld() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" sub="" subs="" opts=${quote(root.options.join(' '))} i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) if [ -z "$cmd" ]; then cmd="\${COMP_WORDS[i]}"; elif [ -z "$sub" ]; then sub="\${COMP_WORDS[i]}"; fi ;;
    esac
  done
  case "$cmd" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -z "$cmd" ]; then COMPREPLY=($(compgen -W ${quote(root.subcommands.map((c) => c.name).join(' '))} -- "$cur"))
  elif [ -n "$subs" ] && [ -z "$sub" ]; then COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _weld weld
`;
}

function fish(root: CommandShape): string {
  const lines = ['# weld completion for fish: weld completion fish > ~/.config/fish/completions/weld.fish', 'complete -c weld -f'];
  for (const o of root.options) if (o.startsWith('--')) lines.push(`complete -c weld -l ${o.slice(2)}`);
  for (const c of root.subcommands) {
    lines.push(`complete -c weld -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`);
    for (const s of c.subcommands) {
      lines.push(`complete -c weld -n '__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${c.subcommands.map((x) => x.name).join(' ')}' -a ${s.name} -d ${quote(s.summary)}`);
      for (const o of s.options) if (o.startsWith('--')) lines.push(`complete -c weld -n '__fish_seen_subcommand_from ${s.name}' -l ${o.slice(2)}`);
    }
    for (const o of c.options) if (o.startsWith('--')) lines.push(`complete -c weld -n '__fish_seen_subcommand_from ${c.name}' -l ${o.slice(2)}`);
    lines.push(`complete -c weld -n '__fish_seen_subcommand_from ${c.name}' -F`);
  }
  return lines.join('\n') + '\n';
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: weld completion bash|zsh|fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\n  bash:  source <(weld completion bash)\n  zsh:   source <(weld completion zsh)\n  fish:  weld completion fish > ~/.config/fish/completions/weld.fish')
    .action((shell: string) => {
      const root = shapeOf(program);
      if (shell === 'bash') process.stdout.write(bash(root));
      else if (shell === 'zsh') process.stdout.write(`autoload -U +X bashcompinit && bashcompinit\n${bash(root)}`);
      else if (shell === 'fish') process.stdout.write(fish(root));
      else throw new CliError('usage', `weld completion ${shell}: unknown shell (expected bash, zsh or fish)`, { exit: 2 });
    });
}
