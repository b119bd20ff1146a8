export { plugComponents, planPlugComponents, type ComposeInput, type ComposedComponent, type PlugReport } from './plug.js';
export * from '../graph/index.js';
export { ComposeError, type ComposeErrorCode } from './errors.js';
export { readProvenance, PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from './provenance.js';
export { composeProject, planProject, type ProjectComposition } from './project.js';
export { composeWacFile, encodeComposition, wacPackageResolver, type WacFileOptions, type ComposedGraph } from './wac-file.js';
export { graphProvenance } from './graph-provenance.js';
export { evaluateWac, type PackageResolver, type WacComposition } from '../wac/evaluate.js';
export { parseWac, type WacDocument } from '../wac/syntax.js';
