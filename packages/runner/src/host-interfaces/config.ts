import type { HostPlugin } from './types.js';

/**
 * `wasi:config/store`: the component's configuration, read-only. Its values are the plugin's config as the
 * runner merged it (`--config`, `--config-file`, a workload's `localResources.config`).
 */
const configPlugin: HostPlugin = {
  name: 'config',
  interfaces: ['wasi:config/store@0.2.0-rc.1'],
  create({ config, imports }) {
    const entries = Object.entries(config);
    const store = {
      get: (key: string) => (Object.hasOwn(config, key) ? config[key] : undefined),
      getAll: () => entries.map(([k, v]) => [k, v] as [string, string]),
    };
    return { imports: Object.fromEntries(imports.map((name) => [name, store])), close() {} };
  },
};

export default configPlugin;
