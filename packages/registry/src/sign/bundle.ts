import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bundleFromJSON, bundleToJSON, type Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type KeyFinderFunc } from '@sigstore/verify';
import type { Descriptor, Target } from '../store/types.js';
import { describeBytes, EMPTY_JSON, OCI_EMPTY, OCI_MANIFEST, pushIfMissing, type Manifest } from './content.js';
import { hashForKey } from './keys.js';
import {
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_MEDIA_TYPE,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  CREATED_ANNOTATION,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V1,
  preAuthEncoding,
  type InTotoStatement,
  type InTotoSubject,
} from './bundle-read.js';
import type { Signer } from './signer.js';

/** Making, attaching and (in Node, through @sigstore/verify) checking bundles; reading them is bundle-read.ts. */
export * from './bundle-read.js';

/** An in-toto v1 statement about one OCI manifest digest (`sha256:hex` → `{sha256: hex}`). */
export function statementFor(manifestDigest: string, predicateType: string, predicate: Record<string, unknown>, annotations?: Record<string, string>): InTotoStatement {
  const [algorithm, hex] = manifestDigest.split(':');
  const subject: InTotoSubject = { digest: { [algorithm]: hex } };
  if (annotations && Object.keys(annotations).length > 0) subject.annotations = { ...annotations };
  return { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType, predicate };
}

/** Signs `statement` into a v0.3 sigstore bundle holding a DSSE envelope (no transparency log: offline). */
export async function createDsseBundle(signer: Signer, statement: InTotoStatement): Promise<Bundle> {
  // @sigstore/sign takes ~1 s to load; only signing needs it, so every other weld command skips it. It is CommonJS:
  // its module.exports is the namespace's `default` in Node and in either form of the CLI bundle, while its named
  // exports exist only where Node's lexer finds them (the bundle's ES module chunks have none: sign broke there).
  const { DSSEBundleBuilder } = (await import('@sigstore/sign')).default;
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] });
  return builder.create({ data: Buffer.from(JSON.stringify(statement)), type: IN_TOTO_PAYLOAD_TYPE });
}

export function serializeBundle(bundle: Bundle): Buffer {
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)));
}

export interface AttachedBundle {
  manifest: Descriptor;
  bundle: Descriptor;
}

/**
 * Stores `bundleBytes` as the single layer of an OCI 1.1 artifact manifest whose `subject` is the image, so the
 * registry's referrers API (or the store's tag-schema fallback) lists it. Layout as cosign's `WriteReferrer`.
 */
export async function attachBundle(
  target: Target,
  subject: Descriptor,
  bundleBytes: Uint8Array,
  annotations: { content: 'dsse-envelope' | 'message-signature'; predicateType?: string; created?: Date },
): Promise<AttachedBundle> {
  const bundleDesc = describeBytes(BUNDLE_MEDIA_TYPE, bundleBytes);
  const configDesc = describeBytes(OCI_EMPTY, EMPTY_JSON);
  await pushIfMissing(target, bundleDesc, bundleBytes);
  await pushIfMissing(target, configDesc, EMPTY_JSON);
  const manifestAnnotations: Record<string, string> = {
    [BUNDLE_CONTENT_ANNOTATION]: annotations.content,
    [CREATED_ANNOTATION]: (annotations.created ?? new Date()).toISOString(),
  };
  if (annotations.predicateType) manifestAnnotations[BUNDLE_PREDICATE_TYPE_ANNOTATION] = annotations.predicateType;
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_MEDIA_TYPE,
    config: configDesc,
    layers: [bundleDesc],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: manifestAnnotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const manifestDesc = describeBytes(OCI_MANIFEST, bytes);
  await target.push({ ...manifestDesc, artifactType: BUNDLE_MEDIA_TYPE }, bytes);
  return { manifest: manifestDesc, bundle: bundleDesc };
}

const EMPTY_TRUSTED_ROOT: TrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

/**
 * Verifies a key-based bundle with `@sigstore/verify` offline: an empty trusted root (no Fulcio CA, no Rekor, no
 * TSA) plus the given public key, and thresholds of zero for transparency log, CT log and timestamps.
 * `artifact` is required for message-signature bundles (the signed bytes). Throws sigstore's VerificationError.
 */
export function verifyBundleWithKey(bundle: Bundle, publicKey: KeyObject, artifact?: Buffer): void {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const keyFinder: KeyFinderFunc = () => ({ publicKey: key, validFor: () => true });
  const verifier = new Verifier(toTrustMaterial(EMPTY_TRUSTED_ROOT, keyFinder), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  // Offline: transparency-log entries and timestamps (e.g. in bundles cosign uploaded to Rekor) cannot be checked
  // without the log's keys, so they are set aside and only the signature and the key are verified.
  const offline: Bundle = {
    ...bundle,
    verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
  };
  try {
    verifier.verify(toSignedEntity(offline, artifact));
  } catch (e) {
    // @sigstore/verify checks ECDSA with the key's default digest (SHA-256); P-384/P-521 keys sign with SHA-384/512
    // in cosign and sigstore-go (PKIX_ECDSA_P384_SHA_384 …), so check those DSSE signatures with the key's own hash.
    const hash = hashForKey(key);
    if (hash === 'sha256' || bundle.content.$case !== 'dsseEnvelope') throw e;
    const env = bundle.content.dsseEnvelope;
    const pae = preAuthEncoding(env.payloadType, Buffer.from(env.payload));
    if (!env.signatures.some((s) => cryptoVerify(hash, pae, key, Buffer.from(s.sig)))) throw e;
  }
}

export function parseBundle(bytes: Uint8Array): Bundle {
  return bundleFromJSON(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

/** The statement inside a DSSE bundle, if it is an in-toto one. */
export function bundleStatement(bundle: Bundle): InTotoStatement | undefined {
  if (bundle.content.$case !== 'dsseEnvelope') return undefined;
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  try {
    const doc = JSON.parse(Buffer.from(env.payload).toString('utf8')) as InTotoStatement;
    return Array.isArray(doc.subject) && typeof doc.predicateType === 'string' ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** The key hint a bundle names (the signer's key id for weld bundles), or ''. */
export function bundleKeyHint(bundle: Bundle): string {
  const c = bundle.verificationMaterial.content;
  return c.$case === 'publicKey' ? c.publicKey.hint : '';
}
