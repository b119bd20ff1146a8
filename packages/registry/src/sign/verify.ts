/**
 * Verifying an image's signatures, in named steps. No `node:` import: the cryptography is the trusted keys' own
 * (`trustedKey` in Node, `publicKeyFromPem` with WebCrypto in a browser), so the page verifies with this same code.
 */
import type { Descriptor, Fetcher, ReferrerLister, Resolver, TagLister } from '../store/types.js';
import {
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  COSIGN_SIGN_PREDICATE_TYPE,
  CREATED_ANNOTATION,
  listBundles,
  readBundleView,
  statementOf,
  type BundleView,
  type InTotoStatement,
} from './bundle-read.js';
import { fromBase64, toHex } from './bytes.js';
import { blobIntact, fetchBytes, isImageManifest, isIntegrityError, parseJson, sha256Digest } from './content.js';
import { CERTIFICATE_ANNOTATION, KEY_ID_ANNOTATION, parseSimpleSigningPayload, readSignatureManifest, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-read.js';
import { SignError } from './errors.js';

/** What verification reads from a store: the one-method capabilities, so any store (or the page's) serves. */
export type VerifyTarget = Fetcher & Resolver & TagLister & ReferrerLister & { readonly name: string };

export type SignatureRoute = 'cosign-tag' | 'sigstore-bundle';

/** Why a signature (or the image it should cover) did not verify. Each tampering case has its own reason. */
export type FailureReason =
  | 'no-signature'
  | 'manifest-changed'
  | 'layer-changed'
  | 'payload-changed'
  | 'signature-invalid'
  | 'wrong-key'
  | 'payload-digest-mismatch'
  | 'annotation-mismatch'
  | 'malformed-signature';

/** A public key verification trusts, with its own cryptography (Node's, or WebCrypto in a browser). */
export interface TrustedKey {
  /** Hex SHA-256 of the SPKI. */
  id: string;
  /** Where the key came from (file path, policy entry), for messages. */
  source?: string;
  /** Whether `signature` is this key's over `data`, with the hash cosign pairs with the key. Never throws. */
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * Whether the sigstore bundle (its JSON bytes) is signed by this key, offline; `artifact` is what a
   * message-signature bundle signs. Never throws.
   */
  verifyBundle(bundle: Uint8Array, artifact?: Uint8Array): Promise<boolean>;
}

export interface VerifiedSignature {
  route: SignatureRoute;
  /** `sha256-….sig` tag (cosign) or referrer manifest digest (bundle). */
  location: string;
  /** Who: the trusted key that verified it. */
  keyId: string;
  keySource?: string;
  /** What: the manifest digest the signature binds, and the identity the signer claimed. */
  digest: string;
  dockerReference?: string;
  annotations: Record<string, string>;
  /** The signing tool the payload names (`optional.creator`), when recorded. */
  creator?: string;
  /**
   * When: the signer's clock — `optional.timestamp` inside the signed payload (cosign route) or the bundle
   * manifest's creation annotation (not covered by the signature). No timestamp authority is consulted offline.
   */
  createdAt?: string;
}

export interface SignatureFailure {
  route: SignatureRoute | 'image';
  location: string;
  reason: FailureReason;
  message: string;
}

export interface VerificationReport {
  target: string;
  reference: string;
  digest: string;
  verified: VerifiedSignature[];
  failures: SignatureFailure[];
  /** weld verifies offline: no transparency log or timestamp authority is consulted. */
  transparencyLog: 'not checked (offline)';
}

export interface VerifyOptions {
  keys: TrustedKey[];
  /** Annotations every accepted signature must carry (cosign `-a k=v`). */
  annotations?: Record<string, string>;
  /** Re-hash the config and layers the manifest references (default true): catches a changed layer. */
  checkContent?: boolean;
  /** Which discovery routes to use (default both). */
  routes?: SignatureRoute[];
}

/**
 * Finds the image's signatures by both routes (cosign's `sha256-<hex>.sig` tag and sigstore bundles among its
 * referrers) and checks each in named steps: content integrity, signature against the trusted keys, digest
 * binding, required annotations. Never throws for a failed check: failures are in the report.
 */
export async function verifyImage(target: VerifyTarget, reference: string, options: VerifyOptions): Promise<VerificationReport> {
  const subject = await target.resolve(reference);
  const report: VerificationReport = {
    target: target.name,
    reference,
    digest: subject.digest,
    verified: [],
    failures: [],
    transparencyLog: 'not checked (offline)',
  };
  const imageProblem = await checkImageContent(target, subject, options.checkContent ?? true);
  if (imageProblem) {
    report.failures.push(imageProblem);
    return report;
  }
  const routes = options.routes ?? ['cosign-tag', 'sigstore-bundle'];
  if (routes.includes('cosign-tag')) await checkCosignSignatures(target, subject, options, report);
  if (routes.includes('sigstore-bundle')) await checkBundles(target, subject, options, report);
  if (report.verified.length === 0 && report.failures.length === 0) {
    report.failures.push((await explainMissingSignature(target, subject, options)) ?? {
      route: 'image',
      location: subject.digest,
      reason: 'no-signature',
      message: `no signature found for ${subject.digest} (looked for the cosign tag and sigstore bundles among its referrers)`,
    });
  }
  return report;
}

/** The accepted signatures, or a `verification-failed` error (exit 1) listing every reason. */
export function requireVerified(report: VerificationReport, what = 'signature'): VerifiedSignature[] {
  if (report.verified.length > 0) return report.verified;
  const reasons = report.failures.map((f) => `  ${f.reason}: ${f.message}${f.location !== report.digest ? ` [${f.location}]` : ''}`);
  throw new SignError('verification-failed', `no valid ${what} for ${report.target}@${report.digest}`, {
    detail: reasons.join('\n'),
    hint: 'offline: no transparency log checked',
  });
}

async function checkImageContent(target: VerifyTarget, subject: Descriptor, checkContent: boolean): Promise<SignatureFailure | undefined> {
  let manifestBytes: Uint8Array;
  try {
    const got = await fetchBytes(target, subject);
    if (!got.intact) return manifestChanged(subject);
    manifestBytes = got.bytes;
  } catch (e) {
    if (isIntegrityError(e)) return manifestChanged(subject);
    throw e;
  }
  if (!checkContent) return undefined;
  let doc: unknown;
  try {
    doc = parseJson(manifestBytes);
  } catch {
    return manifestChanged(subject);
  }
  const blobs = isImageManifest(doc) ? [doc.config, ...doc.layers] : [];
  for (const blob of blobs) {
    let intact: boolean;
    try {
      intact = await blobIntact(target, blob);
    } catch (e) {
      if (!isIntegrityError(e)) throw e;
      intact = false;
    }
    if (!intact) {
      return {
        route: 'image',
        location: blob.digest,
        reason: 'layer-changed',
        message: `${blob === blobs[0] ? 'the config' : `layer ${blob.digest}`} (${blob.mediaType}) no longer matches the digest the signed manifest records: its content was changed after signing`,
      };
    }
  }
  return undefined;
}

function manifestChanged(subject: Descriptor): SignatureFailure {
  return {
    route: 'image',
    location: subject.digest,
    reason: 'manifest-changed',
    message: `the stored manifest bytes no longer hash to ${subject.digest}: the manifest was changed`,
  };
}

/** The trusted key under which `signature` verifies `payload` (cosign's hash for the key), if any. */
export async function verifyWithAnyKey(keys: TrustedKey[], payload: Uint8Array, signature: Uint8Array): Promise<TrustedKey | undefined> {
  for (const k of keys) if (await k.verify(payload, signature)) return k;
  return undefined;
}

/** `wrong-key` when the signature names a key we do not trust, else `signature-invalid`. */
export function keyFailure(route: SignatureRoute, location: string, hint: string | undefined, keys: TrustedKey[], what: string): SignatureFailure {
  const expected = keys.map((k) => `${k.id.slice(0, 16)}…${k.source ? ` (${k.source})` : ''}`).join(', ');
  if (hint && !keys.some((k) => k.id === hint)) {
    return { route, location, reason: 'wrong-key', message: `${what} was made by key ${hint.slice(0, 16)}…, not by a trusted key (expected ${expected})` };
  }
  return {
    route,
    location,
    reason: 'signature-invalid',
    message: `${what} does not verify with ${expected}: the signature bytes or the signed payload were changed${hint ? '' : ', or another key signed it'}`,
  };
}

function missingAnnotations(required: Record<string, string> | undefined, have: Record<string, unknown>): string[] {
  return Object.entries(required ?? {})
    .filter(([k, v]) => have[k] !== v)
    .map(([k, v]) => `${k}=${v} (found ${have[k] === undefined ? 'nothing' : JSON.stringify(have[k])})`);
}

async function checkCosignSignatures(target: VerifyTarget, subject: Descriptor, options: VerifyOptions, report: VerificationReport): Promise<void> {
  const sigImage = await readSignatureManifest(target, subject.digest).catch((e: unknown) => {
    if (e instanceof SignError) {
      report.failures.push({ route: 'cosign-tag', location: subject.digest, reason: 'malformed-signature', message: e.message });
      return undefined;
    }
    throw e;
  });
  if (!sigImage) return;
  const tag = `${subject.digest.replace(':', '-')}.sig`;
  for (const [index, layer] of sigImage.manifest.layers.entries()) {
    const location = `${tag} layer ${index}`;
    const fail = (reason: FailureReason, message: string) => report.failures.push({ route: 'cosign-tag', location, reason, message });
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
    const b64 = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (!b64) {
      fail('malformed-signature', `layer has no ${SIGNATURE_ANNOTATION} annotation`);
      continue;
    }
    let signature: Uint8Array;
    try {
      signature = fromBase64(b64);
    } catch {
      fail('malformed-signature', `the ${SIGNATURE_ANNOTATION} annotation is not base64`);
      continue;
    }
    let payload: Uint8Array;
    try {
      const got = await fetchBytes(target, layer);
      if (!got.intact) {
        fail('payload-changed', `the signed payload blob ${layer.digest} was changed (its bytes no longer match the digest)`);
        continue;
      }
      payload = got.bytes;
    } catch (e) {
      if (!isIntegrityError(e)) throw e;
      fail('payload-changed', `the signed payload blob ${layer.digest} was changed (its bytes no longer match the digest)`);
      continue;
    }
    const key = await verifyWithAnyKey(options.keys, payload, signature);
    if (!key) {
      if (layer.annotations?.[CERTIFICATE_ANNOTATION]) {
        fail('wrong-key', 'this is a keyless signature (Fulcio certificate); weld verifies key-based signatures offline and cannot check certificate chains yet');
        continue;
      }
      report.failures.push(keyFailure('cosign-tag', location, layer.annotations?.[KEY_ID_ANNOTATION], options.keys, 'the cosign signature'));
      continue;
    }
    const parsed = parseSimpleSigningPayload(payload);
    if (!parsed) {
      fail('malformed-signature', 'the signed payload is not a cosign simple-signing payload');
      continue;
    }
    const claimed = parsed.critical.image['docker-manifest-digest'];
    if (claimed !== subject.digest) {
      fail('payload-digest-mismatch', `the signature is valid but signs ${claimed}, not ${subject.digest}: it was copied from another image`);
      continue;
    }
    const optional = (parsed.optional ?? {}) as Record<string, unknown>;
    const missing = missingAnnotations(options.annotations, optional);
    if (missing.length > 0) {
      fail('annotation-mismatch', `valid signature, but it lacks the required annotation(s) ${missing.join(', ')}`);
      continue;
    }
    report.verified.push({
      route: 'cosign-tag',
      location,
      keyId: key.id,
      keySource: key.source,
      digest: claimed,
      dockerReference: parsed.critical.identity['docker-reference'],
      annotations: stringValues(Object.fromEntries(Object.entries(optional).filter(([k]) => k !== 'creator' && k !== 'timestamp'))),
      creator: typeof optional.creator === 'string' ? optional.creator : undefined,
      createdAt: typeof optional.timestamp === 'number' ? new Date(optional.timestamp * 1000).toISOString() : undefined,
    });
  }
}

function stringValues(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export interface CheckedBundle {
  location: string;
  bundle: BundleView;
  statement?: InTotoStatement;
  key: TrustedKey;
  createdAt?: string;
  annotations: Record<string, string>;
}

/**
 * Verifies every bundle among the subject's referrers whose predicate passes `accept`; pushes failures to
 * `failures` and returns the bundles that verified and bind to the subject digest.
 */
export async function checkReferrerBundles(
  target: VerifyTarget,
  subject: Descriptor,
  keys: TrustedKey[],
  accept: (predicateType: string | undefined) => boolean,
  failures: SignatureFailure[],
): Promise<CheckedBundle[]> {
  const ok: CheckedBundle[] = [];
  let manifestBytes: Uint8Array | undefined;
  for (const entry of await listBundles(target, subject)) {
    const location = entry.manifest.digest;
    const fail = (reason: FailureReason, message: string) => failures.push({ route: 'sigstore-bundle', location, reason, message });
    const annotated = entry.annotations[BUNDLE_PREDICATE_TYPE_ANNOTATION];
    if (annotated !== undefined && !accept(annotated)) continue;
    if (!entry.bytes || !entry.intact) {
      fail('payload-changed', entry.problem ?? 'bundle unreadable');
      continue;
    }
    let bundle: BundleView;
    try {
      bundle = readBundleView(entry.bytes);
    } catch (e) {
      fail('malformed-signature', `not a valid sigstore bundle: ${(e as Error).message}`);
      continue;
    }
    const statement = statementOf(bundle);
    if (bundle.content.kind === 'dsse' && !statement) {
      fail('malformed-signature', 'the DSSE envelope does not hold an in-toto statement');
      continue;
    }
    if (statement && !accept(statement.predicateType)) continue;
    if (!statement && !accept(undefined)) continue;
    let artifact: Uint8Array | undefined;
    if (bundle.content.kind === 'message') {
      manifestBytes ??= (await fetchBytes(target, subject)).bytes;
      artifact = manifestBytes;
    }
    let key: TrustedKey | undefined;
    for (const k of keys) {
      if (await k.verifyBundle(entry.bytes, artifact)) {
        key = k;
        break;
      }
    }
    if (!key) {
      if (bundle.content.kind === 'message' && toHex(bundle.content.digest?.value ?? new Uint8Array()) !== subject.digest.split(':')[1]) {
        fail('payload-digest-mismatch', `the message signature covers another manifest, not ${subject.digest}`);
        continue;
      }
      failures.push(keyFailure('sigstore-bundle', location, bundle.keyHint || undefined, keys, 'the bundle signature'));
      continue;
    }
    if (statement) {
      const [alg, hex] = subject.digest.split(':');
      if (!statement.subject.some((s) => s.digest?.[alg] === hex)) {
        const claimed = statement.subject.map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`).join(',')).join(' ');
        fail('payload-digest-mismatch', `the bundle is validly signed but its statement is about ${claimed || 'nothing'}, not ${subject.digest}`);
        continue;
      }
    }
    const subjectAnnotations = statement?.subject.find((s) => s.digest?.[subject.digest.split(':')[0]] === subject.digest.split(':')[1])?.annotations ?? {};
    ok.push({ location, bundle, statement, key, createdAt: entry.annotations[CREATED_ANNOTATION], annotations: stringValues(subjectAnnotations) });
  }
  return ok;
}

async function checkBundles(target: VerifyTarget, subject: Descriptor, options: VerifyOptions, report: VerificationReport): Promise<void> {
  const isSignature = (p: string | undefined) => p === undefined || p === COSIGN_SIGN_PREDICATE_TYPE;
  for (const b of await checkReferrerBundles(target, subject, options.keys, isSignature, report.failures)) {
    const missing = missingAnnotations(options.annotations, b.annotations);
    if (missing.length > 0) {
      report.failures.push({ route: 'sigstore-bundle', location: b.location, reason: 'annotation-mismatch', message: `valid bundle, but it lacks the required annotation(s) ${missing.join(', ')}` });
      continue;
    }
    report.verified.push({
      route: 'sigstore-bundle',
      location: b.location,
      keyId: b.key.id,
      keySource: b.key.source,
      digest: subject.digest,
      annotations: b.annotations,
      createdAt: b.createdAt,
    });
  }
}

const SIG_TAG_RE = /^sha256-([a-f0-9]{64})\.sig$/;
const MAX_SIGNATURE_TAGS_SCANNED = 64;

/**
 * When nothing is attached to the digest, looks for cosign signatures by a trusted key on other digests of the
 * same repository: then the image was changed (or re-tagged) after it was signed, which deserves its own reason.
 */
async function explainMissingSignature(target: VerifyTarget, subject: Descriptor, options: VerifyOptions): Promise<SignatureFailure | undefined> {
  const signedElsewhere: string[] = [];
  let scanned = 0;
  try {
    for await (const tag of target.tags()) {
      const m = SIG_TAG_RE.exec(tag);
      if (!m || `sha256:${m[1]}` === subject.digest) continue;
      if (++scanned > MAX_SIGNATURE_TAGS_SCANNED) break;
      const sig = await readSignatureManifest(target, `sha256:${m[1]}`).catch(() => undefined);
      for (const layer of sig?.manifest.layers ?? []) {
        const b64 = layer.annotations?.[SIGNATURE_ANNOTATION];
        if (!b64 || layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
        const payload = await fetchBytes(target, layer).catch(() => undefined);
        if (!payload?.intact || sha256Digest(payload.bytes) !== layer.digest) continue;
        if (await verifyWithAnyKey(options.keys, payload.bytes, fromBase64(b64))) {
          signedElsewhere.push(`sha256:${m[1]}`);
          break;
        }
      }
    }
  } catch {
    return undefined; // listing tags is a best-effort explanation, not part of the check
  }
  if (signedElsewhere.length === 0) return undefined;
  return {
    route: 'image',
    location: subject.digest,
    reason: 'manifest-changed',
    message: `no signature covers ${subject.digest}, but the trusted key signed ${signedElsewhere.slice(0, 3).join(', ')}${signedElsewhere.length > 3 ? ' …' : ''} in this repository: the manifest was changed or re-tagged after signing`,
  };
}
