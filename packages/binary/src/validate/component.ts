import type { Component, ComponentTypeDecl, TypeDef } from '../ast.js';
import { itemOffsets } from '../read/component.js';
import { canon } from './canon.js';
import { ValidatorContext, type ValidateOptions } from './context.js';
import { withCoreTypeIdentity } from './core-identity.js';
import { coreInstance, coreModule, coreType } from './core-items.js';
import { exportDecl, exportDef, importDecl } from './externs.js';
import { alias, instance } from './instances.js';
import { fail } from './invalid.js';
import type { RComponent, RType, RVal } from './model.js';
import { entityMismatch, valDifference } from './subtyping.js';
import { typeSize, withTypeMemo } from './walks.js';
import { checkSectionLimit, MAX_TYPE_SIZE, readLimit, Scope, sectionCount, sortEntity } from './scope.js';
import { resolveType, valType } from './types.js';

/**
 * Validates components as wasmparser does: index spaces, type references, sorts, names, instantiation subtyping,
 * canonical options, values and start; embedded core modules by the engine. This file walks a component's sections
 * and opens the scopes of nested components and of component and instance types; each kind of item is checked by
 * the module of its concern (core-items, types, canon, externs, instances).
 */
export class ComponentValidator {
  private readonly cx: ValidatorContext;

  constructor(opts: ValidateOptions = {}) {
    this.cx = new ValidatorContext(opts);
  }

  /** what could not be checked fully (core modules using proposals this engine lacks), for the caller to show */
  get notes(): string[] {
    return this.cx.notes;
  }

  validate(c: Component): RComponent {
    return withTypeMemo(() => withCoreTypeIdentity(() => component(this.cx, c, undefined)));
  }
}

/** Validates a component (or a nested one, in `parent`) section by section and returns its type. */
function component(cx: ValidatorContext, c: Component, parent: Scope | undefined): RComponent {
  const s = new Scope('component', parent);
  let nested = 0;
  for (const sec of c.sections) {
    const label = cx.path.length ? `${cx.path.join(' > ')} > ${sec.kind}` : sec.kind;
    const added = sectionCount(sec);
    if (added !== undefined) cx.at(label, sec.offset, () => checkSectionLimit(s, sec.kind, added));
    if (sec.kind === 'component') {
      cx.path.push(`component[${nested++}]`);
      const t = cx.known?.get(sec.component) ?? component(cx, sec.component, s);
      cx.path.pop();
      if (typeSize(t) > MAX_TYPE_SIZE) cx.at(label, sec.offset, () => fail('limit-exceeded', 'effective type size exceeds the limit of 1000000'));
      s.components.push(t);
      continue;
    }
    const offsets = itemOffsets(sec);
    // one try per section rather than a closure and a try per item; the failing item's offset names the error
    const each = <T>(items: T[], fn: (x: T) => void) => {
      let i = 0;
      try {
        for (; i < items.length; i++) {
          cx.hereSection = label;
          cx.hereOffset = offsets?.[i] ?? sec.offset;
          fn(items[i]!);
        }
      } catch (e) {
        throw cx.located(e, label, offsets?.[i] ?? sec.offset);
      }
    };
    switch (sec.kind) {
      case 'custom':
        break;
      case 'core-module':
        cx.at(label, sec.module.offset, () => s.coreModules.push(coreModule(cx, sec)));
        break;
      case 'core-instance':
        each(sec.items, (x) => coreInstance(cx, s, x));
        break;
      case 'core-type':
        each(sec.items, (x) => coreType(cx, s, x));
        break;
      case 'instance':
        each(sec.items, (x) => instance(cx, s, x));
        break;
      case 'alias':
        each(sec.items, (x) => alias(cx, s, x));
        break;
      case 'type':
        each(sec.items, (x) => typeDef(cx, s, x));
        break;
      case 'canon':
        each(sec.items, (x) => canon(cx, s, x));
        break;
      case 'start':
        cx.at(label, sec.offset, () => start(cx, s, sec.start));
        break;
      case 'import':
        each(sec.items, (x) => importDecl(cx, s, x.name, x.type));
        break;
      case 'export':
        each(sec.items, (x) => exportDef(cx, s, x));
        break;
      case 'value':
        each(sec.items, (x) => {
          cx.require('cm-values', 'support for component model `value`s is not enabled');
          s.values.push({ type: valType(cx, s, x.type), used: false, section: cx.hereSection, offset: cx.hereOffset });
        });
        break;
    }
  }
  const unused = s.values.findIndex((v) => !v.used);
  if (unused >= 0) {
    const v = s.values[unused];
    cx.at(v.section ?? (cx.path.join(' > ') || 'component'), v.offset ?? c.offset, () => fail('value-not-consumed', `value index ${unused} was not used as part of an instantiation, start function, or export`));
  }
  return { kind: 'component', imports: s.imports, exports: s.exports, imported: s.imported, defined: s.defined };
}

function typeDef(cx: ValidatorContext, s: Scope, t: TypeDef): void {
  const r = t.kind === 'instance' || t.kind === 'component' ? typeScope(cx, s, t) : resolveType(cx, s, t);
  if (typeSize(r) > MAX_TYPE_SIZE) fail('limit-exceeded', 'effective type size exceeds the limit of 1000000');
  s.types.push(r);
}

/** An instance or component type: its declarations in a scope of their own. */
function typeScope(cx: ValidatorContext, s: Scope, t: Extract<TypeDef, { kind: 'instance' | 'component' }>): RType {
  if (t.kind === 'instance') {
    readLimit(t.decls.length, 1_000_000, 'instance type declaration');
    const inner = new Scope('instance-type', s);
    for (const d of t.decls) decl(cx, inner, d);
    return { kind: 'instance', exports: inner.exports, defined: inner.defined };
  }
  readLimit(t.decls.length, 1_000_000, 'component type declaration');
  const inner = new Scope('component-type', s);
  for (const d of t.decls) decl(cx, inner, d);
  return { kind: 'component', imports: inner.imports, exports: inner.exports, imported: inner.imported, defined: inner.defined };
}

function decl(cx: ValidatorContext, s: Scope, d: ComponentTypeDecl): void {
  switch (d.kind) {
    case 'core-type':
      coreType(cx, s, d.type);
      return;
    case 'type':
      typeDef(cx, s, d.type);
      return;
    case 'alias':
      alias(cx, s, d.alias);
      return;
    case 'import':
      importDecl(cx, s, d.name, d.type);
      return;
    case 'export':
      exportDecl(cx, s, d.name, d.type);
  }
}

/** The start function: called once, with values it consumes; its result is a new value. */
function start(cx: ValidatorContext, s: Scope, st: { func: number; args: number[]; results: number }): void {
  readLimit(st.args.length, 1000, 'start function arguments');
  readLimit(st.results, 1000, 'start function results');
  if (s.started) fail('invalid-start', 'component cannot have more than one start function');
  s.started = true;
  cx.require('cm-values', 'support for component model `value`s is not enabled');
  const f = s.funcs[st.func] ?? fail('index-out-of-bounds', `unknown function ${st.func}: function index out of bounds`);
  if (f.params.length !== st.args.length) fail('invalid-start', `component start function requires ${f.params.length} arguments but was given ${st.args.length}`);
  f.params.forEach((p, i) => {
    const v = sortEntity(cx, s, 'value', st.args[i], true) as { type: RVal };
    if (!valEqual2(v.type, p.type)) fail('type-mismatch', `value type mismatch for component start function argument ${i}\n${valDifference(v.type, p.type)}`);
  });
  const n = f.result === undefined ? 0 : 1;
  if (n !== st.results) fail('invalid-start', `component start function has a result count of ${st.results} but the function type has a result count of ${n}`);
  if (f.result !== undefined) s.values.push({ type: f.result, used: false, section: cx.hereSection, offset: cx.hereOffset });
}

function valEqual2(a: RVal, b: RVal): boolean {
  return entityMismatch({ sort: 'value', type: a }, { sort: 'value', type: b }) === undefined;
}
