import { findProjectFileUpward } from '@weld/core/node';
import { resolve as resolvePath } from 'node:path';
import type { Policy } from './policy.js';

/**
 * The policy a command should enforce: `--policy FILE` when given (must contain a policy), else the `policy:`
 * section of the nearest `weld.yaml` (or `weld.yml`, as a project may be spelled) from `cwd` upwards, else
 * undefined (no policy: nothing enforced). The parser and the signature verification it brings are loaded only
 * when there is a file to read, so a pull outside any project does not load them.
 */
export async function resolvePolicy(options: { policyFile?: string; cwd?: string } = {}): Promise<Policy | undefined> {
  const cwd = options.cwd ?? process.cwd();
  if (options.policyFile) return (await import('./policy.js')).loadPolicy(resolvePath(cwd, options.policyFile), { requireSection: true });
  const found = findProjectFileUpward(cwd);
  return found ? (await import('./policy.js')).loadPolicy(found) : undefined;
}
