import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeComponent, provenanceOf, type Provenance } from '@weld/binary';

export { PROVENANCE_SECTION, type Provenance, type ProvenanceInput } from '@weld/binary';

// Node's hash is ~5x faster than a JavaScript one on large components; it is reached without a top-level `node:`
// import so the composition also runs in a browser (where @noble/hashes computes the same digest).
type NodeHash = { createHash(alg: 'sha256'): { update(b: Uint8Array): { digest(enc: 'hex'): string } } };
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as NodeHash | undefined;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${nodeCrypto ? nodeCrypto.createHash('sha256').update(bytes).digest('hex') : bytesToHex(sha256(bytes))}`;
}

export function encodeProvenance(p: Provenance): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

/** The composition provenance of a component, if it has a well-formed one (top-level custom section). */
export function readProvenance(bytes: Uint8Array): Provenance | undefined {
  return provenanceOf(decodeComponent(bytes));
}
