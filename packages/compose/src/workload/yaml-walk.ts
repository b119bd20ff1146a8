import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { YAML_ALIAS_MESSAGE, spanAt, type SourceSpan } from '@weld/core';
import { WorkloadError, type WorkloadErrorCode } from './errors.js';

/** Where a field sits in the manifest: 1-based line and column. */
export interface FieldLocation {
  line: number;
  col: number;
}

/**
 * Reads a YAML document field by field: every failure names the field path (`spec.components[1].image`) and
 * the line, with a caret under the offending node, and is thrown as a `WorkloadError`.
 */
export class YamlWalk {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly text: string,
    /** The file as errors name it. */
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    if (this.doc.errors.length > 0) {
      const e = this.doc.errors[0]!;
      const span = spanAt(file, text, e.pos[0]);
      throw new WorkloadError('manifest-invalid', `YAML syntax: ${e.message.split('\n')[0]}`, { span });
    }
    visit(this.doc, {
      Alias: (_, node) => this.fail(node, '', YAML_ALIAS_MESSAGE),
    });
  }

  locate(node: YamlNode | null | undefined): FieldLocation {
    return this.lines.linePos(node?.range?.[0] ?? 0);
  }

  /** Where a node sits, for an error met later about what it names (a component image that does not load). */
  spanOf(node: YamlNode | null | undefined): SourceSpan {
    // The caret underlines the node on its first line only (a mapping's range spans many; spanAt clips it).
    const start = node?.range?.[0] ?? 0;
    return spanAt(this.file, this.text, start, node?.range ? Math.min(node.range[1] - start, 60) : 1);
  }

  fail(node: YamlNode | null | undefined, field: string, message: string, code: WorkloadErrorCode = 'manifest-invalid', hint?: string): never {
    const span = this.spanOf(node);
    throw new WorkloadError(code, `${field ? `${field}: ` : ''}${message}`, { span, hint });
  }

  /** A mapping's fields; a key outside `allowed` is an error naming the ones that are. */
  fields(node: YamlNode | null | undefined, field: string, allowed: readonly string[]): Fields {
    if (!isMap(node)) return this.fail(node, field, 'expected a mapping');
    const values = new Map<string, YamlNode | null>();
    const keys = new Map<string, YamlNode>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) this.fail(pair.key as YamlNode, join(field, key), `unknown field (expected one of ${allowed.join(', ')})`);
      if (values.has(key)) this.fail(pair.key as YamlNode, join(field, key), 'given twice');
      values.set(key, (pair.value as YamlNode | null) ?? null);
      keys.set(key, pair.key as YamlNode);
    }
    return new Fields(this, node, field, values, keys);
  }

  string(node: YamlNode | null | undefined, field: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.length === 0) {
      return this.fail(node, field, isScalar(node) && node.value !== null && typeof node.value !== 'string' ? `expected a string, got ${typeof node.value} ${String(node.value)} (quote it)` : 'expected a non-empty string');
    }
    return node.value;
  }

  boolean(node: YamlNode | null | undefined, field: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') return this.fail(node, field, 'expected true or false');
    return node.value;
  }

  integer(node: YamlNode | null | undefined, field: string, min: number, max: number): number {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min || node.value > max) {
      return this.fail(node, field, `expected an integer from ${min} to ${max}`);
    }
    return node.value;
  }

  list(node: YamlNode | null | undefined, field: string): YamlNode[] {
    if (!isSeq(node)) return this.fail(node, field, 'expected a list');
    return node.items as YamlNode[];
  }

  strings(node: YamlNode | null | undefined, field: string): string[] {
    return this.list(node, field).map((item, i) => this.string(item, `${field}[${i}]`));
  }

  /** `additionalProperties: {type: string}`: every value a string, as Kubernetes requires. */
  stringMap(node: YamlNode | null | undefined, field: string): Record<string, string> {
    if (!isMap(node)) return this.fail(node, field, 'expected a mapping of names to strings');
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!key) this.fail(pair.key as YamlNode, field, 'expected a non-empty key');
      const value = pair.value as YamlNode | null;
      if (!isScalar(value) || typeof value.value !== 'string') {
        this.fail(value ?? (pair.key as YamlNode), join(field, key), `expected a string${isScalar(value) && value.value !== null ? `, got ${typeof value.value} ${String(value.value)} (quote it)` : ''}`);
      }
      out[key] = (value as { value: string }).value;
    }
    return out;
  }
}

/** The fields of one mapping, read by name. */
export class Fields {
  constructor(
    private readonly walk: YamlWalk,
    readonly node: YamlNode,
    readonly field: string,
    private readonly values: Map<string, YamlNode | null>,
    private readonly keyNodes: Map<string, YamlNode>,
  ) {}

  has(key: string): boolean {
    return this.values.has(key);
  }

  path(key: string): string {
    return join(this.field, key);
  }

  /** The value node, or undefined when absent. */
  get(key: string): YamlNode | null | undefined {
    return this.values.get(key);
  }

  key(key: string): YamlNode | undefined {
    return this.keyNodes.get(key);
  }

  need(key: string): YamlNode | null {
    if (!this.values.has(key)) this.walk.fail(this.node, this.path(key), 'missing');
    return this.values.get(key) ?? null;
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}

export function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}
