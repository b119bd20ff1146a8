import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { SourceSpan } from '@weld/core';
import type { Site } from '../graph/errors.js';
import type { Arg, Expr, Pos, Statement, WacDocument } from '../wac/syntax.js';

/**
 * The graph form of a `compose:` entry in weld.yaml, turned into the statements a `.wac` file would have:
 *
 *   - name: app-graph
 *     instances:                      # instantiated in this order
 *       calc: { component: calc }     # a component from components:, or a .wasm path
 *       app:
 *         component: app
 *         arguments: { calc: calc }   # import (short or full name) → instance, or instance.export
 *         imports: error              # missing arguments are errors; by default they become imports
 *     exports: [app.app, { export: calc.calc, as: calc }]
 */
export interface GraphCompositionSpec {
  kind: 'graph';
  name: string;
  document: WacDocument;
}

export type SpanOf = (node: YamlNode | null | undefined) => SourceSpan;
export type FailAt = (node: YamlNode | null | undefined, field: string, message: string) => never;

export const GRAPH_FIELDS = ['name', 'instances', 'exports'];
const INSTANCE_FIELDS = ['component', 'arguments', 'imports'];

export function parseGraphEntry(
  name: string,
  fields: Map<string, YamlNode | null>,
  at: string,
  ctx: { spanOf: SpanOf; fail: FailAt; component: (node: YamlNode | null | undefined, field: string) => string },
): GraphCompositionSpec {
  const { fail } = ctx;
  const pos = (node: YamlNode | null | undefined): Pos => {
    const span = ctx.spanOf(node) as Site;
    return { line: span.line, col: span.column, span };
  };
  const str = (node: YamlNode | null | undefined, field: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node, field, 'expected a non-empty string');
    return node.value;
  };
  /** `calc` (an instance), `calc.calc` (its export, by wac's access rule), `calc.demo:calc/calc@0.1.0` (exactly). */
  const expr = (node: YamlNode | null | undefined, field: string): Expr => {
    const text = str(node, field);
    const p = pos(node);
    const dot = text.indexOf('.');
    if (dot < 0) return { kind: 'name', name: text, pos: p };
    const member = text.slice(dot + 1);
    if (!member) fail(node, field, `"${text}": expected instance.export`);
    return { kind: 'access', target: { kind: 'name', name: text.slice(0, dot), pos: p }, name: member, exact: /[:/@]/.test(member), pos: p };
  };

  const statements: Statement[] = [];
  const instances = fields.get('instances');
  if (!isMap(instances) || instances.items.length === 0) fail(instances, `${at}.instances`, 'expected a mapping of instance names to { component, arguments }');
  for (const pair of (instances as { items: { key: unknown; value: unknown }[] }).items) {
    const keyNode = pair.key as YamlNode;
    const label = str(keyNode, `${at}.instances`);
    const where = `${at}.instances.${label}`;
    const value = pair.value as YamlNode | null;
    if (!isMap(value)) fail(value ?? keyNode, where, 'expected a mapping (component, arguments, imports)');
    const spec = new Map<string, YamlNode | null>();
    for (const p of (value as { items: { key: unknown; value: unknown }[] }).items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!INSTANCE_FIELDS.includes(k)) fail(p.key as YamlNode, `${where}.${k}`, `unknown field (expected ${INSTANCE_FIELDS.join(', ')})`);
      spec.set(k, p.value as YamlNode | null);
    }
    if (!spec.has('component')) fail(value, `${where}.component`, 'missing');
    const component = ctx.component(spec.get('component'), `${where}.component`);
    const args: Arg[] = [];
    const argsNode = spec.get('arguments');
    if (argsNode !== undefined && argsNode !== null) {
      if (!isMap(argsNode)) fail(argsNode, `${where}.arguments`, 'expected a mapping of import names to instance or instance.export');
      for (const a of (argsNode as { items: { key: unknown; value: unknown }[] }).items) {
        const argName = str(a.key as YamlNode, `${where}.arguments`);
        args.push({ kind: 'named', name: argName, exact: /[:/@]/.test(argName), value: expr(a.value as YamlNode, `${where}.arguments.${argName}`), pos: pos(a.key as YamlNode) });
      }
    }
    const importsNode = spec.get('imports');
    const imports = importsNode === undefined ? 'rest' : str(importsNode, `${where}.imports`);
    if (imports !== 'rest' && imports !== 'error') fail(importsNode, `${where}.imports`, `expected rest (missing arguments become imports) or error, got "${imports}"`);
    const p = pos(keyNode);
    statements.push({ kind: 'let', name: label, value: { kind: 'new', package: component, args, implicit: imports === 'rest', pos: pos(spec.get('component')) }, pos: p });
  }

  const exportsNode = fields.get('exports');
  if (!isSeq(exportsNode) || exportsNode.items.length === 0) fail(exportsNode, `${at}.exports`, 'expected a list of instance.export (or { export, as })');
  (exportsNode as { items: unknown[] }).items.forEach((item, i) => {
    const field = `${at}.exports[${i}]`;
    const node = item as YamlNode;
    if (isMap(node)) {
      const e = new Map((node.items as { key: unknown; value: unknown }[]).map((p) => [isScalar(p.key) ? String(p.key.value) : '', p.value as YamlNode]));
      for (const k of e.keys()) if (k !== 'export' && k !== 'as') fail(node, `${field}.${k}`, 'unknown field (expected export, as)');
      if (!e.has('export')) fail(node, `${field}.export`, 'missing');
      statements.push({ kind: 'export', value: expr(e.get('export'), `${field}.export`), as: e.has('as') ? str(e.get('as'), `${field}.as`) : undefined, spread: false, pos: pos(node) });
      return;
    }
    const text = str(node, field);
    if (text.endsWith('...')) {
      statements.push({ kind: 'export', value: { kind: 'name', name: text.slice(0, -3), pos: pos(node) }, spread: true, pos: pos(node) });
      return;
    }
    statements.push({ kind: 'export', value: expr(node, field), spread: false, pos: pos(node) });
  });
  return { kind: 'graph', name, document: { package: `weld:${name}`, statements } };
}
