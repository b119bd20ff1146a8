import { existsSync, statSync } from 'node:fs';
import { CliError } from '@weld/core';
import { projectFileIn } from '@weld/core/node';
import type { GrantFlags } from './grant-flags.js';

/** A YAML file, or a folder with a weld.yaml: `weld run`, `call` and `serve` then treat it as a workload. */
export function isWorkloadTarget(target: string): boolean {
  if (/\.ya?ml$/i.test(target)) return true;
  return existsSync(target) && statSync(target).isDirectory() && projectFileIn(target) !== undefined;
}

/** A workload's grants come from each component's localResources; a flag could not say which component it is for. */
export function rejectGrantFlags(opts: GrantFlags): void {
  const given = [
    opts.env?.length && '--env',
    opts.dir?.length && '--dir',
    opts.allowHost?.length && '--allow-host',
    opts.allowListen?.length && '--allow-listen',
    opts.allowLookup && '--allow-lookup',
    opts.stdin && '--stdin',
  ].filter(Boolean);
  if (given.length > 0) {
    throw new CliError('usage', `${given.join(', ')}: a workload's grants come from each component's localResources, not from flags`, {
      hint: 'add them to the component in the manifest (environment, volumeMounts, allowedHosts, allowedIpNameLookups)',
    });
  }
}
