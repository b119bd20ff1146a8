// The validator's public surface.
export { validateComponent, assertValidComponent, type ValidationResult } from './validate-component.js';
export { validateWasm, nestedCounts, type WasmValidation, type WasmValidateOptions, type NestedCounts } from './wasm.js';
export { checkCoreModule, engineLacksFeature, type CoreModuleCheck } from './engine.js';
export { ALL_FEATURES, DEFAULT_FEATURES, parseFeatureList, type Feature } from './features.js';
export type { ValidateOptions } from './context.js';
export type { RComponent, Entity, RType, RVal, RFunc, RInstance, RResource, RDefined } from './model.js';
