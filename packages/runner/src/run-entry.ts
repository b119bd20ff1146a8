// What `weld run` needs and nothing more, so a cold start loads no codec, WAVE or test-spec code.
export { RunError, type RunErrorCode } from './errors.js';
export { parseDirGrant, parseEnvGrant, parseHostGrant, parseListenGrant, checkGrants, type Grants } from './grants.js';
export { limitsFrom, type Limits } from './limits.js';
export { runCommand, componentName, type RunOptions, type RunResult } from './run.js';
export { loadRunnable, type RunnableComponent } from './source.js';
export { prewarmGuest } from './sandbox/sandbox.js';
export { grantFlagFor, pluginGrantsFromFlags, pluginModuleSpecifier, type PluginFlags, type PluginGrants } from './host-interfaces/grants.js';
