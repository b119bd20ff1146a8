import { existsSync, statSync } from 'node:fs';
import type { Policy } from '@weld/registry/transfer';

/**
 * The trust policy that applies to `component`: none for a local file (policies govern references), else the
 * one `--policy` or the nearest weld.yaml names. The registry is loaded only when a reference needs it.
 */
export async function policyFor(component: string, policyFile: string | undefined): Promise<Policy | undefined> {
  if (existsSync(component) && statSync(component).isFile() && policyFile === undefined) return undefined;
  const { resolvePolicy } = await import('@weld/registry/transfer');
  return resolvePolicy({ policyFile });
}
