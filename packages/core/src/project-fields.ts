import { isMap, isScalar, type Node as YamlNode } from 'yaml';

/**
 * Raises a schema error at `node`. The reader of a file supplies it, so the same schema serves weld.yaml
 * (`project-invalid`) and a file passed on its own, such as `--policy FILE`, with that reader's own error code.
 */
export type SchemaFail = (node: YamlNode | null | undefined, message: string, hint?: string) => never;

/** `field.key`, or `key` at the top of a file. */
export function fieldPath(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/** A mapping's values by key; a key outside `allowed` is an error naming the ones that are. */
export function mappingFields(
  node: YamlNode | null | undefined, field: string, allowed: readonly string[], fail: SchemaFail, hint?: string,
): Map<string, YamlNode | null> {
  if (!isMap(node)) return fail(node, `${field ? `${field}: ` : ''}expected a mapping (${allowed.join(', ')})`, hint);
  const values = new Map<string, YamlNode | null>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.includes(key)) fail(pair.key as YamlNode, `${fieldPath(field, key)}: unknown field (expected one of ${allowed.join(', ')})`, hint);
    values.set(key, (pair.value as YamlNode | null) ?? null);
  }
  return values;
}

/** A mapping whose keys are names the user picks (namespaces, annotation names) and whose values are strings. */
export function stringMap(node: YamlNode | null | undefined, field: string, what: string, fail: SchemaFail, hint?: string): Record<string, string> {
  if (!isMap(node)) return fail(node, `${field}: expected a mapping of names to ${what}`, hint);
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    out[key] = nonEmptyString(pair.value as YamlNode | null, fieldPath(field, key), what, fail, hint);
  }
  return out;
}

export function nonEmptyString(node: YamlNode | null | undefined, field: string, what: string, fail: SchemaFail, hint?: string): string {
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
  const quote = isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'boolean') ? ' (quote it)' : '';
  return fail(node, `${field}: expected ${what}${quote}`, hint);
}
