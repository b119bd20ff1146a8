/**
 * The composition, without builds or project files: pure (no `node:` import), so it runs in a browser.
 * `@weld/compose/graph` is its entry; `@weld/compose` adds the builds and `weld.yaml` projects.
 */
export { plugComponents, type ComposeInput, type ComposedComponent, type PlugReport } from './compose/plug.js';
export { ComposeError, type ComposeErrorCode } from './compose/errors.js';
export { readProvenance, PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from './compose/provenance.js';
