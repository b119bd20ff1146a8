/**
 * Reading and checking sigstore bundles attached to an image: no `node:` import, so verification runs in a
 * browser. Making and attaching bundles is in bundle.ts.
 */
import type { Descriptor, Fetcher, ReferrerLister } from '../store/types.js';
import { sha256Hex } from '@weld/core';
import { concatBytes, fromBase64, fromUtf8, toHex, utf8 } from './bytes.js';
import { fetchBytes, type Manifest } from './content.js';

/** cosign `specs/BUNDLE_SPEC.md`: how a sigstore bundle is attached to an image through the referrers API. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** The predicate cosign v3 uses when it signs an image as a bundle (`types.CosignSignPredicateType`). */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

export interface InTotoSubject {
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface InTotoStatement {
  _type: string;
  subject: InTotoSubject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface ReferrerBundle {
  /** The referrer manifest that holds it. */
  manifest: Descriptor;
  annotations: Record<string, string>;
  /** The raw bundle blob, or why it could not be read. */
  bytes?: Uint8Array;
  intact: boolean;
  problem?: string;
}

/** Every sigstore bundle attached to `subject` through the referrers API. */
export async function listBundles(target: Fetcher & ReferrerLister, subject: Descriptor): Promise<ReferrerBundle[]> {
  const refs = await target.referrers(subject, BUNDLE_MEDIA_TYPE);
  const out: ReferrerBundle[] = [];
  for (const ref of refs) {
    if (ref.artifactType && ref.artifactType !== BUNDLE_MEDIA_TYPE) continue;
    const { bytes, intact } = await fetchBytes(target, ref);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(fromUtf8(bytes)) as Manifest;
    } catch {
      out.push({ manifest: ref, annotations: {}, intact: false, problem: 'referrer manifest is not JSON' });
      continue;
    }
    const annotations = manifest.annotations ?? {};
    const layer = manifest.layers?.find((l) => l.mediaType.startsWith('application/vnd.dev.sigstore.bundle'));
    if (!intact) {
      out.push({ manifest: ref, annotations, intact: false, problem: `referrer manifest ${ref.digest} does not match its digest` });
      continue;
    }
    if (!layer) {
      out.push({ manifest: ref, annotations, intact: true, problem: 'referrer manifest has no sigstore bundle layer' });
      continue;
    }
    const blob = await fetchBytes(target, layer);
    out.push({
      manifest: ref,
      annotations,
      bytes: blob.bytes,
      intact: blob.intact,
      problem: blob.intact ? undefined : `bundle blob ${layer.digest} does not match its digest`,
    });
  }
  return out;
}

/** DSSE v1 pre-authentication encoding: what an envelope's signatures sign. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concatBytes([utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload]);
}

/**
 * The parts of a sigstore bundle (JSON, v0.1 to v0.3) that key-based verification reads. Parsed here rather than
 * with @sigstore/bundle, whose decoder needs Node's `Buffer`.
 */
export interface BundleView {
  /** `verificationMaterial.publicKey.hint` (weld writes the signer's key id), or '' */
  keyHint: string;
  /** a keyless (Fulcio certificate) bundle */
  hasCertificate: boolean;
  content:
    | { kind: 'dsse'; payloadType: string; payload: Uint8Array; signatures: { keyid: string; sig: Uint8Array }[] }
    | { kind: 'message'; digest?: { algorithm: string; value: Uint8Array }; signature: Uint8Array };
}

type Json = Record<string, unknown>;
const obj = (v: unknown, what: string): Json => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not an object`);
  return v as Json;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new Error(`${what} is not a string`);
  return v;
};

/** Reads a bundle's JSON; throws an Error naming the first field that is missing or of the wrong type. */
export function readBundleView(bytes: Uint8Array): BundleView {
  const doc = obj(JSON.parse(fromUtf8(bytes)), 'the bundle');
  str(doc.mediaType, 'mediaType');
  const material = obj(doc.verificationMaterial, 'verificationMaterial');
  const keyHint = typeof material.publicKey === 'object' && material.publicKey !== null ? String((material.publicKey as Json).hint ?? '') : '';
  const hasCertificate = material.certificate !== undefined || material.x509CertificateChain !== undefined;
  if (doc.dsseEnvelope !== undefined) {
    const env = obj(doc.dsseEnvelope, 'dsseEnvelope');
    const sigs = env.signatures;
    if (!Array.isArray(sigs)) throw new Error('dsseEnvelope.signatures is not a list');
    return {
      keyHint,
      hasCertificate,
      content: {
        kind: 'dsse',
        payloadType: str(env.payloadType, 'dsseEnvelope.payloadType'),
        payload: fromBase64(str(env.payload, 'dsseEnvelope.payload')),
        signatures: sigs.map((s, i) => {
          const sig = obj(s, `dsseEnvelope.signatures[${i}]`);
          return { keyid: typeof sig.keyid === 'string' ? sig.keyid : '', sig: fromBase64(str(sig.sig, `dsseEnvelope.signatures[${i}].sig`)) };
        }),
      },
    };
  }
  if (doc.messageSignature !== undefined) {
    const m = obj(doc.messageSignature, 'messageSignature');
    const d = m.messageDigest === undefined ? undefined : obj(m.messageDigest, 'messageSignature.messageDigest');
    return {
      keyHint,
      hasCertificate,
      content: {
        kind: 'message',
        ...(d ? { digest: { algorithm: str(d.algorithm, 'messageDigest.algorithm'), value: fromBase64(str(d.digest, 'messageDigest.digest')) } } : {}),
        signature: fromBase64(str(m.signature, 'messageSignature.signature')),
      },
    };
  }
  throw new Error('the bundle holds neither a dsseEnvelope nor a messageSignature');
}

/** The in-toto statement inside a DSSE bundle, if it holds one. */
export function statementOf(bundle: BundleView): InTotoStatement | undefined {
  if (bundle.content.kind !== 'dsse' || bundle.content.payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  try {
    const doc = JSON.parse(fromUtf8(bundle.content.payload)) as InTotoStatement;
    return Array.isArray(doc.subject) && typeof doc.predicateType === 'string' ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `bundle` is signed by the key behind `verify`, offline (transparency-log entries and timestamps are not
 * checked): a DSSE envelope's signature over its pre-authentication encoding, or a message signature over
 * `artifact` whose recorded SHA-256 digest is the artifact's. These are the checks @sigstore/verify makes for key
 * material, written without Node's crypto so a browser can run them; in Node, `trustedKey` verifies through
 * @sigstore/verify itself.
 */
export async function bundleSignedBy(
  bundle: BundleView,
  verify: (data: Uint8Array, signature: Uint8Array) => Promise<boolean>,
  artifact?: Uint8Array,
): Promise<boolean> {
  const c = bundle.content;
  if (c.kind === 'dsse') {
    const sig = c.signatures[0];
    return sig !== undefined && verify(preAuthEncoding(c.payloadType, c.payload), sig.sig);
  }
  if (!artifact || !c.digest || c.digest.algorithm !== 'SHA2_256') return false;
  if (toHex(c.digest.value) !== sha256Hex(artifact)) return false;
  return verify(artifact, c.signature);
}
