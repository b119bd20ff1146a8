import type { Descriptor, Target } from '../store/types.js';
import { describeBytes, OCI_IMAGE_CONFIG, OCI_MANIFEST, pushIfMissing, type Manifest } from './content.js';
import { SignError } from './errors.js';
import {
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  COSIGN_SIGNATURE_TYPE,
  DSSE_ENVELOPE_MEDIA_TYPE,
  KEY_ID_ANNOTATION,
  PREDICATE_TYPE_ANNOTATION,
  readSignatureManifest,
  SIGNATURE_ANNOTATION,
  signatureTag,
  SIMPLE_SIGNING_MEDIA_TYPE,
  attestationTag,
  type SimpleSigningPayload,
} from './cosign-read.js';
import type { Signer } from './signer.js';

/** Signing as cosign does (tag-based signatures and attestations); reading them is cosign-read.ts. */
export * from './cosign-read.js';

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
