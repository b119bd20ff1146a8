export { WeldError, isWeldError } from './error.js';
export { WitError, type WitErrorCode } from './wit-error.js';
export { SourceMap, type Span, type SourceLocation, NO_SPAN, isKnownSpan } from './source.js';
export * from './model.js';
export {
  resolveSource, resolveFiles, resolveDir, resolvePath, readPackageDir, registerWasmPackageDecoder, parseGroup, pushGroups, watFilesOf,
  type ResolveOptions, type ResolvedPackage, type WasmPackageDecoder, type WitFile, type UnresolvedGroup,
} from './resolve.js';
export { elaborateWorld, includeStability, interfaceDirectDeps, typeInterfaceDep } from './merge.js';
export { toJSON, toJSONString } from './json.js';
export { printPackage, printResolve, printPackageBody, printTypeName, itemName, canonicalPackageOrder, type PrintOptions } from './printer.js';
export { canonicalModel } from './canonical.js';
export { formatPath, formatFileIn, writeFileAtomic, type FormattedFile } from './format.js';
export * from './contract/index.js';
