import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginGrants } from '../host-interfaces/grants.js';
import { WorkloadError } from '@weld/compose/workload';
import { versionless } from '../instance.js';
import { serveHttp, type HttpService, type ServeOptions } from '../serve.js';
import type { SiblingLink } from '../serve/protocol.js';
import { grantsFor, prepareVolumes } from './grants.js';
import { assertLinked, type LoadedWorkload } from './load.js';
import { resolvePluginModule } from './plugins.js';

/**
 * Serves the workload component that exports wasi:http/incoming-handler the way `weld serve` serves one
 * component (a pool of workers, a fresh instance per request), with the siblings it imports from (directly or
 * through other siblings) made alongside each instance, each under its own grants and host plugins, and linked at
 * run time. Messaging subscriptions are held once for the server, by the pool's first worker.
 */
export async function serveWorkload(
  loaded: LoadedWorkload,
  options: Omit<ServeOptions, 'grants' | 'siblings' | 'links' | 'name'> & { pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>> },
): Promise<HttpService & { component: string }> {
  assertLinked(loaded);
  const handlers = loaded.manifest.components.filter((c) => loaded.components.get(c.name)!.interfaces.exports.some((e) => versionless(e) === 'wasi:http/incoming-handler'));
  if (handlers.length !== 1) {
    throw new WorkloadError(handlers.length === 0 ? 'not-found' : 'manifest-invalid', `${loaded.manifest.name}: ${handlers.length === 0 ? 'no component exports' : `${handlers.map((h) => h.name).join(' and ')} all export`} wasi:http/incoming-handler; weld serve serves one`);
  }
  const entry = handlers[0]!.name;
  // Per request, the handler and the siblings it reaches (directly or through other siblings), providers first;
  // for the messaging subscriptions (held once, by the pool's first worker), the components that handle messages
  // and what they reach.
  const reach = (roots: string[]): Set<string> => {
    const reached = new Set(roots);
    for (const name of [...loaded.plan.order].reverse()) {
      if (!reached.has(name)) continue;
      for (const l of loaded.plan.links) if (l.component === name && l.source.tag === 'sibling') reached.add(l.source.component);
    }
    return reached;
  };
  const perRequest = reach([entry]);
  const listening = reach(loaded.plan.hostCalls.map((c) => c.component));
  const linksOf = (name: string): SiblingLink[] =>
    loaded.plan.links.flatMap((l) => (l.component === name && l.source.tag === 'sibling' ? [{ importKey: versionless(l.import), from: l.source.component, exportName: l.source.export }] : []));
  const { pluginConfig, ...serveOptions } = options;
  const grantsOf = (name: string) => ({ ...grantsFor(loaded.components.get(name)!.spec, volumes), hostPlugins: pluginGrantsOf(loaded, name, pluginConfig) });
  const volumes = await prepareVolumes(loaded.manifest, path.dirname(loaded.file));
  try {
    const service = await serveHttp(loaded.components.get(entry)!.bytes, {
      ...serveOptions,
      name: entry,
      listening: listening.has(entry),
      grants: grantsOf(entry),
      links: linksOf(entry),
      siblings: loaded.plan.order
        .filter((n) => n !== entry && (perRequest.has(n) || listening.has(n)))
        .map((name) => ({ name, bytes: loaded.components.get(name)!.bytes, grants: grantsOf(name), links: linksOf(name), perRequest: perRequest.has(name), listening: listening.has(name) })),
    });
    return {
      ...service,
      component: entry,
      close: async () => {
        await service.close();
        await volumes.remove();
      },
    };
  } catch (e) {
    await volumes.remove();
    throw e;
  }
}

/**
 * The host plugins one component of the workload is granted, as the serve workers bind them (by interface): each
 * plugin its plan uses, configured as `instantiateWorkload` configures it (the manifest's hostInterfaces entry,
 * then the component's localResources.config, then flags), and the manifest's plugin modules.
 */
function pluginGrantsOf(loaded: LoadedWorkload, component: string, flags: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined): PluginGrants | undefined {
  const entries = new Map<string, number>();
  const uses = [
    ...loaded.plan.links.flatMap((l) => (l.component === component && l.source.tag === 'plugin' ? [l.source] : [])),
    ...loaded.plan.hostCalls.filter((c) => c.component === component),
  ];
  for (const u of uses) {
    const seen = entries.get(u.plugin);
    if (seen !== undefined && seen !== u.hostInterface) {
      throw new WorkloadError('manifest-unsupported', `${component} uses host plugin ${u.plugin} through two hostInterfaces entries; weld serve binds one per plugin`, {
        hint: 'merge the two entries, or run the workload with weld run / weld call',
      });
    }
    entries.set(u.plugin, u.hostInterface);
  }
  if (entries.size === 0) return undefined;
  const local = loaded.components.get(component)!.spec.localResources.config;
  const granted = Object.fromEntries([...entries].map(([plugin, i]) => [plugin, { ...loaded.manifest.hostInterfaces[i]!.config, ...local, ...flags?.[plugin] }]));
  const modules = loaded.manifest.plugins.map((spec) => pathToFileURL(resolvePluginModule(spec, path.dirname(loaded.file))).href);
  return { granted, modules };
}
