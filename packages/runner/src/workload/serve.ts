import path from 'node:path';
import { WorkloadError } from '@weld/compose/workload';
import { versionless } from '../instance.js';
import { serveHttp, type HttpService, type ServeOptions } from '../serve.js';
import type { SiblingLink } from '../serve/protocol.js';
import { grantsFor, prepareVolumes } from './grants.js';
import { assertLinked, type LoadedWorkload } from './load.js';

/**
 * Serves the workload component that exports wasi:http/incoming-handler the way `weld serve` serves one
 * component (a pool of workers, a fresh instance per request), with the siblings it imports from (directly or
 * through other siblings) made alongside each instance, each under its own grants, and linked at run time.
 */
export async function serveWorkload(loaded: LoadedWorkload, options: Omit<ServeOptions, 'grants' | 'siblings' | 'links'>): Promise<HttpService & { component: string }> {
  assertLinked(loaded);
  const handlers = loaded.manifest.components.filter((c) => loaded.components.get(c.name)!.interfaces.exports.some((e) => versionless(e) === 'wasi:http/incoming-handler'));
  if (handlers.length !== 1) {
    throw new WorkloadError(handlers.length === 0 ? 'not-found' : 'manifest-invalid', `${loaded.manifest.name}: ${handlers.length === 0 ? 'no component exports' : `${handlers.map((h) => h.name).join(' and ')} all export`} wasi:http/incoming-handler; weld serve serves one`);
  }
  const entry = handlers[0]!.name;
  if (loaded.plan.links.some((l) => l.source.tag === 'plugin') || loaded.plan.hostCalls.length > 0) {
    throw new WorkloadError('manifest-unsupported', `${loaded.manifest.name}: serving a workload whose components use host plugins is not implemented yet`, {
      hint: "call its components with weld call, or run its service with weld run",
    });
  }
  // Only the siblings the handler reaches are made per request, providers first.
  const needed = new Set<string>([entry]);
  for (const name of [...loaded.plan.order].reverse()) {
    if (!needed.has(name)) continue;
    for (const l of loaded.plan.links) if (l.component === name && l.source.tag === 'sibling') needed.add(l.source.component);
  }
  const linksOf = (name: string): SiblingLink[] =>
    loaded.plan.links.flatMap((l) => (l.component === name && l.source.tag === 'sibling' ? [{ importKey: versionless(l.import), from: l.source.component, exportName: l.source.export }] : []));
  const volumes = await prepareVolumes(loaded.manifest, path.dirname(loaded.file));
  try {
    const service = await serveHttp(loaded.components.get(entry)!.bytes, {
      ...options,
      grants: grantsFor(loaded.components.get(entry)!.spec, volumes),
      links: linksOf(entry),
      siblings: loaded.plan.order
        .filter((n) => n !== entry && needed.has(n))
        .map((name) => ({ name, bytes: loaded.components.get(name)!.bytes, grants: grantsFor(loaded.components.get(name)!.spec, volumes), links: linksOf(name) })),
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
