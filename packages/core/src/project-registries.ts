import { isScalar, type Node as YamlNode } from 'yaml';
import { mappingFields, nonEmptyString, stringMap, type SchemaFail } from './project-fields.js';

/** weld.yaml `registries:`: the registry (a host, or an `oci:` layout path) for WIT packages, by namespace. */
export interface RegistriesSpec {
  default?: string;
  namespaces?: Record<string, string>;
}

const HINT = 'registries: { default: ghcr.io, namespaces: { acme: registry.acme.dev } }';

/** An empty `registries:` names no registry. */
export function readRegistries(node: YamlNode | null, fail: SchemaFail): RegistriesSpec {
  if (node === null || (isScalar(node) && node.value === null)) return {};
  const fields = mappingFields(node, 'registries', ['default', 'namespaces'], fail, HINT);
  const spec: RegistriesSpec = {};
  if (fields.has('default')) spec.default = nonEmptyString(fields.get('default'), 'registries.default', 'a registry host', fail, HINT);
  if (fields.has('namespaces')) spec.namespaces = stringMap(fields.get('namespaces'), 'registries.namespaces', 'registry hosts', fail, HINT);
  return spec;
}
