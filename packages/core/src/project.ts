import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { spanAt, type SourceSpan } from './error.js';
import { ProjectError } from './project-error.js';

export { PROJECT_FILE_NAMES } from './project-error.js';
export { ProjectError, type ProjectErrorCode } from './project-error.js';


/** Top-level sections of weld.yaml; each is owned and validated by the package that reads it. */
export const PROJECT_SECTIONS = ['name', 'components', 'compose', 'workload', 'publish', 'policy', 'registries', 'lint', 'plugins'] as const;
export type ProjectSection = (typeof PROJECT_SECTIONS)[number];

/** weld.yaml parsed with line information: each section's YAML node, and spans for any node. */
export interface ProjectDocument {
  /** The path as it is shown in messages (relative to the working directory when below it). */
  file: string;
  text: string;
  doc: Document.Parsed;
  sections: ReadonlyMap<ProjectSection, { key: YamlNode; value: YamlNode | null }>;
  /** Where a node sits, for errors (`file:line:col` and a caret as wide as the node, up to 60 columns). */
  spanOf(node: YamlNode | null | undefined): SourceSpan;
}

/**
 * Parses weld.yaml text: YAML syntax, a mapping at the top, known section names. The sections themselves are
 * validated by their owners through `spanOf`, so every error points at its line.
 */
export function parseProjectDocument(text: string, file: string): ProjectDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const spanOf = (node: YamlNode | null | undefined): SourceSpan => {
    const range = node?.range;
    return spanAt(file, text, range?.[0] ?? 0, range ? Math.min(range[1] - range[0], 60) : 1);
  };
  const fail = (node: YamlNode | null | undefined, message: string): never => {
    const span = spanOf(node);
    throw new ProjectError('project-invalid', `${file}:${span.line}:${span.column}: ${message}`, { span });
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const span = spanAt(file, text, e.pos[0]);
    throw new ProjectError('project-invalid', `${file}:${span.line}:${span.column}: YAML syntax: ${e.message.split('\n')[0]}`, { span });
  }
  const sections = new Map<ProjectSection, { key: YamlNode; value: YamlNode | null }>();
  const root = doc.contents;
  if (root === null) return { file, text, doc, sections, spanOf };
  if (!isMap(root)) return fail(root, `expected a mapping with sections (${PROJECT_SECTIONS.join(', ')})`);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(PROJECT_SECTIONS as readonly string[]).includes(key)) {
      fail(pair.key as YamlNode, `${key}: unknown top-level field (expected one of ${PROJECT_SECTIONS.join(', ')})`);
    }
    sections.set(key as ProjectSection, { key: pair.key as YamlNode, value: pair.value as YamlNode | null });
  }
  return { file, text, doc, sections, spanOf };
}
