import type { Command } from 'commander';
import {
  enforcePolicy,
  resolvePolicy,
  loadPublicKey,
  openTarget,
  requireAttested,
  requireVerified,
  SignError,
  SLSA_PROVENANCE_V1,
  trustedKey,
  verifyAttestations,
  verifyImage,
  type AttestationReport,
  type TrustedKey,
  type VerificationReport,
  type VerifiedSignature,
} from '@weld/registry';
import { emit, exitState, globals, status, type GlobalOptions } from '../context.js';
import { collectAnnotation, collectList } from './sign.js';

const OFFLINE = 'offline: no transparency log checked';

function short(id: string): string {
  return `${id.slice(0, 16)}…`;
}

function signatureLine(v: VerifiedSignature): string {
  const what = v.route === 'cosign-tag' ? 'cosign signature' : 'sigstore bundle ';
  const annotations = Object.entries(v.annotations).map(([k, val]) => `${k}=${val}`).join(' ');
  return [
    `  ✓ ${what}  key ${short(v.keyId)}${v.keySource ? ` (${v.keySource})` : ''}`,
    v.dockerReference ? `identity ${v.dockerReference}` : '',
    annotations ? `annotations ${annotations}` : '',
    v.createdAt ? `${v.route === 'cosign-tag' ? 'signed' : 'created'} ${v.createdAt}` : '',
    v.creator ? `by ${v.creator}` : '',
    `[${v.location}]`,
  ]
    .filter(Boolean)
    .join('  ');
}

function printSignatures(g: GlobalOptions, ref: string, report: VerificationReport): void {
  if (report.verified.length === 0) {
    if (g.output === 'json') {
      emit(g, { ...report, ok: false }, () => []);
      exitState.code = 1;
      return;
    }
    requireVerified(report);
  }
  emit(g, { ...report, ok: true }, () => [
    `Verified ${ref} (${report.digest}): ${report.verified.length} valid signature${report.verified.length === 1 ? '' : 's'}`,
    ...report.verified.map(signatureLine),
    ...report.failures.map((f) => `  ✗ ${f.reason}: ${f.message} [${f.location}]`),
    OFFLINE,
  ]);
}

function printAttestations(g: GlobalOptions, ref: string, report: AttestationReport): void {
  if (report.attestations.length === 0) {
    if (g.output === 'json') {
      emit(g, { ...report, ok: false }, () => []);
      exitState.code = 1;
      return;
    }
    requireAttested(report);
  }
  emit(g, { ...report, ok: true }, () => [
    `Verified ${report.attestations.length} attestation${report.attestations.length === 1 ? '' : 's'} for ${ref} (${report.digest})`,
    ...report.attestations.flatMap((a) => [
      `  ✓ ${a.route === 'cosign-tag' ? 'cosign attestation' : 'sigstore bundle   '}  ${a.predicateType}  key ${short(a.keyId)}${a.keySource ? ` (${a.keySource})` : ''}${a.createdAt ? `  created ${a.createdAt}` : ''}${a.weldVersion ? `  weld ${a.weldVersion}` : ''}`,
      ...(a.inputs ?? []).map((i) => `      input ${i.name}  ${i.digest}${i.uri ? `  ${i.uri}` : ''}`),
    ]),
    ...report.failures.map((f) => `  ✗ ${f.reason}: ${f.message} [${f.location}]`),
    OFFLINE,
  ]);
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('verify an image\'s signatures (cosign tag and sigstore bundles) or attestations against trusted public keys, offline')
    .argument('<ref>', 'host[:port]/repo[:tag][@digest], oci:PATH[:tag] or repo:tag (embedded store)')
    .option('--key <file>', 'trusted public key (cosign.pub); repeatable: any one may have signed', collectList)
    .option('--policy <file>', 'verify against a trust policy (a weld.yaml with `policy:` or a policy file); denial exits 3')
    .option('-a, --annotation <key=value>', 'require this annotation on the signature (repeatable)', collectAnnotation)
    .option('--attestation', 'verify attestations instead of signatures')
    .option('--type <uri>', 'predicate type of the attestation to verify', SLSA_PROVENANCE_V1)
    .option('--no-content-check', 'do not re-hash the config and layers the signed manifest references')
    .addHelpText('after', `\nExit 0 when a valid signature is found, 1 with each failure's reason when none is, 3 when a --policy denies.\nWithout --key or --policy, the policy in ./weld.yaml is used. ${OFFLINE}: weld verifies offline.`)
    .action(
      async (
        ref: string,
        opts: { key?: string[]; policy?: string; annotation?: Record<string, string>; attestation?: boolean; type: string; contentCheck: boolean },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const policy = opts.key?.length ? undefined : await resolvePolicy({ policyFile: opts.policy });
        if (!opts.key?.length && !policy) {
          throw new SignError('key-not-found', 'no trusted key: pass --key cosign.pub or --policy FILE', { hint: 'or run in a project whose weld.yaml has a `policy:` section' });
        }
        const opened = await openTarget(ref);
        try {
          if (opts.key?.length) {
            const keys: TrustedKey[] = [];
            for (const path of opts.key) keys.push(trustedKey(await loadPublicKey(path), path));
            if (opts.attestation) {
              printAttestations(g, ref, { ...(await verifyAttestations(opened.target, opened.selector, { keys, predicateType: opts.type })), reference: ref });
            } else {
              printSignatures(g, ref, { ...(await verifyImage(opened.target, opened.selector, { keys, annotations: opts.annotation, checkContent: opts.contentCheck })), reference: ref });
            }
            return;
          }
          status(g, `checking ${ref} against the policy in ${policy!.source}`);
          const decision = await enforcePolicy(ref, opened.target, policy!, opened.selector);
          emit(g, { reference: ref, allowed: true, rule: decision.rule?.prefix, signatures: decision.signatures, transparencyLog: 'not checked (offline)' }, () => [
            decision.rule ? `Allowed by policy rule "${decision.rule.prefix}" (${policy!.source}): ${ref}` : `Allowed: no policy rule covers ${ref} and the policy allows unmatched references`,
            ...decision.signatures.map(signatureLine),
            OFFLINE,
          ]);
        } finally {
          await opened.close();
        }
      },
    );
}
