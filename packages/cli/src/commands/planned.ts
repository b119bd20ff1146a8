import type { Command } from 'commander';
import { CliError } from '@weld/core';

/** Commands of the target CLI surface (DESIGN.md) that this version does not implement yet. */
const PLANNED: Array<{ parent?: string; name: string; summary: string; usage: string }> = [
  { name: 'workload', summary: 'check, plan and emit wasmCloud workloads', usage: 'check|plan|k8s <workload.yaml>' },
];

/**
 * Registers the planned commands so `weld --help` shows the whole surface and using one fails with a clear
 * `not-implemented` error (exit 2) instead of commander's "unknown command".
 */
export function registerPlanned(program: Command): void {
  for (const planned of PLANNED) {
    const parent = planned.parent ? program.commands.find((c) => c.name() === planned.parent) : program;
    if (!parent) throw new Error(`planned command ${planned.name}: no parent command ${planned.parent}`);
    const full = planned.parent ? `${planned.parent} ${planned.name}` : planned.name;
    parent
      .command(planned.name)
      .description(`${planned.summary} (not implemented yet)`)
      .usage(planned.usage)
      .allowUnknownOption(true)
      .allowExcessArguments(true)
      .action(() => {
        throw new CliError('not-implemented', `weld ${full} is not implemented in this version`, {
          exit: 2,
          hint: 'see `weld --help` for the commands that are available',
        });
      });
  }
}
