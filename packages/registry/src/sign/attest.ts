import type { Target } from '../store/types.js';
import { attachBundle, createDsseBundle, serializeBundle, statementFor, type AttachedBundle, type InTotoStatement } from './bundle.js';
import { SignError } from './errors.js';
import { resolveSubject } from './sign.js';
import type { Signer } from './signer.js';
import { checkReferrerBundles, requireVerified, type SignatureFailure, type TrustedKey } from './verify.js';

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
}

/**
 * `weld attest`: a DSSE-signed in-toto statement about the manifest digest, stored as a sigstore bundle referrer
 * (cosign v3's attestation layout, with the predicate type annotated for discovery).
 */
export async function attestImage(
  target: Target,
  reference: string,
  signer: Signer,
  attestation: { predicateType: string; predicate: Record<string, unknown>; now?: Date },
): Promise<AttestResult> {
  const subject = await resolveSubject(target, reference);
  const statement = statementFor(subject.digest, attestation.predicateType, attestation.predicate);
  const bundle = await createDsseBundle(signer, statement);
  const attached = await attachBundle(target, subject, serializeBundle(bundle), {
    content: 'dsse-envelope',
    predicateType: attestation.predicateType,
    created: attestation.now,
  });
  return { target: target.name, reference, digest: subject.digest, predicateType: attestation.predicateType, attached };
}

export interface VerifiedAttestation {
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
  const checked = await checkReferrerBundles(target, subject, options.keys, (p) => p === wanted, failures);
  const attestations: VerifiedAttestation[] = [];
  for (const b of checked) {
    if (!b.statement) continue;
    const entry: VerifiedAttestation = {
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
        failures.push({ route: 'sigstore-bundle', location: b.location, reason: 'malformed-signature', message: 'validly signed, but the provenance predicate has no buildDefinition.resolvedDependencies' });
        continue;
      }
      Object.assign(entry, parsed);
    }
    attestations.push(entry);
  }
  if (attestations.length === 0 && failures.length === 0) {
    failures.push({ route: 'sigstore-bundle', location: subject.digest, reason: 'no-signature', message: `no ${wanted} attestation is attached to ${subject.digest}` });
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
