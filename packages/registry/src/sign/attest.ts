import { envelopeToJSON } from '@sigstore/bundle';
import type { Descriptor, Target } from '../store/types.js';
import {
  attachBundle,
  createDsseBundle,
  IN_TOTO_PAYLOAD_TYPE,
  preAuthEncoding,
  serializeBundle,
  statementFor,
  type AttachedBundle,
  type InTotoStatement,
} from './bundle.js';
import { fetchBytes, isIntegrityError } from './content.js';
import { attachCosignAttestation, attestationTag, DSSE_ENVELOPE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, readSignatureManifest, type CosignSignResult } from './cosign.js';
import { SignError } from './errors.js';
import { resolveSubject } from './sign.js';
import type { Signer } from './signer.js';
import { checkReferrerBundles, keyFailure, requireVerified, verifyWithAnyKey, type SignatureFailure, type SignatureRoute, type TrustedKey } from './verify.js';

/** SLSA provenance v1: the predicate weld uses to record what a composed component was made from. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** `buildDefinition.buildType` of a weld composition. */
export const WELD_COMPOSE_BUILD_TYPE = 'urn:weld:build-type:compose:v1';
export const WELD_BUILDER_ID = 'urn:weld:builder:cli';

export interface ProvenanceInput {
  /** The input's name in the composition (e.g. the package or plug name). */
  name: string;
  /** `sha256:<hex>` of the input component. */
  digest: string;
  /** Where it came from, if known (an OCI reference or a file). */
  uri?: string;
}

export interface CompositionProvenance {
  inputs: ProvenanceInput[];
  weldVersion: string;
  /** The composition's parameters (e.g. the plug graph or wac file name). */
  externalParameters?: Record<string, unknown>;
  startedOn?: Date;
  finishedOn?: Date;
}

const DIGEST_RE = /^(sha256|sha512):([a-f0-9]+)$/;

/** An SLSA v1 provenance predicate listing the inputs (name + digest) and the weld version that composed them. */
export function compositionPredicate(p: CompositionProvenance): Record<string, unknown> {
  const resolvedDependencies = p.inputs.map((input) => {
    const m = DIGEST_RE.exec(input.digest);
    if (!m) throw new SignError('attestation-invalid', `input "${input.name}" has no valid digest ("${input.digest}")`, { exit: 2, hint: 'digests look like sha256:<64 hex>' });
    return { name: input.name, digest: { [m[1]]: m[2] }, ...(input.uri ? { uri: input.uri } : {}) };
  });
  const metadata: Record<string, string> = {};
  if (p.startedOn) metadata.startedOn = p.startedOn.toISOString();
  if (p.finishedOn) metadata.finishedOn = p.finishedOn.toISOString();
  return {
    buildDefinition: {
      buildType: WELD_COMPOSE_BUILD_TYPE,
      externalParameters: p.externalParameters ?? {},
      resolvedDependencies,
    },
    runDetails: {
      builder: { id: WELD_BUILDER_ID, version: { weld: p.weldVersion } },
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    },
  };
}

export interface AttestResult {
  target: string;
  reference: string;
  digest: string;
  predicateType: string;
  attached: AttachedBundle;
  /** The `sha256-<hex>.att` layer cosign's tag-based `verify-attestation` reads. */
  cosign?: CosignSignResult;
}

/**
 * `weld attest`: a DSSE-signed in-toto statement about the manifest digest, stored as a sigstore bundle referrer
 * (cosign v3's attestation layout, with the predicate type annotated for discovery).
 */
export async function attestImage(
  target: Target,
  reference: string,
  signer: Signer,
  attestation: { predicateType: string; predicate: Record<string, unknown>; now?: Date; cosignTag?: boolean },
): Promise<AttestResult> {
  const subject = await resolveSubject(target, reference);
  const statement = statementFor(subject.digest, attestation.predicateType, attestation.predicate);
  const bundle = await createDsseBundle(signer, statement);
  const attached = await attachBundle(target, subject, serializeBundle(bundle), {
    content: 'dsse-envelope',
    predicateType: attestation.predicateType,
    created: attestation.now,
  });
  let cosign: CosignSignResult | undefined;
  if ((attestation.cosignTag ?? true) && bundle.content.$case === 'dsseEnvelope') {
    const envelope = Buffer.from(JSON.stringify(envelopeToJSON(bundle.content.dsseEnvelope)));
    cosign = await attachCosignAttestation(target, subject, envelope, attestation.predicateType);
  }
  return { target: target.name, reference, digest: subject.digest, predicateType: attestation.predicateType, attached, ...(cosign ? { cosign } : {}) };
}

export interface VerifiedAttestation {
  route: SignatureRoute;
  location: string;
  predicateType: string;
  statement: InTotoStatement;
  keyId: string;
  keySource?: string;
  createdAt?: string;
  /** For weld composition provenance: the recorded inputs. */
  inputs?: ProvenanceInput[];
  weldVersion?: string;
}

export interface AttestationReport {
  target: string;
  reference: string;
  digest: string;
  attestations: VerifiedAttestation[];
  failures: SignatureFailure[];
  transparencyLog: 'not checked (offline)';
}

/** Finds and verifies the attestations (of `predicateType`, default SLSA provenance v1) attached to an image. */
export async function verifyAttestations(
  target: Target,
  reference: string,
  options: { keys: TrustedKey[]; predicateType?: string },
): Promise<AttestationReport> {
  const subject = await target.resolve(reference);
  const wanted = options.predicateType ?? SLSA_PROVENANCE_V1;
  const failures: SignatureFailure[] = [];
  const checked = [
    ...(await checkCosignAttestations(target, subject, options.keys, wanted, failures)).map((c) => ({ ...c, route: 'cosign-tag' as const })),
    ...(await checkReferrerBundles(target, subject, options.keys, (p) => p === wanted, failures)).map((c) => ({ ...c, route: 'sigstore-bundle' as const })),
  ];
  const attestations: VerifiedAttestation[] = [];
  for (const b of checked) {
    if (!b.statement) continue;
    const entry: VerifiedAttestation = {
      route: b.route,
      location: b.location,
      predicateType: b.statement.predicateType,
      statement: b.statement,
      keyId: b.key.id,
      keySource: b.key.source,
      createdAt: b.createdAt,
    };
    if (b.statement.predicateType === SLSA_PROVENANCE_V1) {
      const parsed = readCompositionPredicate(b.statement.predicate);
      if (!parsed) {
        failures.push({ route: b.route, location: b.location, reason: 'malformed-signature', message: 'validly signed, but the provenance predicate has no buildDefinition.resolvedDependencies' });
        continue;
      }
      Object.assign(entry, parsed);
    }
    attestations.push(entry);
  }
  if (attestations.length === 0 && failures.length === 0) {
    failures.push({ route: 'image', location: subject.digest, reason: 'no-signature', message: `no ${wanted} attestation is attached to ${subject.digest} (looked for the cosign .att tag and sigstore bundles among its referrers)` });
  }
  return { target: target.name, reference, digest: subject.digest, attestations, failures, transparencyLog: 'not checked (offline)' };
}

/** The verified attestations, or `verification-failed` (exit 1) with each reason. */
export function requireAttested(report: AttestationReport): VerifiedAttestation[] {
  if (report.attestations.length > 0) return report.attestations;
  requireVerified({ ...report, verified: [] }, 'attestation');
  return [];
}

function readCompositionPredicate(predicate: Record<string, unknown>): { inputs: ProvenanceInput[]; weldVersion?: string } | undefined {
  const def = predicate.buildDefinition as { resolvedDependencies?: unknown } | undefined;
  const deps = def?.resolvedDependencies;
  if (!Array.isArray(deps)) return undefined;
  const inputs: ProvenanceInput[] = [];
  for (const d of deps as { name?: unknown; digest?: Record<string, unknown>; uri?: unknown }[]) {
    const [alg, hex] = Object.entries(d.digest ?? {})[0] ?? [];
    if (typeof hex !== 'string') return undefined;
    inputs.push({ name: typeof d.name === 'string' ? d.name : '', digest: `${alg}:${hex}`, ...(typeof d.uri === 'string' ? { uri: d.uri } : {}) });
  }
  const version = (predicate.runDetails as { builder?: { version?: { weld?: unknown } } } | undefined)?.builder?.version?.weld;
  return { inputs, weldVersion: typeof version === 'string' ? version : undefined };
}

interface CheckedCosignAttestation {
  location: string;
  statement: InTotoStatement;
  key: TrustedKey;
  createdAt?: string;
}

/** Verifies the DSSE envelopes in the `sha256-<hex>.att` image (cosign's tag-based attestations). */
async function checkCosignAttestations(target: Target, subject: Descriptor, keys: TrustedKey[], wanted: string, failures: SignatureFailure[]): Promise<CheckedCosignAttestation[]> {
  const image = await readSignatureManifest(target, subject.digest, attestationTag).catch((e: unknown) => {
    if (!(e instanceof SignError)) throw e;
    failures.push({ route: 'cosign-tag', location: attestationTag(subject.digest), reason: 'malformed-signature', message: e.message });
    return undefined;
  });
  const ok: CheckedCosignAttestation[] = [];
  for (const [index, layer] of (image?.manifest.layers ?? []).entries()) {
    const location = `${attestationTag(subject.digest)} layer ${index}`;
    const fail = (reason: SignatureFailure['reason'], message: string) => failures.push({ route: 'cosign-tag', location, reason, message });
    if (layer.mediaType !== DSSE_ENVELOPE_MEDIA_TYPE) continue;
    const annotated = layer.annotations?.[PREDICATE_TYPE_ANNOTATION];
    if (annotated !== undefined && annotated !== wanted) continue;
    let bytes: Uint8Array;
    try {
      const got = await fetchBytes(target, layer);
      if (!got.intact) {
        fail('payload-changed', `the attestation envelope ${layer.digest} was changed (its bytes no longer match the digest)`);
        continue;
      }
      bytes = got.bytes;
    } catch (e) {
      if (!isIntegrityError(e)) throw e;
      fail('payload-changed', `the attestation envelope ${layer.digest} was changed (its bytes no longer match the digest)`);
      continue;
    }
    let envelope: { payloadType?: unknown; payload?: unknown; signatures?: { keyid?: unknown; sig?: unknown }[] };
    try {
      envelope = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      fail('malformed-signature', 'the attestation layer is not a DSSE envelope (not JSON)');
      continue;
    }
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
      fail('malformed-signature', `the DSSE envelope does not hold an in-toto statement (payloadType ${JSON.stringify(envelope.payloadType)})`);
      continue;
    }
    const payload = Buffer.from(envelope.payload, 'base64');
    const pae = preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload);
    let key: TrustedKey | undefined;
    for (const sig of envelope.signatures) {
      if (typeof sig.sig !== 'string') continue;
      key = await verifyWithAnyKey(keys, pae, Buffer.from(sig.sig, 'base64'));
      if (key) break;
    }
    if (!key) {
      const hint = envelope.signatures.map((s) => s.keyid).find((k): k is string => typeof k === 'string' && k !== '');
      failures.push(keyFailure('cosign-tag', location, hint, keys, 'the attestation signature'));
      continue;
    }
    let statement: InTotoStatement;
    try {
      statement = JSON.parse(payload.toString('utf8')) as InTotoStatement;
    } catch {
      fail('malformed-signature', 'the signed attestation payload is not JSON');
      continue;
    }
    if (statement.predicateType !== wanted) continue;
    const [alg, hex] = subject.digest.split(':');
    if (!Array.isArray(statement.subject) || !statement.subject.some((s) => s.digest?.[alg] === hex)) {
      fail('payload-digest-mismatch', `the attestation is validly signed but is about another artifact, not ${subject.digest}`);
      continue;
    }
    ok.push({ location, statement, key });
  }
  return ok;
}
