import { parseDocument, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import { spanAt, type SourceSpan } from './error.js';
import { YAML_ALIAS_MESSAGE } from './yaml-words.js';

/** A YAML file parsed with the means to point at any of its nodes. */
export interface YamlSource {
  doc: Document.Parsed;
  /** Where a node sits, for errors (`file:line:col` and a caret as wide as the node, up to 60 columns). */
  spanOf(node: YamlNode | null | undefined): SourceSpan;
}

/** Parses `text`; a syntax error is passed to `fail` with its span (the message holds no location: the span does). */
export function parseYamlSource(text: string, file: string, fail: (span: SourceSpan, message: string) => never): YamlSource {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    fail(spanAt(file, text, e.pos[0]), `YAML syntax: ${e.message.split('\n')[0]}`);
  }
  const spanOf = (node: YamlNode | null | undefined): SourceSpan => {
    const range = node?.range;
    return spanAt(file, text, range?.[0] ?? 0, range ? Math.min(range[1] - range[0], 60) : 1);
  };
  const alias = firstAlias(doc);
  if (alias) fail(spanOf(alias), YAML_ALIAS_MESSAGE);
  return { doc, spanOf };
}

/** The first alias (`*name`) in a document, if any. */
export function firstAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}
