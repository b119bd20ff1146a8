export { loadWorkload, readWorkloadManifest, locateWorkload, imageLocation, assertLinked, type LoadedWorkload, type LoadedComponent, type LoadWorkloadOptions } from './load.js';
export { instantiateWorkload, type InstantiateOptions, type RunningWorkload } from './instantiate.js';
export { runWorkload, callWorkload, entryOf, type WorkloadRunOptions, type WorkloadCallOptions } from './run.js';
export { loadPlugins } from './plugins.js';
export { grantsFor, prepareVolumes } from './grants.js';
export { serveWorkload } from './serve.js';
