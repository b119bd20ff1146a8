import { decodeComponent, provenanceOf, type Provenance } from '@weld/binary';

export { PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from '@weld/binary';

export function encodeProvenance(p: Provenance): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

/** The composition provenance of a component, if it has a well-formed one (top-level custom section). */
export function readProvenance(bytes: Uint8Array): Provenance | undefined {
  return provenanceOf(decodeComponent(bytes));
}
