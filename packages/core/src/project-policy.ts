import { isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { SourceSpan } from './error.js';
import { fieldPath, mappingFields, nonEmptyString, stringMap, type SchemaFail } from './project-fields.js';

/**
 * Which keys are trusted for which references: weld.yaml `policy:`, or a file holding only a policy. Key files are
 * read (relative to the file) and enforced by @weld/registry.
 */
export interface PolicySpec {
  /** References no rule covers: denied (the default) or allowed. */
  unmatched: 'deny' | 'allow';
  trust: TrustRuleSpec[];
}

export interface TrustRuleSpec {
  /** A registry/repository prefix, matched on path boundaries; `*` covers everything. */
  prefix: string;
  /** PEM public key files, or inline PEM. */
  keys: string[];
  /** Annotations a signature must carry. */
  annotations?: Record<string, string>;
  /** Where each of `keys` is written, when read from a file: a key file that cannot be used is reported there. */
  keySpans?: (SourceSpan | undefined)[];
}

export const POLICY_HINT = 'policy: { trust: [ { prefix: host/repo, keys: [cosign.pub] } ], unmatched: deny }';

/** Checks a policy mapping; `field` is `policy` in weld.yaml and empty for a policy-only file; `spanOf` places the keys. */
export function readPolicy(node: YamlNode | null, field: string, fail: SchemaFail, spanOf?: (node: YamlNode) => SourceSpan | undefined): PolicySpec {
  const fields = mappingFields(node, field, ['trust', 'unmatched'], fail, POLICY_HINT);
  const at = (key: string) => fieldPath(field, key);
  let unmatched: PolicySpec['unmatched'] = 'deny';
  if (fields.has('unmatched')) {
    const value = fields.get('unmatched');
    if (!isScalar(value) || (value.value !== 'deny' && value.value !== 'allow')) fail(value, `${at('unmatched')}: expected deny or allow`, POLICY_HINT);
    unmatched = (value as { value: 'deny' | 'allow' }).value;
  }
  const trustNode = fields.get('trust');
  if (!isSeq(trustNode) || trustNode.items.length === 0) {
    return fail(trustNode ?? node, `${at('trust')}: expected a non-empty list of { prefix, keys }`, POLICY_HINT);
  }
  const trust = trustNode.items.map((item, i) => readRule(item as YamlNode, `${at('trust')}[${i}]`, fail, spanOf));
  return { unmatched, trust };
}

function readRule(node: YamlNode, field: string, fail: SchemaFail, spanOf?: (node: YamlNode) => SourceSpan | undefined): TrustRuleSpec {
  const fields = mappingFields(node, field, ['prefix', 'keys', 'annotations'], fail, POLICY_HINT);
  if (!fields.has('prefix')) fail(node, `${field}.prefix: missing (a registry/repository prefix such as "ghcr.io/acme")`, POLICY_HINT);
  const prefix = nonEmptyString(fields.get('prefix'), `${field}.prefix`, 'a registry/repository prefix such as "ghcr.io/acme"', fail, POLICY_HINT);
  const keysNode = fields.get('keys');
  const keyNodes = isSeq(keysNode) ? (keysNode.items as YamlNode[]) : isScalar(keysNode) ? [keysNode] : [];
  if (keyNodes.length === 0) fail(keysNode ?? node, `${field}.keys: expected one or more public key files`, POLICY_HINT);
  const keys = keyNodes.map((k, i) => nonEmptyString(k, isSeq(keysNode) ? `${field}.keys[${i}]` : `${field}.keys`, 'a public key file', fail, POLICY_HINT));
  const rule: TrustRuleSpec = { prefix, keys };
  if (spanOf) rule.keySpans = keyNodes.map((k) => spanOf(k));
  if (fields.has('annotations')) rule.annotations = stringMap(fields.get('annotations'), `${field}.annotations`, 'string values', fail, POLICY_HINT);
  return rule;
}
