import type { HostInterfaceSpec, WorkloadManifest } from './manifest.js';
import type { ComponentInterfaces } from './world.js';
import { compatibilityTrack } from '@weld/core';

/** A host plugin as the planner sees it: its name and the WIT interfaces it implements. */
export interface PluginInfo {
  name: string;
  interfaces: readonly string[];
  /** Interfaces the plugin calls on a guest that exports them (e.g. `wasmcloud:messaging/handler`). */
  exports?: readonly string[];
}

/** A component's export a host plugin calls (a message handler), enabled by a `hostInterfaces` entry. */
export interface HostCall {
  component: string;
  export: string;
  plugin: string;
  hostInterface: number;
}

/** Where one import comes from. */
export type LinkSource =
  /** A sibling's export, linked at run time. */
  | { tag: 'sibling'; component: string; export: string }
  /** The runner's own WASI host (under the component's grants). */
  | { tag: 'wasi' }
  /** A host plugin, enabled by a `hostInterfaces` entry (its index and config). */
  | { tag: 'plugin'; plugin: string; hostInterface: number };

export interface Link {
  component: string;
  import: string;
  source: LinkSource;
}

export type LinkProblem =
  | { kind: 'unsatisfied'; component: string; import: string; message: string; hint?: string }
  | { kind: 'ambiguous'; component: string; import: string; candidates: string[]; message: string; hint?: string }
  | { kind: 'cycle'; components: string[]; message: string; hint?: string }
  /** a sibling's export whose types do not match the import (see `checkLinkTypes`) */
  | { kind: 'mismatch'; component: string; import: string; message: string; hint?: string };

export interface LinkPlan {
  /** Every import of every component, in manifest order. */
  links: Link[];
  /** Everything that keeps the workload from linking, all at once. */
  problems: LinkProblem[];
  /** Instantiation order: every component after the siblings it imports from (meaningful when there is no cycle). */
  order: string[];
  /** Exports that host plugins call, each bound to its plugin like an import. */
  hostCalls: HostCall[];
}

export interface PlanInput {
  manifest: Pick<WorkloadManifest, 'components' | 'service' | 'hostInterfaces'>;
  /** Each component's imports and exports, by component name (`service` for the service). */
  interfaces: ReadonlyMap<string, ComponentInterfaces>;
  /** Interfaces the runner's WASI host provides, without versions (`wasi:cli/environment`). */
  wasi: ReadonlySet<string>;
  plugins: readonly PluginInfo[];
}

interface WitName {
  namespace: string;
  package: string;
  iface: string;
  version?: string;
}

export function parseWitName(name: string): WitName | undefined {
  const m = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*)\/([a-z][a-z0-9-]*)(?:@(.+))?$/.exec(name);
  return m ? { namespace: m[1]!, package: m[2]!, iface: m[3]!, version: m[4] } : undefined;
}

export function versionless(name: string): string {
  return name.replace(/@[^/]+$/, '');
}

/** Semver-compatible versions select the same interface (`0.2.1` and `0.2.3`; `1.4.0` and `1.9.0`), as wasmtime matches imports. */
export function versionsCompatible(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return compatibilityTrack(a) === compatibilityTrack(b);
}

/** Whether `provided` (an export or a plugin's interface, version optional) satisfies the import `wanted`. */
export function interfaceMatches(wanted: string, provided: string): boolean {
  const w = parseWitName(wanted);
  const p = parseWitName(provided);
  if (!w || !p) return wanted === provided;
  return w.namespace === p.namespace && w.package === p.package && w.iface === p.iface && versionsCompatible(w.version, p.version);
}

function hostInterfaceMatches(wanted: WitName, entry: HostInterfaceSpec): boolean {
  return entry.namespace === wanted.namespace && entry.package === wanted.package && entry.interfaces.includes(wanted.iface) && versionsCompatible(wanted.version, entry.version);
}

/**
 * Plans how every import of every component is satisfied, as wasmCloud links a workload: a sibling's export
 * first; else the runner's WASI host; else a host interface the manifest names, implemented by a plugin. Two
 * sibling candidates, an import nothing satisfies and a cycle between siblings are problems, reported together.
 */
export function planWorkload(input: PlanInput): LinkPlan {
  const { manifest, interfaces } = input;
  const all = [...manifest.components, ...(manifest.service ? [manifest.service] : [])];
  const links: Link[] = [];
  const problems: LinkProblem[] = [];
  const edges = new Map<string, Set<string>>();
  for (const component of all) {
    const own = interfaces.get(component.name);
    if (!own) throw new Error(`planWorkload: no interfaces for ${component.name}`);
    edges.set(component.name, new Set());
    for (const wanted of own.imports) {
      const siblings = manifest.components
        .filter((c) => c.name !== component.name)
        .flatMap((c) => (interfaces.get(c.name)?.exports ?? []).filter((e) => interfaceMatches(wanted, e)).map((e) => ({ component: c.name, export: e })));
      if (siblings.length > 1) {
        problems.push({
          kind: 'ambiguous',
          component: component.name,
          import: wanted,
          candidates: siblings.map((s) => s.component),
          message: `${component.name} imports ${wanted}, which ${siblings.length} siblings export (${siblings.map((s) => `${s.component}: ${s.export}`).join(', ')})`,
          hint: 'keep one exporter of the interface in the workload',
        });
        continue;
      }
      if (siblings.length === 1) {
        links.push({ component: component.name, import: wanted, source: { tag: 'sibling', ...siblings[0]! } });
        edges.get(component.name)!.add(siblings[0]!.component);
        continue;
      }
      if (input.wasi.has(versionless(wanted))) {
        links.push({ component: component.name, import: wanted, source: { tag: 'wasi' } });
        continue;
      }
      const host = hostSource(input, component.name, wanted);
      if ('problem' in host) {
        const near = manifest.components
          .filter((c) => c.name !== component.name)
          .flatMap((c) => (interfaces.get(c.name)?.exports ?? []).filter((e) => versionless(e) === versionless(wanted)).map((e) => `${c.name} exports ${e}, an incompatible version`));
        problems.push(near.length > 0 ? { ...host.problem, message: `${host.problem.message} (${near.join('; ')})` } : host.problem);
      }
      else links.push({ component: component.name, import: wanted, source: host.source });
    }
  }
  const hostCalls: HostCall[] = [];
  for (const component of all) {
    for (const exported of interfaces.get(component.name)!.exports) {
      const name = parseWitName(exported);
      if (!name) continue;
      const index = manifest.hostInterfaces.findIndex((h) => hostInterfaceMatches(name, h));
      const plugin = input.plugins.find((p) => p.exports?.some((e) => interfaceMatches(exported, e)));
      if (index >= 0 && plugin) hostCalls.push({ component: component.name, export: exported, plugin: plugin.name, hostInterface: index });
    }
  }
  const { order, cycles } = orderComponents(all.map((c) => c.name), edges);
  for (const cycle of cycles) {
    problems.push({
      kind: 'cycle',
      components: cycle,
      message: `the components import from each other in a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
      hint: 'a component can only link to siblings instantiated before it; break the cycle by moving the shared interface into one component',
    });
  }
  return { links, problems, order, hostCalls };
}

function hostSource(input: PlanInput, component: string, wanted: string): { source: LinkSource } | { problem: LinkProblem } {
  const name = parseWitName(wanted);
  const plugins = input.plugins.filter((p) => p.interfaces.some((i) => interfaceMatches(wanted, i)));
  const entries = name ? input.manifest.hostInterfaces.map((h, index) => ({ h, index })).filter(({ h }) => hostInterfaceMatches(name, h)) : [];
  if (entries.length === 0) {
    const unsatisfied = `${component} imports ${wanted}: no sibling exports it and no host interface provides it`;
    if (plugins.length > 0 && name) {
      return {
        problem: {
          kind: 'unsatisfied',
          component,
          import: wanted,
          message: `${unsatisfied} (plugin ${plugins[0]!.name} implements it, but the workload does not name it)`,
          hint: `add to hostInterfaces: {namespace: ${name.namespace}, package: ${name.package}, interfaces: [${name.iface}]${name.version ? `, version: ${name.version}` : ''}}`,
        },
      };
    }
    return { problem: { kind: 'unsatisfied', component, import: wanted, message: unsatisfied, hint: 'add a component that exports it, or a host interface and a plugin (weld.yaml plugins:) that implements it' } };
  }
  const chosen = entries.length === 1 ? entries[0]! : entries.find(({ h }) => h.name === undefined);
  if (!chosen) {
    return {
      problem: {
        kind: 'ambiguous',
        component,
        import: wanted,
        candidates: entries.map(({ h }) => h.field),
        message: `${component} imports ${wanted}, which ${entries.length} named hostInterfaces entries provide (${entries.map(({ h }) => `${h.field} ${h.name}`).join(', ')})`,
        hint: 'leave one entry of the package unnamed to be the default route',
      },
    };
  }
  if (plugins.length === 0) {
    return {
      problem: {
        kind: 'unsatisfied',
        component,
        import: wanted,
        message: `${component} imports ${wanted}: ${chosen.h.field} names it, but no host plugin implements it`,
        hint: 'name a plugin module that implements it in weld.yaml plugins:',
      },
    };
  }
  return { source: { tag: 'plugin', plugin: plugins[0]!.name, hostInterface: chosen.index } };
}

/** Depth-first post-order (providers before importers), and every cycle found on the way, each once. */
function orderComponents(names: string[], edges: Map<string, Set<string>>): { order: string[]; cycles: string[][] } {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  const visit = (n: string) => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = stack.slice(stack.indexOf(n));
      const key = [...cycle].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
      return;
    }
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of edges.get(n) ?? []) visit(m);
    stack.pop();
    state.set(n, 'done');
    order.push(n);
  };
  for (const n of names) visit(n);
  return { order, cycles };
}
