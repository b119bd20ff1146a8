import { satisfies } from '@weld/core';
import { RunError } from '../errors.js';
import type { Denial } from '../host.js';
import { PROVIDED_INTERFACES } from '../instance.js';
import blobstorePlugin from './blobstore.js';
import configPlugin from './config.js';
import { grantFlagFor, type PluginGrants } from './grants.js';
import keyvaluePlugin from './keyvalue.js';
import loggingPlugin from './logging.js';
import messagingPlugin from './messaging.js';
import type { GuestExports, HostPlugin, HostPluginInstance } from './types.js';
import { messageOf, versionless } from './util.js';

/** The plugins weld ships; each is granted by its flag (see `GRANT_FLAGS`) or by a workload's manifest. */
export const BUILTIN_PLUGINS: readonly HostPlugin[] = [configPlugin, loggingPlugin, keyvaluePlugin, blobstorePlugin, messagingPlugin];

const NAME = /^[a-z][a-z0-9-]*$/;
const INTERFACE = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(?:\/[a-z][a-z0-9-]*)+@[0-9A-Za-z.+-]+$/;

/** Checks that `value` has the `HostPlugin` shape; `origin` names where it came from in the error. */
export function validatePlugin(value: unknown, origin: string): HostPlugin {
  const fail = (what: string) => {
    throw new RunError('plugin-invalid', `${origin}: ${what}`, { hint: "a host plugin module's default export is { name, interfaces: ['ns:pkg/iface@version', …], create(context) } (see HostPlugin in @weld/runner)" });
  };
  if (value === null || typeof value !== 'object') fail('the default export is not an object');
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || !NAME.test(p.name)) fail(`name must be a lowercase kebab-case string (got ${JSON.stringify(p.name)})`);
  for (const field of ['interfaces', 'exports'] as const) {
    const list = p[field];
    if (list === undefined && field === 'exports') continue;
    if (!Array.isArray(list) || (field === 'interfaces' && list.length === 0)) fail(`${field} must be ${field === 'interfaces' ? 'a non-empty' : 'an'} array of versioned WIT interface names`);
    for (const i of list as unknown[]) if (typeof i !== 'string' || !INTERFACE.test(i)) fail(`${field}: ${JSON.stringify(i)} is not a versioned WIT interface name (ns:pkg/iface@1.2.3)`);
  }
  if (typeof p.create !== 'function') fail('create must be a function (context) => { imports, close }');
  if (BUILTIN_PLUGINS.some((b) => b.name === p.name)) fail(`the name "${String(p.name)}" is a built-in plugin's`);
  return value as HostPlugin;
}

const loaded = new Map<string, Promise<HostPlugin>>();

/** Imports a user plugin module (a `file:` URL or a package name) and checks its default export. */
export function loadPluginModule(specifier: string): Promise<HostPlugin> {
  let p = loaded.get(specifier);
  if (!p) {
    p = import(specifier).then(
      (mod: { default?: unknown }) => validatePlugin(mod.default, specifier),
      (e) => {
        throw new RunError('plugin-invalid', `cannot load host plugin ${specifier}: ${messageOf(e).split('\n')[0]}`, { cause: e });
      },
    );
    loaded.set(specifier, p);
  }
  return p;
}

const versionOf = (name: string) => /@([^/@]+)$/.exec(name)?.[1];

/** Why `plugin` cannot supply the import `bare` at the version the component asks for, if it cannot. */
function versionMismatch(plugin: HostPlugin, bare: string, versioned: readonly string[] | undefined): string | undefined {
  const offered = plugin.interfaces.find((i) => versionless(i) === bare);
  for (const wanted of versioned?.filter((v) => versionless(v) === bare) ?? []) {
    const required = versionOf(wanted);
    const has = offered && versionOf(offered);
    if (required && has && !satisfies(required, has)) return `${wanted} (host plugin ${plugin.name} implements ${offered})`;
  }
  return undefined;
}

/** One plugin bound to one component: the imports it supplies and its config. */
export interface PluginBinding {
  plugin: HostPlugin;
  imports: string[];
  config: Record<string, string>;
}

export interface ComponentInterfaces {
  /** Import names as jco's bindings look them up (without versions). */
  imports: readonly string[];
  /** The same imports with their versions (see `versionedImports`), when known: each is checked against the plugin's. */
  versioned?: readonly string[];
  /** Export names and kinds as jco reports them. */
  exports: ReadonlyArray<readonly [string, string]>;
}

/**
 * Which plugin supplies each non-WASI import of a component, under `grants`. An import no plugin implements is
 * `unsatisfied-import`; one whose plugin is not granted is `host-interface-denied` (exit 3), naming the flag
 * that grants it. A granted plugin is also bound when the component exports an interface it calls (a handler).
 */
export async function bindHostInterfaces(component: ComponentInterfaces, grants: PluginGrants | undefined, name = 'component'): Promise<PluginBinding[]> {
  const user = await Promise.all((grants?.modules ?? []).map(loadPluginModule));
  const all = [...BUILTIN_PLUGINS, ...user];
  const granted = (p: HostPlugin) => grants?.granted[p.name] !== undefined || user.includes(p);
  const bindings = new Map<HostPlugin, PluginBinding>();
  const bind = (p: HostPlugin) => {
    let b = bindings.get(p);
    if (!b) bindings.set(p, (b = { plugin: p, imports: [], config: { ...(grants?.granted[p.name] ?? {}) } }));
    return b;
  };
  const unsatisfied: string[] = [];
  const denied = new Map<HostPlugin, string[]>();
  for (const name of component.imports) {
    const bare = versionless(name);
    if (PROVIDED_INTERFACES.has(bare)) continue;
    // A user plugin wins over a built-in for the same interface: naming it is asking for it.
    const plugin = [...user, ...BUILTIN_PLUGINS].find((p) => p.interfaces.some((i) => versionless(i) === bare));
    const mismatch = plugin && versionMismatch(plugin, bare, component.versioned);
    if (!plugin) unsatisfied.push(name);
    else if (mismatch) unsatisfied.push(mismatch);
    else if (!granted(plugin)) denied.set(plugin, [...(denied.get(plugin) ?? []), name]);
    else bind(plugin).imports.push(name);
  }
  if (unsatisfied.length > 0) {
    throw new RunError('unsatisfied-import', `no host implementation for ${unsatisfied.join(', ')}`, {
      hint: `compose the component with one that exports these interfaces, or name a host plugin that implements them in weld.yaml plugins: (built in: ${all.flatMap((p) => p.interfaces.map(versionless)).join(', ')})`,
    });
  }
  if (denied.size > 0) {
    const names = [...denied.values()].flat();
    throw new RunError('host-interface-denied', `denied ${names.join(', ')} (imported by ${name}); grant ${names.length > 1 ? 'them' : 'it'} with ${[...denied.keys()].map((p) => grantFlagFor(p.name)).join(' and ')}`, { exit: 3 });
  }
  for (const [exportName] of component.exports) {
    const plugin = all.find((p) => granted(p) && p.exports?.some((e) => versionless(e) === versionless(exportName)));
    if (plugin) bind(plugin);
  }
  return [...bindings.values()];
}

/** The plugin instances of one component instance, as one import object and one start/close. */
export interface AttachedPlugins {
  imports: Record<string, object>;
  start(guest: GuestExports): Promise<void>;
  close(): Promise<void>;
}

/** Creates each bound plugin's instance for one component instance. */
export async function attachPlugins(bindings: PluginBinding[], component: string, onDenied: (denial: Denial) => void): Promise<AttachedPlugins> {
  const instances: HostPluginInstance[] = [];
  const imports: Record<string, object> = {};
  try {
    for (const b of bindings) {
      const instance = await b.plugin.create({ component, imports: b.imports, config: b.config, onDenied });
      instances.push(instance);
      for (const name of b.imports) {
        const object = instance.imports?.[name];
        if (object === undefined || object === null) throw new RunError('plugin-invalid', `host plugin ${b.plugin.name} supplied no import object for ${name}`);
        imports[name] = object;
      }
    }
  } catch (e) {
    await Promise.allSettled(instances.map((i) => i.close()));
    throw e;
  }
  return {
    imports,
    async start(guest) {
      for (const i of instances) await i.start?.(guest);
    },
    async close() {
      await Promise.allSettled(instances.map((i) => i.close()));
    },
  };
}
