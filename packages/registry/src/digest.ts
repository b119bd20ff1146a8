import { createHash, type Hash } from 'node:crypto';
import { sha256Digest } from '@weld/core/node';
import { RegistryError } from './errors.js';
import type { Descriptor } from './store/types.js';

const DIGEST_RE = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Parses `sha256:<64 hex>` (or sha512); anything else is an `invalid-digest` error. */
export function parseDigest(digest: string): ParsedDigest {
  const m = DIGEST_RE.exec(digest);
  if (!m || m[2].length !== HEX_LENGTH[m[1]]) {
    throw new RegistryError('invalid-digest', `invalid digest "${digest}"`, {
      hint: 'a digest looks like sha256: followed by 64 lowercase hex digits',
    });
  }
  return { algorithm: m[1] as 'sha256' | 'sha512', hex: m[2] };
}

export function isDigest(s: string): boolean {
  const m = DIGEST_RE.exec(s);
  return m !== null && m[2].length === HEX_LENGTH[m[1]];
}

/** `sha256:<hex>` of in-memory content. */
export const sha256 = sha256Digest;

/** Describes in-memory content. */
export function describe(mediaType: string, bytes: Uint8Array, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.byteLength, ...extra };
}

/** Incremental digest + size check for content arriving in chunks. */
export class DigestVerifier {
  private readonly hash: Hash;
  private seen = 0;

  constructor(
    private readonly desc: Descriptor,
    private readonly where: string,
  ) {
    this.hash = createHash(parseDigest(desc.digest).algorithm);
  }

  get bytesSeen(): number {
    return this.seen;
  }

  update(chunk: Uint8Array): void {
    this.seen += chunk.byteLength;
    if (this.seen > this.desc.size) throw this.sizeError();
    this.hash.update(chunk);
  }

  /** Throws `size-mismatch` / `digest-mismatch` unless the content seen is exactly the descriptor's. */
  finish(): void {
    if (this.seen !== this.desc.size) throw this.sizeError();
    const actual = `${parseDigest(this.desc.digest).algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.desc.digest) {
      throw new RegistryError('digest-mismatch', `content from ${this.where} does not match its digest`, {
        detail: `expected ${this.desc.digest}\nactual   ${actual}`,
        hint: 'the stored content is corrupt or was changed; nothing was written',
      });
    }
  }

  private sizeError(): RegistryError {
    return new RegistryError('size-mismatch', `content from ${this.where} has the wrong size`, {
      detail: `expected ${this.desc.size} bytes, got ${this.seen > this.desc.size ? 'more' : this.seen}`,
      hint: 'the stored content is corrupt or truncated; nothing was written',
    });
  }
}

/** Marks a stream that already checks itself against this digest, so a consumer need not hash it again. */
export const VERIFIED_DIGEST = Symbol('weld.verifiedDigest');

/** True when `content` is a `verifying` stream for `digest`: it throws before ending if the bytes differ. */
export function isVerifiedStream(content: unknown, digest: string): boolean {
  return typeof content === 'object' && content !== null && (content as { [VERIFIED_DIGEST]?: string })[VERIFIED_DIGEST] === digest;
}

async function* verifyingChunks(desc: Descriptor, source: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  const v = new DigestVerifier(desc, where);
  for await (const chunk of source) {
    v.update(chunk);
    yield chunk;
  }
  v.finish();
}

/** Carries the verified marker of `source` over to a stream derived from it chunk for chunk. */
export function keepVerified<T extends AsyncIterable<Uint8Array>>(derived: T, source: unknown, digest: string): T {
  if (isVerifiedStream(source, digest)) Object.defineProperty(derived, VERIFIED_DIGEST, { value: digest });
  return derived;
}

/** Passes chunks through while verifying; throws at the end (or as soon as too many bytes arrive). */
export function verifying(desc: Descriptor, source: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  const gen = verifyingChunks(desc, source, where);
  Object.defineProperty(gen, VERIFIED_DIGEST, { value: desc.digest });
  return gen;
}

export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export function toIterable(content: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  return content instanceof Uint8Array ? once(content) : content;
}

export async function readAll(source: AsyncIterable<Uint8Array>, limit = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of source) {
    n += c.byteLength;
    if (n > limit) throw new RegistryError('size-mismatch', `content exceeds ${limit} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts, n);
}
