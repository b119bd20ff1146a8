export { buildProject, type BuildOptions, type BuildEvent, type BuildSummary, type ComponentBuildResult } from './build.js';
export { loadProject, parseProject, locateProject, LANGUAGES, type Project, type ComponentSpec, type CompositionSpec, type Language } from './project.js';
export { BuildError, type BuildErrorCode } from './errors.js';
export { wasmKind } from './toolchains/wasm-header.js';
export { watToBinary } from './toolchains/wat-text.js';
