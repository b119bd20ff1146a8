import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkloadError } from '@weld/compose/workload';
import { validatePlugin } from '../host-interfaces/plugins.js';
import type { HostPlugin } from '../host-interfaces/types.js';

/**
 * Loads the host plugins a weld.yaml names in `plugins:`: a path (`./my-plugin`, relative to the manifest's
 * folder) or a package name resolved from that folder. Each module's default export must be a `HostPlugin`
 * (checked by the runner's `validatePlugin`, as `--plugin` modules are).
 */
/** The file of a `plugins:` entry: a path relative to `baseDir`, or a package resolved from there. */
export function resolvePluginModule(spec: string, baseDir: string): string {
  try {
    return createRequire(path.join(baseDir, 'weld.yaml')).resolve(/^(\.{1,2}\/|\/)/.test(spec) ? path.resolve(baseDir, spec) : spec);
  } catch (e) {
    throw new WorkloadError('plugin-invalid', `plugins: cannot find ${spec} from ${baseDir}`, { cause: e, hint: 'give a path (./my-plugin) or an installed package name' });
  }
}

export async function loadPlugins(specs: readonly string[], baseDir: string): Promise<HostPlugin[]> {
  const out: HostPlugin[] = [];
  for (const spec of specs) {
    const resolved = resolvePluginModule(spec, baseDir);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
    } catch (e) {
      throw new WorkloadError('plugin-invalid', `plugins: ${spec} failed to load: ${(e as Error).message}`, { cause: e });
    }
    out.push(validatePlugin(mod.default, `plugins: ${spec}`));
  }
  const names = new Map<string, string>();
  for (const [i, p] of out.entries()) {
    if (names.has(p.name)) throw new WorkloadError('plugin-invalid', `plugins: ${specs[i]} and ${names.get(p.name)} are both named "${p.name}"`);
    names.set(p.name, specs[i]!);
  }
  return out;
}
