import path from 'node:path';
import { WorkloadError, type Link } from '@weld/compose/workload';
import { resolveSocketGrants } from '../grants.js';
import { createHost, loadHostShim, useOwnKit, type Denial, type Host, type StdioRoute } from '../host.js';
import { kitInUse } from '../host-shim.js';
import type { HostPluginInstance } from '../host-interfaces/types.js';
import { versionless } from '../instance.js';
import { ensureTranspiled, openTranspiled } from '../transpile-cache.js';
import { grantsFor, prepareVolumes } from './grants.js';
import { borrowedArguments } from './borrows.js';
import { guardLinkedExports } from './on-stack.js';
import { assertLinked, type LoadedWorkload } from './load.js';

export interface InstantiateOptions {
  /** Arguments after argv[0] for every component (argv[0] is the component's name). */
  args?: string[];
  stdio?: StdioRoute;
  onDenied?: (denial: Denial) => void;
  /** Caps every linear memory of every component (as `--max-memory`). */
  maxMemoryBytes?: number;
  /** Configuration from flags by plugin name (`--kv` → keyvalue, `--config` → config, …), applied after the manifest's. */
  pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Volume folders made by the caller (a guest thread's parent), by volume name; they outlive this instance. */
  volumeDirs?: ReadonlyMap<string, string>;
}

/** Every component of a workload instantiated and linked, in one thread. */
export interface RunningWorkload {
  /** jco's export objects of each instance, by component name. */
  instances: ReadonlyMap<string, Record<string, any>>;
  /** Stops the workload: plugins close (subscriptions, connections), descriptors close, ephemeral volumes go. */
  close(): Promise<void>;
}

const NETWORK = /^wasi:(sockets|http)\//;

/**
 * Instantiates every component under its own grants (its `localResources`), siblings first, and links at run
 * time: an import a sibling satisfies is handed that sibling's export object as jco gives it out, so values
 * and resource handles cross between instances through the bindings' own lifting and lowering (a handle's
 * resource stays in the instance that defines it). Imports from host interfaces come from each plugin's
 * `create`, once per component. Refuses to start when the plan has problems.
 */
export async function instantiateWorkload(loaded: LoadedWorkload, options: InstantiateOptions = {}): Promise<RunningWorkload> {
  assertLinked(loaded);
  const networked = [...loaded.components.values()].some((c) => c.interfaces.imports.some((i) => NETWORK.test(versionless(i))));
  if (networked) {
    if (kitInUse() === 'own') throw new WorkloadError('manifest-unsupported', 'a networked workload after a shim-free run in the same thread is not supported');
    await loadHostShim();
  } else useOwnKit();
  const volumes = options.volumeDirs ? { dirs: new Map(options.volumeDirs), remove: async () => undefined } : await prepareVolumes(loaded.manifest, path.dirname(loaded.file));
  const instances = new Map<string, Record<string, any>>();
  const hosts: Host[] = [];
  const pluginInstances: Array<{ component: string; instance: HostPluginInstance }> = [];
  const onDenied = options.onDenied ?? (() => undefined);
  const close = async () => {
    for (const p of [...pluginInstances].reverse()) await p.instance.close();
    for (const h of [...hosts].reverse()) h.close();
    await volumes.remove();
  };
  try {
    for (const name of loaded.plan.order) {
      const component = loaded.components.get(name)!;
      const links = loaded.plan.links.filter((l) => l.component === name);
      const grants = await resolveSocketGrants(grantsFor(component.spec, volumes));
      const host = createHost({ grants, args: [name, ...(options.args ?? [])], stdio: options.stdio, onDenied });
      hosts.push(host);
      const imports: Record<string, unknown> = { ...host.imports };
      for (const [key, value] of Object.entries(await pluginImports(loaded, name, links, options, pluginInstances))) imports[key] = value;
      for (const link of links) {
        if (link.source.tag !== 'sibling') continue;
        const provider = instances.get(link.source.component)!;
        const exported = provider[link.source.export] ?? provider[versionless(link.source.export)];
        if (exported === undefined) throw new WorkloadError('link-failed', `${link.source.component} does not hand out ${link.source.export} after instantiation`);
        imports[versionless(link.import)] = exported;
      }
      const info = await ensureTranspiled(component.bytes);
      const transpiled = await openTranspiled(info, { maxMemoryBytes: options.maxMemoryBytes });
      try {
        instances.set(name, guardLinkedExports(name, await transpiled.instantiate(imports), borrowedArguments(component.bytes)));
      } catch (e) {
        if ((e as { code?: string }).code === 'limit-exceeded') throw e;
        throw new WorkloadError('link-failed', `instantiating ${name} failed: ${(e as Error).message}`, { cause: e });
      }
    }
    for (const p of pluginInstances) await p.instance.start?.(instances.get(p.component)!);
  } catch (e) {
    await close();
    throw e;
  }
  return { instances, close };
}

/** One plugin instance per component and host-interface entry, with the config merged as the plugin API documents. */
async function pluginImports(loaded: LoadedWorkload, component: string, links: Link[], options: InstantiateOptions, made: Array<{ component: string; instance: HostPluginInstance }>): Promise<Record<string, unknown>> {
  const groups = new Map<string, { plugin: string; hostInterface: number; imports: string[] }>();
  const group = (plugin: string, hostInterface: number) => {
    const key = `${plugin}#${hostInterface}`;
    const g = groups.get(key) ?? { plugin, hostInterface, imports: [] };
    groups.set(key, g);
    return g;
  };
  for (const l of links) if (l.source.tag === 'plugin') group(l.source.plugin, l.source.hostInterface).imports.push(l.import);
  // A plugin that calls the component's export (a message handler) is created for it too, and reaches it through start().
  for (const c of loaded.plan.hostCalls) if (c.component === component) group(c.plugin, c.hostInterface);
  const out: Record<string, unknown> = {};
  const spec = loaded.components.get(component)!.spec;
  for (const g of groups.values()) {
    const plugin = loaded.plugins.find((p) => p.name === g.plugin);
    if (!plugin) throw new WorkloadError('plugin-invalid', `host plugin ${g.plugin} is not loaded where ${component} runs`);
    const entry = loaded.manifest.hostInterfaces[g.hostInterface]!;
    const instance = await plugin.create({
      component,
      imports: g.imports,
      config: { ...entry.config, ...spec.localResources.config, ...options.pluginConfig?.[plugin.name] },
      onDenied: options.onDenied ?? (() => undefined),
    });
    made.push({ component, instance });
    for (const name of g.imports) {
      const object = instance.imports[name];
      if (object === undefined) throw new WorkloadError('plugin-invalid', `plugin ${plugin.name} did not provide ${name} for ${component}`);
      out[versionless(name)] = object;
    }
  }
  return out;
}
