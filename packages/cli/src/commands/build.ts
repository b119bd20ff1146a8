import type { Command } from 'commander';

export function registerBuild(program: Command): void {
  program.command('build').description('build components from weld.yaml');
}
