import type { Command } from 'commander';
import { logout } from '@weld/registry';
import { emit, globals } from '../context.js';

export function registerLogout(program: Command): void {
  program
    .command('logout')
    .description("remove a registry's saved credential from Docker's config.json (or its credential helper)")
    .argument('<registry>', 'registry host[:port]')
    .action(async (registry: string, _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const removed = await logout(registry);
      emit(g, { registry, removed }, () => [removed ? `logged out of ${registry}` : `no saved credential for ${registry}`]);
    });
}
