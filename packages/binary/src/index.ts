export * from './ast.js';
export { BinaryError, isBinaryError, type BinaryErrorCode } from './error.js';
export { decodeComponent, encodeComponent, sniff } from './codec.js';
export { coreModuleInfo, type CoreModuleInfo, type CoreExport, type CoreSectionInfo } from './read/module.js';
