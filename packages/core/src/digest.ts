/**
 * SHA-256 without a top-level `node:` import, so the libraries that run in a browser share it: Node's own hash when
 * the process has one (reached through `process.getBuiltinModule`, ~5x faster on large components), else
 * @noble/hashes. `@weld/core/node` adds hashing a file.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

type NodeHash = { update(data: Uint8Array | string): NodeHash; digest(encoding: 'hex'): string };
type NodeCrypto = { createHash(algorithm: 'sha256'): NodeHash };
// looked up on the first hash, not at import: loading node:crypto costs a few ms of every CLI start that never hashes
let nodeCrypto: NodeCrypto | undefined | null = null;
function nodeCryptoModule(): NodeCrypto | undefined {
  if (nodeCrypto === null) {
    nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  }
  return nodeCrypto;
}

/** An incremental SHA-256: `update` with chunks, then `hex` once. */
export interface Sha256 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

export function createSha256(): Sha256 {
  const crypto = nodeCryptoModule();
  if (crypto) {
    const h = crypto.createHash('sha256');
    return { update: (c) => void h.update(c), hex: () => h.digest('hex') };
  }
  const h = nobleSha256.create();
  return { update: (c) => void h.update(c), hex: () => bytesToHex(h.digest()) };
}

/** Lowercase hex SHA-256 of bytes or text (UTF-8). */
export function sha256Hex(data: Uint8Array | string): string {
  const h = createSha256();
  h.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  return h.hex();
}

/** An OCI-style digest: `sha256:<hex>`. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${sha256Hex(data)}`;
}
