import { isMap, isScalar, type Document, type Node as YamlNode } from 'yaml';
import type { SourceSpan } from './error.js';
import { PROJECT_FILE_NAMES, ProjectError } from './project-error.js';
import type { SchemaFail } from './project-fields.js';
import { readPolicy, type PolicySpec } from './project-policy.js';
import { readRegistries, type RegistriesSpec } from './project-registries.js';
import { parseYamlSource } from './yaml-source.js';

export { PROJECT_FILE_NAMES } from './project-error.js';
export { ProjectError, type ProjectErrorCode } from './project-error.js';

/**
 * Top-level sections of weld.yaml, the one list every reader of the file goes by. `registries` and `policy` are
 * checked here, as the file is loaded; the others by the package that reads them.
 */
export const PROJECT_SECTIONS = ['name', 'components', 'compose', 'workload', 'publish', 'policy', 'registries', 'lint', 'plugins'] as const;
export type ProjectSection = (typeof PROJECT_SECTIONS)[number];

export function isProjectSection(key: string): key is ProjectSection {
  return (PROJECT_SECTIONS as readonly string[]).includes(key);
}

/** weld.yaml parsed with line information: each section's YAML node, and spans for any node. */
export interface ProjectDocument {
  /** The path as it is shown in messages (relative to the working directory when below it). */
  file: string;
  text: string;
  doc: Document.Parsed;
  sections: ReadonlyMap<ProjectSection, { key: YamlNode; value: YamlNode | null }>;
  /** `registries:`, checked; empty when the section is absent. */
  registries: RegistriesSpec;
  /** `policy:`, checked; undefined when the section is absent. */
  policy?: PolicySpec;
  /** Where a node sits, for errors (`file:line:col` and a caret as wide as the node, up to 60 columns). */
  spanOf(node: YamlNode | null | undefined): SourceSpan;
}

/**
 * Parses weld.yaml text: YAML syntax, a mapping at the top, known section names, and the sections core owns
 * (`registries`, `policy`). The other sections are validated by their owners through `spanOf`, so every error
 * points at its line.
 */
export function parseProjectDocument(text: string, file: string): ProjectDocument {
  const { doc, spanOf } = parseYamlSource(text, file, (span, message) => {
    throw new ProjectError('project-invalid', message, { span });
  });
  const fail: SchemaFail = (node, message, hint) => {
    throw new ProjectError('project-invalid', message, { span: spanOf(node), hint });
  };
  const sections = new Map<ProjectSection, { key: YamlNode; value: YamlNode | null }>();
  const root = doc.contents;
  if (root === null) return { file, text, doc, sections, registries: {}, spanOf };
  if (!isMap(root)) return fail(root, `expected a mapping with sections (${PROJECT_SECTIONS.join(', ')})`);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!isProjectSection(key)) return fail(pair.key as YamlNode, `${key}: unknown top-level field (expected one of ${PROJECT_SECTIONS.join(', ')})`);
    sections.set(key, { key: pair.key as YamlNode, value: pair.value as YamlNode | null });
  }
  const registriesNode = sections.get('registries');
  const policyNode = sections.get('policy');
  return {
    file, text, doc, sections, spanOf,
    registries: registriesNode ? readRegistries(registriesNode.value, fail) : {},
    policy: policyNode ? readPolicy(policyNode.value ?? policyNode.key, 'policy', fail, spanOf) : undefined,
  };
}

/** A file given as a trust policy (`--policy FILE`): a project file, or a file holding only a policy. */
export type PolicySource = { kind: 'project'; project: ProjectDocument } | { kind: 'policy'; policy: PolicySpec };

/**
 * Reads a policy file. A file named weld.yaml / weld.yml, or one without a top-level `trust` or `unmatched`, is a
 * project file (every section checked, the policy in `policy:`); otherwise the file is the policy itself and its
 * errors go to `fail`, so the caller gives them its own code.
 */
export function parsePolicySource(text: string, file: string, fail: (span: SourceSpan, message: string, hint?: string) => never): PolicySource {
  const name = file.split(/[\\/]/).pop() ?? file;
  if (!(PROJECT_FILE_NAMES as readonly string[]).includes(name)) {
    const { doc, spanOf } = parseYamlSource(text, file, fail);
    const root = doc.contents;
    if (isMap(root) && (root.has('trust') || root.has('unmatched'))) {
      return { kind: 'policy', policy: readPolicy(root, '', (node, message, hint) => fail(spanOf(node), message, hint), spanOf) };
    }
  }
  return { kind: 'project', project: parseProjectDocument(text, file) };
}
