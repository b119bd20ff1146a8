import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openTarget, type OpenOptions } from '../open.js';
import type { Target } from '../store/types.js';
import { SignError } from './errors.js';
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

function invalid(source: string, message: string): SignError {
  return new SignError('policy-invalid', `${source}: ${message}`, {
    hint: 'policy: { trust: [ { prefix: host/repo, keys: [cosign.pub] } ], unmatched: deny }',
  });
}

/** Builds a policy from its parsed YAML/JSON form; key paths resolve against `baseDir`. */
export async function parsePolicy(doc: unknown, baseDir: string, source: string): Promise<Policy> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(source, 'the policy must be a mapping with a `trust` list');
  const { trust, unmatched = 'deny', ...rest } = doc as { trust?: unknown; unmatched?: unknown };
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw invalid(source, `unknown field(s) ${unknownKeys.join(', ')} (expected trust, unmatched)`);
  if (unmatched !== 'deny' && unmatched !== 'allow') throw invalid(source, `unmatched must be "deny" or "allow", not ${JSON.stringify(unmatched)}`);
  if (!Array.isArray(trust) || trust.length === 0) throw invalid(source, '`trust` must be a non-empty list of { prefix, keys }');
  // the key code and signature verification (sigstore) load only for a project that has a policy
  const [{ parsePublicKey }, { trustedKey }] = await Promise.all([import('./keys.js'), import('./node-keys.js')]);
  const rules: PolicyRule[] = [];
  for (const [i, raw] of trust.entries()) {
    const at = `trust[${i}]`;
    const r = raw as { prefix?: unknown; keys?: unknown; annotations?: unknown };
    if (typeof r !== 'object' || r === null) throw invalid(source, `${at} must be a mapping`);
    if (typeof r.prefix !== 'string' || r.prefix.trim() === '') throw invalid(source, `${at}.prefix must be a registry/repository prefix such as "ghcr.io/acme"`);
    const keyList = typeof r.keys === 'string' ? [r.keys] : r.keys;
    if (!Array.isArray(keyList) || keyList.length === 0 || !keyList.every((k) => typeof k === 'string')) {
      throw invalid(source, `${at}.keys must list one or more public key files`);
    }
    const keys: TrustedKey[] = [];
    for (const entry of keyList as string[]) {
      if (entry.includes('-----BEGIN')) {
        keys.push(trustedKey(parsePublicKey(entry, `${source} ${at}`), `${source} ${at}`));
        continue;
      }
      const path = isAbsolute(entry) ? entry : resolvePath(baseDir, entry);
      keys.push(trustedKey(parsePublicKey(await readTextFile(path, 'public key'), path), entry));
    }
    let annotations: Record<string, string> | undefined;
    if (r.annotations !== undefined) {
      if (typeof r.annotations !== 'object' || r.annotations === null || Object.values(r.annotations).some((v) => typeof v !== 'string')) {
        throw invalid(source, `${at}.annotations must map names to string values`);
      }
      annotations = r.annotations as Record<string, string>;
    }
    rules.push({ prefix: r.prefix.trim().replace(/\/+$/, ''), keys, annotations });
  }
  return { rules, unmatched, source };
}

/**
 * Reads a policy file: either a whole `weld.yaml` (its `policy:` section) or a file holding just the policy.
 * Returns undefined when a weld.yaml has no `policy:` section.
 */
export async function loadPolicy(path: string, options: { requireSection?: boolean } = {}): Promise<Policy | undefined> {
  const text = await readTextFile(path, 'policy file', 'policy-invalid');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new SignError('policy-invalid', `${path} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const section = typeof doc === 'object' && doc !== null && 'policy' in doc ? (doc as { policy: unknown }).policy : undefined;
  if (section === undefined) {
    const PROJECT_SECTIONS = ['name', 'components', 'compose', 'workload', 'publish', 'registries'];
    const looksLikeProject = typeof doc === 'object' && doc !== null && PROJECT_SECTIONS.some((k) => k in doc);
    if (looksLikeProject) {
      if (options.requireSection) throw invalid(path, 'has no `policy:` section');
      return undefined;
    }
    return parsePolicy(doc, dirname(path), path);
  }
  return parsePolicy(section, dirname(path), path);
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
