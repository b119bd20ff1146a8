/** The composition graph: pure (no `node:` modules), usable from a browser page. */
export { CompositionGraph, matchName, type PackageId, type NodeId, type PackageInput, type Package, type GraphNode, type GraphExport, type Argument } from './graph.js';
export { ImportTypes, promote, type ImportType } from './import-types.js';
export { encodeGraph, type EncodeOptions, type EncodedComposition } from './encode.js';
export { planGraph, type CompositionPlan, type PlanImport, type PlanInstance } from './plan.js';
export { plugGraph, type PluggedGraph, type PlugReport } from './plugs.js';
export { checkEntity, describe, type Mismatch, type ResourceIdentity } from './check.js';
export { nameSatisfies, mergeKey, parseInterfaceName, parseVersion, type Version, type InterfaceName } from './names.js';
export {
  GraphError, isGraphError, type GraphErrorCode, type GraphErrorData, type Site,
  type RegisterError, type ImportError, type InstantiateError, type AliasError, type ArgumentError, type ExportError, type EncodeError,
} from './errors.js';
export { planText, planMermaid, planDot } from './render.js';
export { plugComponents, type ComposeInput, type ComposedComponent } from '../compose/plug.js';
export { ComposeError, type ComposeErrorCode } from '../compose/errors.js';
export { readProvenance, PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from '../compose/provenance.js';
