export { plugComponents, type ComposeInput, type ComposedComponent, type PlugReport } from './plug.js';
export { ComposeError, type ComposeErrorCode } from './errors.js';
export { readProvenance, PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from './provenance.js';
export { composeProject, type ProjectComposition } from './project.js';
