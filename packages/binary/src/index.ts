export * from './ast.js';
export { BinaryError, isBinaryError, type BinaryErrorCode } from './error.js';
export { decodeComponent, encodeComponent, sniff, truncatedPreamble } from './codec.js';
export { coreModuleInfo, type CoreModuleInfo, type CoreExport, type CoreSectionInfo } from './read/module.js';
export {
  validateComponent, assertValidComponent, engineLacksFeature, DEFAULT_FEATURES, ALL_FEATURES, parseFeatureList, type Feature, type ValidateOptions, type ValidationResult,
  validateWasm, nestedCounts, checkCoreModule, type WasmValidation, type WasmValidateOptions, type NestedCounts, type CoreModuleCheck,
} from './validate/index.js';
export type { RComponent, Entity, RType, RVal, RFunc, RInstance, RResource, RDefined } from './validate/index.js';
export { inspectComponent, type InspectReport, type ModuleReport, type WorldItem } from './inspect.js';
export { extractWit, type ExtractedWit } from './wit/index.js';
export { encodeWitPackage, encodeWitItem } from './wit/encode.js';
export { importsComponent, importsComponentOf } from './wit/imports-component.js';
export { worldOfComponent } from './wit/from-component.js';
export { findWorld, componentWorld, witPackageFile } from './wit/world-spec.js';
export { mergeResolve } from './wit/merge.js';
export { decodeWasmPackageInto, installWitPackageDecoder } from './wit/hook.js';

import { installWitPackageDecoder } from './wit/hook.js';
installWitPackageDecoder();
export { checkTargets, type TargetReport, type TargetMismatch } from './wit/targets.js';
export { PROVENANCE_SECTION, provenanceOf, type Provenance, type ProvenanceInput } from './provenance.js';
export { capCoreMemories } from './memory-cap.js';
export { CORE_STATE_EXPORT_PREFIX, exposeCoreState, type ExposedCoreState } from './core-state.js';
