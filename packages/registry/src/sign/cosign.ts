import type { Descriptor, Target } from '../store/types.js';
import {
  describeBytes,
  fetchBytes,
  isImageManifest,
  isNotFound,
  OCI_IMAGE_CONFIG,
  OCI_MANIFEST,
  parseJson,
  pushIfMissing,
  type Manifest,
} from './content.js';
import { SignError } from './errors.js';
import type { Signer } from './signer.js';

/** cosign `specs/SIGNATURE_SPEC.md` + `pkg/oci/static`: names as cosign writes and reads them. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
/** weld's hint of which key made a layer's signature (unsigned; only used to word failures). cosign ignores it. */
export const KEY_ID_ANNOTATION = 'dev.weld.sign/key-id';

/** `sha256:abc…` → `sha256-abc….sig`, cosign's tag-based discovery. */
export function signatureTag(digest: string): string {
  return digest.replace(':', '-') + '.sig';
}

/** `sha256:abc…` → `sha256-abc….att`, where cosign (tag-based) keeps DSSE attestations. */
export function attestationTag(digest: string): string {
  return digest.replace(':', '-') + '.att';
}

/** Layer media type of a cosign tag-based attestation: the DSSE envelope JSON is the layer. */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** Layer annotation cosign sets on attestation layers. */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';

export interface SimpleSigningPayload {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional: Record<string, unknown> | null;
}

/**
 * The payload bytes exactly as cosign (sigstore `payload.Cosign.MarshalJSON`, Go `encoding/json`) writes them:
 * struct fields in declaration order, map keys sorted, `optional: null` without annotations, and `<>&`
 * escaped as `\u003c \u003e \u0026` like Go's HTML-safe encoder.
 */
export function simpleSigningPayload(
  dockerReference: string,
  manifestDigest: string,
  annotations?: Record<string, string>,
  provenance: { creator?: string; timestamp?: Date } = {},
): Buffer {
  // `creator` and `timestamp` are the optional fields containers-signature(5) defines; -a annotations win on a clash.
  const fields: Record<string, unknown> = {};
  if (provenance.creator !== undefined) fields.creator = provenance.creator;
  if (provenance.timestamp !== undefined) fields.timestamp = Math.floor(provenance.timestamp.getTime() / 1000);
  Object.assign(fields, annotations ?? {});
  const optional = Object.keys(fields).length > 0 ? Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]])) : null;
  const doc: SimpleSigningPayload = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional,
  };
  return Buffer.from(goJson(doc), 'utf8');
}

function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Parses a simple-signing payload; `undefined` when it is not one of cosign's (wrong shape or type). */
export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningPayload | undefined {
  let doc: unknown;
  try {
    doc = parseJson(bytes);
  } catch {
    return undefined;
  }
  const d = doc as Partial<SimpleSigningPayload> | null;
  const digest = d?.critical?.image?.['docker-manifest-digest'];
  if (typeof digest !== 'string' || d?.critical?.type !== COSIGN_SIGNATURE_TYPE) return undefined;
  return d as SimpleSigningPayload;
}

/** go-containerregistry's config for an image built by appending layers to `empty.Image` (what cosign pushes). */
function signatureImageConfig(layers: Descriptor[]): Buffer {
  const zero = '0001-01-01T00:00:00Z';
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: zero,
      history: layers.map(() => ({ created: zero })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
}

export interface CosignSignatureManifest {
  descriptor: Descriptor;
  manifest: Manifest;
}

/** The `sha256-<hex>.sig` image for `subjectDigest`, or undefined when there is none. */
export async function readSignatureManifest(target: Target, subjectDigest: string, tagFor = signatureTag): Promise<CosignSignatureManifest | undefined> {
  const tag = tagFor(subjectDigest);
  let descriptor: Descriptor;
  try {
    descriptor = await target.resolve(tag);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const { bytes } = await fetchBytes(target, descriptor);
  let doc: unknown;
  try {
    doc = parseJson(bytes);
  } catch (e) {
    throw new SignError('signature-manifest-invalid', `${target.name}:${tag} is not valid JSON`, { cause: e });
  }
  if (!isImageManifest(doc)) {
    throw new SignError('signature-manifest-invalid', `${target.name}:${tag} is not an image manifest`, {
      hint: 'the signature tag holds something other than a cosign signature image',
    });
  }
  return { descriptor, manifest: doc };
}

export interface CosignSignResult {
  tag: string;
  manifest: Descriptor;
  payload: Descriptor;
  /** Signatures in the manifest after this one was added (existing ones are kept). */
  signatureCount: number;
  /** True when an identical signature layer was already present (nothing was pushed). */
  unchanged: boolean;
}

export interface CosignSignOptions {
  dockerReference: string;
  annotations?: Record<string, string>;
  /** Recorded as `optional.creator` (e.g. "weld 0.1.0"). */
  creator?: string;
  /** Recorded as `optional.timestamp` (Unix seconds): the signed "when". */
  timestamp?: Date;
}

/**
 * Signs `subject` as cosign does: a simple-signing payload blob, its signature in the layer annotation,
 * appended as a layer to the `sha256-<hex>.sig` image (existing signature layers are never dropped).
 */
export async function signCosign(target: Target, subject: Descriptor, signer: Signer, options: CosignSignOptions): Promise<CosignSignResult> {
  const payload = simpleSigningPayload(options.dockerReference, subject.digest, options.annotations, { creator: options.creator, timestamp: options.timestamp });
  const sig = await signer.sign(payload);
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: sig.signature.toString('base64') };
  if (sig.key.$case === 'x509Certificate') {
    annotations[CERTIFICATE_ANNOTATION] = sig.key.certificate;
    annotations[CHAIN_ANNOTATION] = '';
  } else if (sig.key.hint) {
    annotations[KEY_ID_ANNOTATION] = sig.key.hint;
  }
  return appendCosignLayer(target, subject, signatureTag, SIMPLE_SIGNING_MEDIA_TYPE, payload, annotations);
}

/** cosign's tag-based attestation: the DSSE envelope JSON appended as a layer of the `sha256-<hex>.att` image. */
export async function attachCosignAttestation(target: Target, subject: Descriptor, envelopeJson: Uint8Array, predicateType: string): Promise<CosignSignResult> {
  return appendCosignLayer(target, subject, attestationTag, DSSE_ENVELOPE_MEDIA_TYPE, envelopeJson, {
    [SIGNATURE_ANNOTATION]: '',
    [PREDICATE_TYPE_ANNOTATION]: predicateType,
  });
}

async function appendCosignLayer(
  target: Target,
  subject: Descriptor,
  tagFor: (digest: string) => string,
  mediaType: string,
  payload: Uint8Array,
  annotations: Record<string, string>,
): Promise<CosignSignResult> {
  const payloadDesc = describeBytes(mediaType, payload);
  const layer: Descriptor = { ...payloadDesc, annotations };
  // ECDSA signatures are randomized, so a re-sign adds a layer; an identical layer (deterministic RSA) is kept once.
  const tag = tagFor(subject.digest);
  const isOurs = (l: Descriptor) => l.digest === layer.digest && l.annotations?.[SIGNATURE_ANNOTATION] === annotations[SIGNATURE_ANNOTATION];
  await pushIfMissing(target, payloadDesc, payload);
  // The tag is read-modify-write and registries offer no compare-and-swap: another signer may replace it between
  // our read and our write. After writing, wait a moment and re-read; merge again while our layer is missing, so
  // concurrent signers converge on a manifest holding every signature (cosign's own spec calls this racy).
  let written = false;
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const existing = await readSignatureManifest(target, subject.digest, tagFor);
    const layers = existing ? [...existing.manifest.layers] : [];
    if (existing && layers.some(isOurs)) {
      return { tag, manifest: existing.descriptor, payload: payloadDesc, signatureCount: layers.length, unchanged: !written };
    }
    layers.push(layer);
    const config = signatureImageConfig(layers);
    const configDesc = describeBytes(OCI_IMAGE_CONFIG, config);
    await pushIfMissing(target, configDesc, config);
    const manifest: Manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: configDesc, layers };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDesc = describeBytes(OCI_MANIFEST, manifestBytes);
    await target.push(manifestDesc, manifestBytes);
    await target.tag(manifestDesc, tag);
    written = true;
    await new Promise((r) => setTimeout(r, SETTLE_MS + Math.floor(Math.random() * SETTLE_MS)));
  }
  throw new SignError('signature-manifest-invalid', `${target.name}:${tag} kept changing while signing; the signature was not recorded`, {
    hint: 'another process is signing the same image at the same time; run the command again',
  });
}

const SETTLE_MS = 15;
const MAX_APPEND_ATTEMPTS = 8;
