import type { Denial } from '../host.js';

/**
 * The host plugin API (DESIGN.md "Host interfaces are plugins"). A plugin is a module whose default export is a
 * `HostPlugin`: it names the WIT interfaces it implements and makes, per component instance, the jco import
 * objects for them from that component's config and grants. Built-in plugins (config, logging, keyvalue,
 * blobstore, messaging) use exactly this API; users name their own in weld.yaml (`plugins: [module-or-path]`).
 */
export interface HostPlugin {
  /** Stable plugin name, e.g. `keyvalue`; used in grants, denials and errors. */
  readonly name: string;
  /**
   * Interfaces implemented, as versioned WIT names (`wasi:keyvalue/store@0.2.0-draft`). A component import
   * matches when namespace, package and interface agree and the versions are semver-compatible.
   */
  readonly interfaces: readonly string[];
  /**
   * Interfaces the plugin calls on the guest (e.g. `wasmcloud:messaging/handler@0.2.0`): a granted plugin is also
   * created for a component that only exports one of these, and it reaches the export through `start`.
   */
  readonly exports?: readonly string[];
  /** Called once per component instance that imports one of `interfaces` and is granted this plugin. */
  create(context: HostPluginContext): HostPluginInstance | Promise<HostPluginInstance>;
}

export interface HostPluginContext {
  /** The component's name in the workload (or the file's stem for `weld run`). */
  readonly component: string;
  /**
   * The import names this component uses that this plugin implements, as jco's bindings key them: without the
   * version (`wasi:keyvalue/store`); the runner has checked the versions against `interfaces` already.
   */
  readonly imports: readonly string[];
  /**
   * Configuration: the workload's `hostInterfaces[].config` for this plugin merged with the component's
   * `localResources.config` and CLI flags (`--config`, `--kv`, `--messaging`); later sources win.
   */
  readonly config: Readonly<Record<string, string>>;
  /** Reports a denied call: the runner prints one line naming the grant that would allow it. */
  readonly onDenied: (denial: Denial) => void;
}

export interface HostPluginInstance {
  /** jco import objects keyed by the import names in `HostPluginContext.imports`. */
  readonly imports: Readonly<Record<string, object>>;
  /** Guest-initiated deliveries (e.g. messaging subscriptions) start after instantiation through this hook. */
  start?(guest: GuestExports): void | Promise<void>;
  /** Releases connections, subscriptions and files; called when the instance stops. */
  close(): void | Promise<void>;
}

/** The instantiated component's exports as jco hands them out, keyed by export name. */
export type GuestExports = Readonly<Record<string, unknown>>;
