/** Reading cosign's tag-based signatures (no `node:` import, so verification runs in a browser); signing is cosign.ts. */
import type { Descriptor, Fetcher, Resolver } from '../store/types.js';
import { fetchBytes, isImageManifest, isNotFound, parseJson, type Manifest } from './content.js';
import { SignError } from './errors.js';

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

export interface CosignSignatureManifest {
  descriptor: Descriptor;
  manifest: Manifest;
}

/** The `sha256-<hex>.sig` image for `subjectDigest`, or undefined when there is none. */
export async function readSignatureManifest(target: Fetcher & Resolver & { readonly name: string }, subjectDigest: string, tagFor = signatureTag): Promise<CosignSignatureManifest | undefined> {
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
