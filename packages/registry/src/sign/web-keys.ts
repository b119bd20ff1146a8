/**
 * Trusted keys for verification without Node: a PEM public key (cosign.pub) imported into WebCrypto. The same
 * key types as `parsePublicKey` (ECDSA P-256/P-384/P-521, RSA ≥ 2048 bits) and the same hash per key as cosign.
 */
import { bundleSignedBy, readBundleView } from './bundle-read.js';
import { sha256Hex } from '@weld/core';
import { SignError } from './errors.js';
import { decodePem } from './pem.js';
import type { TrustedKey } from './verify.js';

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER TLV at `at` (definite lengths only, as DER requires). */
function tlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at];
  let len = der[at + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated DER');
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? NaN);
    start += n;
  }
  if (!(start + len <= der.length)) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

const OID = {
  ecPublicKey: '2a8648ce3d0201',
  rsaEncryption: '2a864886f70d010101',
  'P-256': '2a8648ce3d030107',
  'P-384': '2b81040022',
  'P-521': '2b81040023',
} as const;

type KeyKind = { kind: 'ecdsa'; curve: 'P-256' | 'P-384' | 'P-521'; hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; size: number } | { kind: 'rsa' };

const hex = (der: Uint8Array, t: Tlv) => Array.from(der.subarray(t.start, t.end), (b) => b.toString(16).padStart(2, '0')).join('');

/** The key type a SubjectPublicKeyInfo names. */
function keyKind(spki: Uint8Array): KeyKind | undefined {
  const outer = tlv(spki, 0);
  const algorithm = tlv(spki, outer.start);
  const oid = tlv(spki, algorithm.start);
  if (oid.tag !== 0x06) return undefined;
  if (hex(spki, oid) === OID.rsaEncryption) return { kind: 'rsa' };
  if (hex(spki, oid) !== OID.ecPublicKey || oid.end >= algorithm.end) return undefined;
  const curve = hex(spki, tlv(spki, oid.end));
  if (curve === OID['P-256']) return { kind: 'ecdsa', curve: 'P-256', hash: 'SHA-256', size: 32 };
  if (curve === OID['P-384']) return { kind: 'ecdsa', curve: 'P-384', hash: 'SHA-384', size: 48 };
  if (curve === OID['P-521']) return { kind: 'ecdsa', curve: 'P-521', hash: 'SHA-512', size: 66 };
  return undefined;
}

/** An ASN.1 `ECDSA-Sig-Value` (what cosign stores) as WebCrypto's fixed-width r‖s; undefined when malformed. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const seq = tlv(der, 0);
    if (seq.tag !== 0x30 || seq.end !== der.length) return undefined;
    const r = tlv(der, seq.start);
    const s = tlv(der, r.end);
    if (r.tag !== 0x02 || s.tag !== 0x02 || s.end !== seq.end) return undefined;
    const out = new Uint8Array(size * 2);
    for (const [i, int] of [r, s].entries()) {
      let v = der.subarray(int.start, int.end);
      while (v.length > size && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return undefined;
      out.set(v, (i + 1) * size - v.length);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** A PEM public key (cosign.pub) as a key verification trusts, checked with WebCrypto. */
export async function publicKeyFromPem(pemText: string, source?: string): Promise<TrustedKey> {
  const where = source ?? 'public key';
  const block = decodePem(pemText, where);
  if (block.type !== 'PUBLIC KEY') {
    throw new SignError('key-unsupported', `${where} holds a "${block.type}" PEM block, expected "PUBLIC KEY"`);
  }
  const spki = block.bytes as Uint8Array<ArrayBuffer>;
  let kind: KeyKind | undefined;
  try {
    kind = keyKind(spki);
  } catch (e) {
    throw new SignError('key-invalid', `${where} is not a valid SubjectPublicKeyInfo`, { cause: e });
  }
  if (!kind) throw new SignError('key-unsupported', `${where} is not an ECDSA P-256/P-384/P-521 or RSA key`);
  const subtle = globalThis.crypto.subtle;
  let key: Awaited<ReturnType<typeof subtle.importKey>>;
  try {
    key =
      kind.kind === 'ecdsa'
        ? await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: kind.curve }, false, ['verify'])
        : await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  } catch (e) {
    throw new SignError('key-invalid', `${where} is not a valid SubjectPublicKeyInfo`, { cause: e });
  }
  const bits = (key.algorithm as { modulusLength?: number }).modulusLength ?? 0;
  if (kind.kind === 'rsa' && bits < 2048) {
    throw new SignError('key-unsupported', `${where} is a ${bits}-bit RSA key; weld accepts RSA keys of 2048 bits or more`);
  }
  const k = kind;
  const verify = async (data: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    try {
      if (k.kind === 'rsa') return await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
      const raw = ecdsaRaw(signature, k.size);
      return raw !== undefined && (await subtle.verify({ name: 'ECDSA', hash: k.hash }, key, raw as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>));
    } catch {
      return false;
    }
  };
  return {
    id: sha256Hex(spki),
    source,
    verify,
    verifyBundle: async (bytes, artifact) => {
      try {
        return await bundleSignedBy(readBundleView(bytes), verify, artifact);
      } catch {
        return false;
      }
    },
  };
}
