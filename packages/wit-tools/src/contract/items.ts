/** Compares the items two versions share: interfaces, functions, named types, and the type uses inside them. */
import type { InterfaceId, Stability, Type, TypeDef, TypeDefKind, TypeId, WitFunction } from '../model.js';
import { itemName, printTypeName } from '../printer.js';
import type { Span } from '../source.js';
import type { BreakingCode } from './findings.js';
import { type Comparison, type Scope, type WitSide, isUnstable } from './context.js';

/** `r.m` for `[method]r.m`, `r.constructor` for `[constructor]r`, the name otherwise. */
export function functionLabel(f: WitFunction): string {
  if (f.kind.tag === 'constructor') return `${f.name.slice('[constructor]'.length)}.constructor`;
  const close = f.name.indexOf(']');
  return f.name.startsWith('[') && close >= 0 ? f.name.slice(close + 1) : itemName(f);
}

function isResourceFunction(f: WitFunction): boolean {
  return 'resource' in f.kind;
}

export function removedCode(f: WitFunction): BreakingCode {
  return f.kind.tag === 'constructor' ? 'constructor-removed' : isResourceFunction(f) ? 'method-removed' : 'function-removed';
}

export function addedCode(f: WitFunction): BreakingCode {
  return f.kind.tag === 'constructor' ? 'constructor-added' : isResourceFunction(f) ? 'method-added' : 'function-added';
}

function stabilityText(s: Stability): string {
  if (s.tag === 'stable') return `@since(version = ${s.since})`;
  if (s.tag === 'unstable') return `@unstable(feature = ${s.feature})`;
  return 'no gate';
}

/** Gate and docs changes of one item present in both versions. */
export function compareMeta(
  c: Comparison, scope: Scope, what: string,
  a: { stability?: Stability; docs?: string; span: Span }, b: { stability?: Stability; docs?: string; span: Span },
): void {
  const spans = { old: a.span, new: b.span };
  const sa = a.stability ?? { tag: 'unknown' };
  const sb = b.stability ?? { tag: 'unknown' };
  if (isUnstable(sa) && !isUnstable(sb)) {
    c.add('item-stabilized', { ...scope, unstable: false }, `${what} is now stable (${stabilityText(sa)} → ${stabilityText(sb)})`, spans);
  } else if (!isUnstable(sa) && isUnstable(sb)) {
    c.add('item-destabilized', scope, `${what} is now ${stabilityText(sb)}: it disappears unless the feature is enabled`, spans);
  } else if (sa.tag === 'stable' && sb.tag === 'stable' && sa.since !== sb.since) {
    c.add('since-changed', scope, `${what}: @since changed from ${sa.since} to ${sb.since}`, spans);
  }
  const da = 'deprecated' in sa ? sa.deprecated : undefined;
  const db = 'deprecated' in sb ? sb.deprecated : undefined;
  if (da === undefined && db !== undefined) c.add('deprecated-added', scope, `${what} is deprecated since ${db}`, spans);
  else if (da !== undefined && db === undefined) c.add('deprecated-removed', scope, `${what} is no longer deprecated`, spans);
  if ((a.docs ?? '') !== (b.docs ?? '')) c.add('docs-changed', scope, `${what}: documentation changed`, spans);
}

/** Scope for an item inside `scope`, unstable when either encloses an `@unstable` gate in the old version. */
function child(scope: Scope, item: string, oldStability?: Stability): Scope {
  return { ...scope, item, unstable: scope.unstable || (oldStability !== undefined && isUnstable(oldStability)) };
}

/** Reports order changes of the names both lists share. */
function sameOrder(a: string[], b: string[]): boolean {
  const common = new Set(a.filter((n) => b.includes(n)));
  const x = a.filter((n) => common.has(n));
  const y = b.filter((n) => common.has(n));
  return x.every((n, i) => n === y[i]);
}

export function compareInterface(c: Comparison, ia: InterfaceId, ib: InterfaceId, scope: Scope): void {
  const A = c.a.resolve.interfaces[ia]!;
  const B = c.b.resolve.interfaces[ib]!;
  compareMeta(c, scope, `interface ${scope.item}`, A, B);
  const inner = child(scope, scope.item, A.stability);
  for (const [name, ta] of A.types) {
    const tb = B.types.get(name);
    const tdef = c.a.resolve.types[ta]!;
    const s = child(inner, `${scope.item}.${name}`, tdef.stability);
    if (tb === undefined) c.add('type-removed', s, `type ${name} was removed from ${scope.item}`, { old: tdef.span });
    else compareTypeDef(c, ta, tb, s);
  }
  for (const [name, tb] of B.types) {
    if (A.types.has(name)) continue;
    const tdef = c.b.resolve.types[tb]!;
    c.add('type-added', child(inner, `${scope.item}.${name}`, tdef.stability), `type ${name} was added to ${scope.item}`, { new: tdef.span });
  }
  const byLabel = (fs: Map<string, WitFunction>) => new Map([...fs.values()].map((f) => [functionLabel(f), f]));
  const fnA = byLabel(A.functions);
  const fnB = byLabel(B.functions);
  for (const [name, fa] of fnA) {
    const fb = fnB.get(name);
    const s = child(inner, `${scope.item}.${functionLabel(fa)}`, fa.stability);
    if (fb === undefined) c.add(removedCode(fa), s, `${describeFunction(fa)} was removed from ${scope.item}`, { old: fa.span });
    else compareFunction(c, fa, fb, s);
  }
  for (const [name, fb] of fnB) {
    if (fnA.has(name)) continue;
    c.add(addedCode(fb), child(inner, `${scope.item}.${functionLabel(fb)}`, fb.stability), `${describeFunction(fb)} was added to ${scope.item}`, { new: fb.span });
  }
  const order = (m: Map<string, unknown>) => [...m.keys()];
  if (!sameOrder(order(A.types), order(B.types)) || !sameOrder(order(fnA), order(fnB))) {
    c.add('item-order-changed', inner, `items of ${scope.item} are in another order`, { old: A.span, new: B.span });
  }
}

export function describeFunction(f: WitFunction): string {
  const kind = f.kind.tag.replace('async-', 'async ');
  const label = functionLabel(f);
  if (f.kind.tag === 'constructor') return `constructor of ${label.slice(0, -'.constructor'.length)}`;
  return kind === 'freestanding' ? `function ${label}` : kind === 'async freestanding' ? `async function ${label}` : `${kind} ${label}`;
}

export function compareFunction(c: Comparison, fa: WitFunction, fb: WitFunction, scope: Scope): void {
  const what = describeFunction(fb);
  const spans = { old: fa.span, new: fb.span };
  compareMeta(c, scope, what, fa, fb);
  const s = child(scope, scope.item, fa.stability);
  const baseA = fa.kind.tag.replace('async-', '');
  const baseB = fb.kind.tag.replace('async-', '');
  if (baseA !== baseB) c.add('function-kind-changed', s, `${functionLabel(fb)} changed from a ${baseA} to a ${baseB}`, spans);
  else if (fa.kind.tag !== fb.kind.tag) c.add('function-async-changed', s, `${what} is ${fb.kind.tag.startsWith('async') ? 'now' : 'no longer'} async`, spans);
  // a method's `self` is part of its kind: a method that became static is reported once, above
  const pa = baseA !== baseB ? fa.params.filter((p) => p.name !== 'self') : fa.params;
  const pb = baseA !== baseB ? fb.params.filter((p) => p.name !== 'self') : fb.params;
  fa = { ...fa, params: pa };
  fb = { ...fb, params: pb };
  const na = fa.params.map((p) => p.name);
  const nb = fb.params.map((p) => p.name);
  const permuted = na.length === nb.length && na.some((n, i) => n !== nb[i]) && [...na].sort().join() === [...nb].sort().join();
  if (permuted) c.add('param-order-changed', s, `${what}: parameters reordered (${na.join(', ')}) → (${nb.join(', ')})`, spans);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const pa = fa.params[i];
    const pb = fb.params[i];
    if (pa && !pb) {
      c.add('param-removed', s, `${what}: parameter ${pa.name} was removed`, { old: pa.span, new: fb.span });
      continue;
    }
    if (!pa && pb) {
      c.add('param-added', s, `${what}: parameter ${pb.name}: ${typeText(c.b, pb.type)} was added`, { old: fa.span, new: pb.span });
      continue;
    }
    const other = permuted ? fb.params.find((p) => p.name === pa!.name)! : pb!;
    if (!permuted && pa!.name !== pb!.name) c.add('param-renamed', s, `${what}: parameter ${pa!.name} was renamed to ${pb!.name}`, { old: pa!.span, new: pb!.span });
    const diff = compareTypeRef(c, pa!.type, other.type, s);
    if (diff) c.add(diff.code ?? 'param-type-changed', s, `${what}: parameter ${other.name}: ${diff.text}`, { old: pa!.span, new: other.span });
  }
  if (fa.result === undefined || fb.result === undefined) {
    if (fa.result !== fb.result) {
      c.add('result-changed', s, `${what}: result ${fa.result === undefined ? `${typeText(c.b, fb.result!)} was added` : `${typeText(c.a, fa.result)} was removed`}`, spans);
    }
  } else {
    const diff = compareTypeRef(c, fa.result, fb.result, s);
    if (diff) c.add(diff.code === 'handle-kind-changed' ? diff.code : 'result-changed', s, `${what}: result: ${diff.text}`, spans);
  }
}

export function typeText(side: WitSide, t: Type): string {
  return printTypeName(side.resolve, t);
}

/** A named type as `iface.name` (or `ns:pkg/iface.name` from another package); anything else as printed. */
function qualifiedText(side: WitSide, t: Type): string {
  if (typeof t === 'string') return t;
  const def = side.resolve.types[t]!;
  if (def.name === undefined || def.owner.tag !== 'interface') return typeText(side, t);
  const iface = side.resolve.interfaces[def.owner.id]!;
  if (iface.name === undefined) return def.name;
  const own = iface.package === side.package;
  const pkg = iface.package === undefined || own ? '' : `${side.resolve.packages[iface.package]!.name.namespace}:${side.resolve.packages[iface.package]!.name.name}/`;
  return `${pkg}${iface.name}.${def.name}`;
}

export interface TypeDiff {
  text: string;
  code?: BreakingCode;
}

/**
 * Compares two uses of a type. Named types match by name (their definitions are compared where they are
 * defined, or here once per pair when they come from a dependency); anonymous types match by structure.
 */
export function compareTypeRef(c: Comparison, ta: Type, tb: Type, scope: Scope): TypeDiff | undefined {
  const differ = (): TypeDiff => {
    const [x, y] = [typeText(c.a, ta), typeText(c.b, tb)];
    // the same spelling for two different types (`t` from two interfaces): name where each comes from
    return { text: x === y ? `${qualifiedText(c.a, ta)} → ${qualifiedText(c.b, tb)}` : `${x} → ${y}` };
  };
  if (typeof ta === 'string' || typeof tb === 'string') return ta === tb ? undefined : differ();
  const A = c.a.resolve.types[ta]!;
  const B = c.b.resolve.types[tb]!;
  if (A.name !== undefined || B.name !== undefined) {
    if (A.name === undefined || B.name === undefined) return differ();
    const ka = c.typeKey(c.a, ta);
    const kb = c.typeKey(c.b, tb);
    if (ka !== kb) {
      if (dependencyVersionOnly(ka, kb)) {
        reportIncompatible(c, ka!, kb!, scope, A.span, B.span);
        return undefined;
      }
      return differ();
    }
    const fa = c.foreignPackageOf(c.a, ta);
    const fb = c.foreignPackageOf(c.b, tb);
    if (fa !== undefined && fb !== undefined) compareForeignType(c, ta, tb, scope, c.packageLabel(c.b, fb));
    return undefined;
  }
  return compareKinds(c, A.kind, B.kind, scope) ? undefined : handleOnly(A.kind, B.kind) ? { ...differ(), code: 'handle-kind-changed' } : differ();
}

function handleOnly(a: TypeDefKind, b: TypeDefKind): boolean {
  return a.tag === 'handle' && b.tag === 'handle' && a.handle !== b.handle;
}

/** `wasi:io/streams@0.2#error` vs `wasi:io/streams@0.3#error`: the same item of a dependency at an incompatible version. */
export function dependencyVersionOnly(ka: string | undefined, kb: string | undefined): boolean {
  if (ka === undefined || kb === undefined || !ka.includes('@') || !kb.includes('@')) return false;
  const strip = (k: string) => k.replace(/@[^#]*/, '');
  return strip(ka) === strip(kb);
}

function splitKey(k: string): { pkg: string; version: string } {
  return { pkg: k.replace(/\/.*$/, ''), version: /@([^#]*)/.exec(k)?.[1] ?? '' };
}

export function reportIncompatible(c: Comparison, ka: string, kb: string, scope: Scope, oldSpan: Span, newSpan: Span): void {
  const x = splitKey(ka);
  const y = splitKey(kb);
  const key = `${x.pkg}@${x.version}→${y.version}`;
  if (c.incompatible.has(key)) return;
  c.incompatible.add(key);
  const range = (v: string) => (v.split('.').length < 3 ? `${v}.x` : v);
  c.add('dependency-incompatible', { ...scope, via: x.pkg },
    `dependency ${x.pkg} moved to an incompatible version (${range(x.version)} → ${range(y.version)}), reached through ${scope.item}`,
    { old: oldSpan, new: newSpan });
}

/** Structural equality of two anonymous type shapes; named parts compare through `compareTypeRef`. */
function compareKinds(c: Comparison, a: TypeDefKind, b: TypeDefKind, scope: Scope): boolean {
  const same = (x: Type | undefined, y: Type | undefined) =>
    x === undefined || y === undefined ? x === y : compareTypeRef(c, x, y, scope) === undefined;
  switch (a.tag) {
    case 'list': case 'option':
      return b.tag === a.tag && same(a.type, b.type);
    case 'fixed-length-list':
      return b.tag === a.tag && a.size === b.size && same(a.type, b.type);
    case 'future': case 'stream':
      return b.tag === a.tag && same(a.type, (b as { type?: Type }).type);
    case 'result':
      return b.tag === 'result' && same(a.ok, b.ok) && same(a.err, b.err);
    case 'map':
      return b.tag === 'map' && same(a.key, b.key) && same(a.value, b.value);
    case 'tuple':
      return b.tag === 'tuple' && a.types.length === b.types.length && a.types.every((t, i) => same(t, b.types[i]));
    case 'handle':
      return b.tag === 'handle' && a.handle === b.handle && same(a.resource, b.resource);
    case 'type':
      return b.tag === 'type' && same(a.type, b.type);
    default:
      return false;
  }
}

function compareForeignType(c: Comparison, ta: TypeId, tb: TypeId, scope: Scope, via: string): void {
  const key = `${ta}:${tb}`;
  if (c.seenTypes.has(key)) return;
  c.seenTypes.add(key);
  const item = c.typeKey(c.b, tb)!.replace(/@[^#]*/, '').replace('#', '.');
  compareTypeDef(c, ta, tb, { item, via: via.replace(/@.*$/, ''), reachedThrough: scope.reachedThrough ?? scope.item, unstable: scope.unstable });
}

const KIND_NAMES: Record<TypeDefKind['tag'], string> = {
  record: 'record', resource: 'resource', handle: 'handle', flags: 'flags', tuple: 'tuple', variant: 'variant', enum: 'enum',
  option: 'option', result: 'result', list: 'list', map: 'map', 'fixed-length-list': 'fixed-size list', future: 'future',
  stream: 'stream', type: 'alias', unknown: 'unknown',
};

/** Compares two named type definitions of the same name. */
export function compareTypeDef(c: Comparison, ta: TypeId, tb: TypeId, scope: Scope): void {
  const A: TypeDef = c.a.resolve.types[ta]!;
  const B: TypeDef = c.b.resolve.types[tb]!;
  const name = scope.item;
  compareMeta(c, scope, `type ${name}`, A, B);
  const s = child(scope, name, A.stability);
  const spans = { old: A.span, new: B.span };
  const ka = A.kind;
  const kb = B.kind;
  if (ka.tag !== kb.tag) {
    c.add('type-kind-changed', s, `type ${name} changed from a ${KIND_NAMES[ka.tag]} to a ${KIND_NAMES[kb.tag]}`, spans);
    return;
  }
  if (ka.tag === 'type' && kb.tag === 'type') {
    const diff = compareTypeRef(c, ka.type, kb.type, s);
    if (diff) c.add(typeof ka.type === 'number' && c.a.resolve.types[ka.type]!.name !== undefined ? 'use-target-changed' : 'type-changed', s, `${name} now resolves to another type: ${diff.text}`, spans);
    return;
  }
  if (ka.tag === 'record' && kb.tag === 'record') {
    members(c, s, spans, 'record-field', 'field', ka.fields, kb.fields, (x, y) => compareTypeRef(c, x.type, y.type, s));
  } else if (ka.tag === 'variant' && kb.tag === 'variant') {
    members(c, s, spans, 'variant-case', 'case', ka.cases, kb.cases, (x, y) =>
      x.type === undefined || y.type === undefined
        ? x.type === y.type ? undefined : { text: `${x.type === undefined ? 'no payload' : typeText(c.a, x.type)} → ${y.type === undefined ? 'no payload' : typeText(c.b, y.type)}` }
        : compareTypeRef(c, x.type, y.type, s));
  } else if (ka.tag === 'enum' && kb.tag === 'enum') {
    members(c, s, spans, 'enum-case', 'case', ka.cases, kb.cases);
  } else if (ka.tag === 'flags' && kb.tag === 'flags') {
    members(c, s, spans, 'flag', 'flag', ka.flags, kb.flags);
  } else if (ka.tag !== 'resource' && !compareKinds(c, ka, kb, s)) {
    const code: BreakingCode = handleOnly(ka, kb) ? 'handle-kind-changed' : 'type-changed';
    c.add(code, s, `type ${name} changed: ${kindText(c.a, ka)} → ${kindText(c.b, kb)}`, spans);
  }
}

/** The definition of a named type written out (`list<u8>`, `own<r>`), or its kind for nominal shapes. */
function kindText(side: WitSide, k: TypeDefKind): string {
  const t = (x: Type | undefined) => (x === undefined ? '_' : typeText(side, x));
  switch (k.tag) {
    case 'list': return `list<${t(k.type)}>`;
    case 'option': return `option<${t(k.type)}>`;
    case 'fixed-length-list': return `list<${t(k.type)}, ${k.size}>`;
    case 'future': case 'stream': return k.type === undefined ? k.tag : `${k.tag}<${t(k.type)}>`;
    case 'result': return `result<${t(k.ok)}, ${t(k.err)}>`;
    case 'map': return `map<${t(k.key)}, ${t(k.value)}>`;
    case 'tuple': return `tuple<${k.types.map(t).join(', ')}>`;
    case 'handle': return `${k.handle}<${t(k.resource)}>`;
    default: return `a ${KIND_NAMES[k.tag]}`;
  }
}

type Member = { name: string; docs?: string; span: Span };

/** Fields, cases or flags: removed, added, retyped, reordered, re-documented. */
function members<M extends Member>(
  c: Comparison, scope: Scope, parent: { old: Span; new: Span }, prefix: 'record-field' | 'variant-case' | 'enum-case' | 'flag', noun: string,
  a: M[], b: M[], retyped?: (x: M, y: M) => TypeDiff | undefined,
): void {
  const byName = new Map(b.map((m) => [m.name, m]));
  const oldNames = new Set(a.map((m) => m.name));
  for (const x of a) {
    const y = byName.get(x.name);
    if (!y) {
      c.add(`${prefix}-removed` as BreakingCode, scope, `${scope.item}: ${noun} ${x.name} was removed`, { old: x.span, new: parent.new });
      continue;
    }
    const diff = retyped?.(x, y);
    if (diff) c.add(diff.code === 'handle-kind-changed' ? diff.code : (`${prefix}-type-changed` as BreakingCode), scope, `${scope.item}: ${noun} ${x.name}: ${diff.text}`, { old: x.span, new: y.span });
    if ((x.docs ?? '') !== (y.docs ?? '')) c.add('docs-changed', scope, `${scope.item}: documentation of ${noun} ${x.name} changed`, { old: x.span, new: y.span });
  }
  for (const y of b) if (!oldNames.has(y.name)) c.add(`${prefix}-added` as BreakingCode, scope, `${scope.item}: ${noun} ${y.name} was added`, { old: parent.old, new: y.span });
  if (!sameOrder(a.map((m) => m.name), b.map((m) => m.name))) {
    c.add(`${prefix}-order-changed` as BreakingCode, scope, `${scope.item}: ${noun}s are in another order (${a.map((m) => m.name).join(', ')}) → (${b.map((m) => m.name).join(', ')})`, { old: a[0]?.span, new: b[0]?.span });
  }
}
