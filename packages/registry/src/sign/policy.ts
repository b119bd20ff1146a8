import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { displayPath, parsePolicySource, POLICY_HINT, type PolicySpec } from '@weld/core/project';
import type { SourceSpan } from '@weld/core';
import { openTarget, type OpenOptions } from '../open.js';
import type { Target } from '../store/types.js';
import { SignError, isSignError } from './errors.js';
import { readTextFile } from './files.js';
import type { TrustedKey, VerificationReport, VerifiedSignature } from './verify.js';

export { resolvePolicy } from './policy-source.js';

/**
 * Which keys are trusted for which references. In `weld.yaml` (or a file passed with `--policy`):
 *
 * ```yaml
 * policy:
 *   unmatched: deny            # references no rule covers: deny (default) or allow
 *   trust:
 *     - prefix: registry.example.com/team      # registry/repository prefix, on path boundaries; "*" = everything
 *       keys: [keys/team.pub]                  # PEM files, relative to the policy file (or inline PEM)
 *       annotations: { env: prod }             # optional: required signature annotations
 * ```
 *
 * The file's shape is checked by @weld/core (the one weld.yaml schema); this module reads the keys and enforces.
 */
export interface Policy {
  rules: PolicyRule[];
  unmatched: 'deny' | 'allow';
  /** Where the policy came from, for messages. */
  source: string;
}

export interface PolicyRule {
  prefix: string;
  keys: TrustedKey[];
  annotations?: Record<string, string>;
}

/** Builds a policy from its checked form (see `parsePolicySource`); key paths resolve against `baseDir`. */
export async function parsePolicy(spec: Omit<PolicySpec, 'unmatched'> & { unmatched?: PolicySpec['unmatched'] }, baseDir: string, source: string): Promise<Policy> {
  // the key code and signature verification (sigstore) load only for a project that has a policy
  const [{ parsePublicKey }, { trustedKey }] = await Promise.all([import('./keys.js'), import('./node-keys.js')]);
  const rules: PolicyRule[] = [];
  for (const [i, rule] of spec.trust.entries()) {
    const at = `trust[${i}]`;
    const keys: TrustedKey[] = [];
    for (const [k, entry] of rule.keys.entries()) {
      try {
        if (entry.includes('-----BEGIN')) {
          keys.push(trustedKey(parsePublicKey(entry, `${source} ${at}`), `${source} ${at}`));
          continue;
        }
        const path = isAbsolute(entry) ? entry : resolvePath(baseDir, entry);
        keys.push(trustedKey(parsePublicKey(await readTextFile(path, 'public key'), path), entry));
      } catch (e) {
        throw placedAt(e, rule.keySpans?.[k]);
      }
    }
    rules.push({ prefix: rule.prefix.trim().replace(/\/+$/, ''), keys, annotations: rule.annotations });
  }
  return { rules, unmatched: spec.unmatched ?? 'deny', source };
}

/** A key that cannot be used, reported where the policy names it (the error keeps its code, message and hint). */
function placedAt(e: unknown, span: SourceSpan | undefined): unknown {
  if (!span || !isSignError(e) || e.span) return e;
  return new SignError(e.code, e.message, { span, hint: e.hint, detail: e.detail, cause: e.cause, exit: e.exit });
}

/**
 * Reads a policy file: either a project file (its `policy:` section; every section is checked, as any command that
 * loads weld.yaml does) or a file holding just the policy. Returns undefined when a project file has no `policy:`.
 */
export async function loadPolicy(path: string, options: { requireSection?: boolean } = {}): Promise<Policy | undefined> {
  const text = await readTextFile(path, 'policy file', 'policy-invalid');
  const shown = displayPath(path);
  const source = parsePolicySource(text, shown, (span, message, hint) => {
    throw new SignError('policy-invalid', message, { span, hint: hint ?? POLICY_HINT });
  });
  if (source.kind === 'policy') return parsePolicy(source.policy, dirname(path), shown);
  if (source.project.policy) return parsePolicy(source.project.policy, dirname(path), shown);
  if (options.requireSection) throw new SignError('policy-invalid', `${shown} has no \`policy:\` section`, { hint: POLICY_HINT });
  return undefined;
}

/** The repository part of a reference (`host/repo`, `repo`, `oci:/path`): what policy prefixes match. */
export function referenceName(ref: string): string {
  let name = ref;
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/') && !/^oci(-archive)?$/.test(name.slice(0, colon))) name = name.slice(0, colon);
  return name;
}

/** The most specific rule whose prefix covers `ref` on a path boundary (`a/b` covers `a/b` and `a/b/c`, not `a/bc`). */
export function ruleFor(policy: Policy, ref: string): PolicyRule | undefined {
  const name = referenceName(ref);
  let best: PolicyRule | undefined;
  for (const rule of policy.rules) {
    const covers = rule.prefix === '*' || name === rule.prefix || name.startsWith(rule.prefix + '/');
    if (!covers) continue;
    if (!best || best.prefix === '*' || (rule.prefix !== '*' && rule.prefix.length > best.prefix.length)) best = rule;
  }
  return best;
}

export interface PolicyDecision {
  allowed: true;
  reference: string;
  /** Undefined when no rule covers the reference and the policy allows unmatched references. */
  rule?: PolicyRule;
  signatures: VerifiedSignature[];
  report?: VerificationReport;
}

/**
 * Enforces `policy` for `ref` (opened as `target`, resolving `selector`): returns the accepted signatures, or throws
 * `policy-denied` (exit 3) naming the reference, the expected key(s) and what was found instead.
 */
export async function enforcePolicy(ref: string, target: Target, policy: Policy, selector?: string): Promise<PolicyDecision> {
  const rule = ruleFor(policy, ref);
  if (!rule) {
    if (policy.unmatched === 'allow') return { allowed: true, reference: ref, signatures: [] };
    throw new SignError('policy-denied', `policy denies ${ref}: no trust rule in ${policy.source} covers ${referenceName(ref)}`, {
      hint: `add a rule with a prefix covering "${referenceName(ref)}" and its signing key, or set unmatched: allow`,
    });
  }
  const { verifyImage } = await import('./verify.js');
  const report = await verifyImage(target, selector ?? selectorOf(ref), { keys: rule.keys, annotations: rule.annotations });
  if (report.verified.length > 0) return { allowed: true, reference: ref, rule, signatures: report.verified, report };
  const expected = rule.keys.map((k) => `${k.source ?? 'key'} (${k.id.slice(0, 16)}…)`).join(' or ');
  const found = report.failures.map((f) => `  ${f.reason}: ${f.message}`).join('\n');
  throw new SignError('policy-denied', `policy denies ${ref} (${report.digest}): no valid signature by ${expected}`, {
    detail: `rule "${rule.prefix}" in ${policy.source}${rule.annotations ? ` requires annotations ${Object.entries(rule.annotations).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}\nfound:\n${found}`,
    hint: `sign it with \`weld sign ${ref} --key <private key>\`; verification is offline (no transparency log checked)`,
  });
}

function selectorOf(ref: string): string {
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(at + 1);
  const name = referenceName(ref);
  return ref.length > name.length ? ref.slice(name.length + 1) : 'latest';
}

/** `enforcePolicy` for a reference string: opens its store, checks, closes. What `weld pull`/`weld run` call. */
export async function enforcePolicyForReference(ref: string, policy: Policy, options: OpenOptions = {}): Promise<PolicyDecision> {
  const opened = await openTarget(ref, options);
  try {
    return await enforcePolicy(ref, opened.target, policy, opened.selector);
  } finally {
    await opened.close();
  }
}
