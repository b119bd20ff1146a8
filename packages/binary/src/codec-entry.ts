/**
 * `@weld/binary/codec`: the component codec alone (decode, encode, sniff, the provenance section), without
 * validation or WIT. A registry push reads a component's top-level imports and exports through it and so does
 * not load the validator and the WIT tooling the main entry brings.
 */
export * from './ast.js';
export { BinaryError, isBinaryError, type BinaryErrorCode } from './error.js';
export { decodeComponent, encodeComponent, sniff } from './codec.js';
export { PROVENANCE_SECTION, provenanceOf, type Provenance, type ProvenanceInput } from './provenance.js';
