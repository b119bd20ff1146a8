import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkloadError } from '@weld/compose/workload';
import type { HostPlugin } from '../host-interfaces/types.js';

/**
 * Loads the host plugins a weld.yaml names in `plugins:`: a path (`./my-plugin`, relative to the manifest's
 * folder) or a package name resolved from that folder. Each module's default export must be a `HostPlugin`.
 */
export async function loadPlugins(specs: readonly string[], baseDir: string): Promise<HostPlugin[]> {
  const require = createRequire(path.join(baseDir, 'weld.yaml'));
  const out: HostPlugin[] = [];
  for (const spec of specs) {
    let resolved: string;
    try {
      resolved = require.resolve(/^(\.{1,2}\/|\/)/.test(spec) ? path.resolve(baseDir, spec) : spec);
    } catch (e) {
      throw new WorkloadError('plugin-invalid', `plugins: cannot find ${spec} from ${baseDir}`, { cause: e, hint: 'give a path (./my-plugin) or an installed package name' });
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
    } catch (e) {
      throw new WorkloadError('plugin-invalid', `plugins: ${spec} failed to load: ${(e as Error).message}`, { cause: e });
    }
    out.push(checkPlugin(mod.default, spec));
  }
  const names = new Map<string, string>();
  for (const [i, p] of out.entries()) {
    if (names.has(p.name)) throw new WorkloadError('plugin-invalid', `plugins: ${specs[i]} and ${names.get(p.name)} are both named "${p.name}"`);
    names.set(p.name, specs[i]!);
  }
  return out;
}

function checkPlugin(value: unknown, spec: string): HostPlugin {
  const p = value as Partial<HostPlugin> | undefined;
  const problem =
    p === null || typeof p !== 'object'
      ? 'has no default export object'
      : typeof p.name !== 'string' || p.name.length === 0
        ? 'has no `name`'
        : !Array.isArray(p.interfaces) || p.interfaces.length === 0 || p.interfaces.some((i) => typeof i !== 'string')
          ? 'has no `interfaces` list of WIT interface names'
          : typeof p.create !== 'function'
            ? 'has no `create(context)` function'
            : undefined;
  if (problem) throw new WorkloadError('plugin-invalid', `plugins: ${spec} ${problem}`, { hint: 'a plugin module default-exports { name, interfaces, create } (see HostPlugin)' });
  return p as HostPlugin;
}
