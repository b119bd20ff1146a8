export { RunError, type RunErrorCode } from './errors.js';
export { parseDirGrant, parseEnvGrant, parseHostGrant, hostAllowed, NO_GRANTS, type Grants, type DirGrant, type HostGrant } from './grants.js';
export { hostImports, loadHostShim, providedInterfaces, GuestExit, type Denial, type HostOptions } from './host.js';
export { transpileCached, transpileCacheDir, type TranspiledComponent } from './transpile-cache.js';
export { runCommand, type RunOptions, type RunResult } from './run.js';
export { loadRunnable, type RunnableComponent } from './source.js';
