import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerWit } from './wit.js';

/** Every subcommand registers itself here; one line per command file. */
export function registerCommands(program: Command): void {
  registerBuild(program);
  registerWit(program);
}
