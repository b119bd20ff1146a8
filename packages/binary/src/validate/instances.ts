import type { Alias, Instance, Sort } from '../ast.js';
import type { ValidatorContext } from './context.js';
import { checkName, checkResourceName, NO_NAMES } from './extern-names.js';
import { namedBy } from './externs.js';
import { fail } from './invalid.js';
import { type Entity, freshResource, type RComponent, type RInstance, type RResource, type RType, res } from './model.js';
import { Substitution } from './substitution.js';
import { entityMismatch } from './subtyping.js';
import { freeResources } from './walks.js';
import { nameKey } from './names.js';
import { pushCore, pushEntity, readLimit, type Scope, sortEntity } from './scope.js';

// Component instances (instantiations and bags of exports) and aliases.

/** An instance: a component instantiated with arguments, or a bag of exports. */
export function instance(cx: ValidatorContext, s: Scope, x: Instance): void {
  if (x.kind === 'instantiate') {
    readLimit(x.args.length, 100_000, 'instantiation arguments');
    const c = s.components[x.component] ?? fail('index-out-of-bounds', `unknown component ${x.component}: component index out of bounds`);
    const args = new Map<string, Entity>();
    for (const a of x.args) {
      const key = a.name;
      if (args.has(key)) fail('duplicate-name', `instantiation argument \`${a.name}\` conflicts with previous argument \`${a.name}\``);
      args.set(key, sortEntity(cx, s, a.sort, a.index, true));
    }
    const inst = instantiate(c, args);
    for (const r of namedBy({ sort: 'instance', type: inst })) s.named.add(r);
    s.instances.push(inst);
    return;
  }
  const exports = new Map<string, Entity>();
  readLimit(x.exports.length, 100_000, 'instantiation exports');
  const keys = new Map<string, string>();
  const named = new Set<RResource>();
  for (const e of x.exports) {
    const kind = checkName(cx, e.name, 'export');
    const key = nameKey(kind);
    if (keys.has(key)) fail('duplicate-name', `export name \`${e.name.name}\` conflicts with previous name \`${keys.get(key)}\``);
    keys.set(key, e.name.name);
    const ent = sortEntity(cx, s, e.sort, e.index, true);
    // a bag of exports introduces no index space, so no resource has a name its functions could use
    checkResourceName(e.name.name, 'export', kind, ent, NO_NAMES);
    if (e.sort === 'type' && ent.sort === 'type' && ent.type.kind === 'resource') named.add(ent.type);
    exports.set(e.name.name, ent);
  }
  s.instances.push({ kind: 'instance', exports, defined: [] });
}

function instantiate(c: RComponent, args: Map<string, Entity>): RInstance {
  const map = new Map<object, RType>();
  const abstract = new Set(c.imported);
  for (const [name, expected] of c.imports) {
    const arg = args.get(name) ?? fail('missing-argument', `missing import named \`${name}\``);
    // abstract resource imports take whatever resource is supplied; later imports see it substituted
    bindResources(expected, arg, map, abstract);
    const exp = new Substitution(map).entity(expected);
    const why = entityMismatch(arg, exp);
    if (why) fail('type-mismatch', `type mismatch for import \`${name}\`\n${why}`);
    // a checked `(type (eq T))` import, or a type exported by an imported instance, now stands for the supplied
    // type in everything after it (so the instance's exports mention the caller's names, not the callee's)
    bindTypes(expected, arg, map);
  }
  // arguments that match no import are allowed (the spec allows them only when they match an import; wasmparser
  // accepts them)
  const fresh: RResource[] = [];
  for (const r of c.defined) {
    const n = freshResource(false);
    map.set(r, n);
    fresh.push(n);
  }
  const sub = new Substitution(map);
  return { kind: 'instance', exports: sub.entities(c.exports), defined: fresh };
}

/** An alias: of an instance's or core instance's export, or of an item of an enclosing component. */
export function alias(cx: ValidatorContext, s: Scope, a: Alias): void {
  if (s.kind !== 'component') {
    // wasmparser's one rule: instance exports of types and instances, outer aliases of types and core types
    const allowed = a.kind === 'instance-export' ? a.sort === 'type' || a.sort === 'instance'
      : a.kind === 'outer' ? a.sort === 'type' || (typeof a.sort === 'object' && a.sort.core === 'type') : false;
    if (!allowed) fail('invalid-alias', 'aliases in a component or instance type may only refer to types or instances');
  }
  switch (a.kind) {
    case 'instance-export': {
      const inst = s.instances[a.instance] ?? fail('index-out-of-bounds', `unknown instance ${a.instance}: instance index out of bounds`);
      const e = inst.exports.get(a.name) ?? fail('missing-export', `instance ${a.instance} has no export named \`${a.name}\``);
      const want = sortName(a.sort);
      if (e.sort !== want) fail('wrong-sort', `export \`${a.name}\` for instance ${a.instance} is not a ${want === 'func' ? 'function' : want}`);
      pushEntity(cx, s, e);
      return;
    }
    case 'core-instance-export': {
      if (a.sort === 'tag') cx.require('exceptions', 'exceptions proposal not enabled');
      const inst = s.coreInstances[a.instance] ?? fail('index-out-of-bounds', `unknown core instance ${a.instance}: instance index out of bounds`);
      const e = inst.get(a.name) ?? fail('missing-export', `core instance ${a.instance} has no export named \`${a.name}\``);
      if (e.kind !== a.sort) fail('wrong-sort', `export \`${a.name}\` for core instance ${a.instance} is not a ${a.sort === 'func' ? 'function' : a.sort}`);
      pushCore(s, e);
      return;
    }
    case 'outer': {
      let target: Scope | undefined = s;
      let crossesComponent = false;
      for (let i = 0; i < a.count && target; i++) {
        if (target.kind === 'component') crossesComponent = true;
        target = target.parent;
      }
      if (!target) fail('invalid-alias', `invalid outer alias count of ${a.count}`);
      const t = target!;
      if (typeof a.sort === 'object') {
        if (a.sort.core === 'type') {
          s.coreTypes.push(t.coreTypes[a.index] ?? fail('index-out-of-bounds', `unknown core type ${a.index}: type index out of bounds`));
        } else if (a.sort.core === 'module') {
          s.coreModules.push(t.coreModules[a.index] ?? fail('index-out-of-bounds', `unknown module ${a.index}: module index out of bounds`));
        } else {
          fail('invalid-alias', `outer aliases of core ${a.sort.core}s are not supported`);
        }
        return;
      }
      switch (a.sort) {
        case 'type': {
          const ty = t.types[a.index] ?? fail('index-out-of-bounds', `unknown type ${a.index}: type index out of bounds`);
          if (crossesComponent && freeResources(ty).size > 0) fail('invalid-resource-use', 'cannot alias outer type which transitively refers to resources not defined in the current component', 'a component must stay self-contained: import the resource (or the type) into the inner component instead');
          s.types.push(ty);
          return;
        }
        case 'component':
          s.components.push(t.components[a.index] ?? fail('index-out-of-bounds', `unknown component ${a.index}: component index out of bounds`));
          return;
        default:
          fail('invalid-alias', `outer aliases of ${a.sort}s are not supported`);
      }
    }
  }
}

function bindTypes(expected: Entity, arg: Entity, map: Map<object, RType>): void {
  if (expected.sort === 'type' && expected.type.kind === 'defined' && arg.sort === 'type') map.set(expected.type, arg.type);
  // a second name of a resource stands for the very name supplied (identity is unchanged, checked by the caller)
  else if (expected.sort === 'type' && expected.type.kind === 'resource' && expected.type.aliasOf && arg.sort === 'type' && arg.type.kind === 'resource') map.set(expected.type, arg.type);
  else if (expected.sort === 'instance' && arg.sort === 'instance') {
    for (const [name, x] of expected.type.exports) {
      const a = arg.type.exports.get(name);
      if (a) bindTypes(x, a, map);
    }
  }
}

function bindResources(expected: Entity, actual: Entity, map: Map<object, RType>, abstract: Set<RResource>): void {
  if (expected.sort === 'type' && actual.sort === 'type' && expected.type.kind === 'resource') {
    const r = res(expected.type);
    if (abstract.has(r) && !map.has(r) && actual.type.kind === 'resource') map.set(r, actual.type);

  } else if (expected.sort === 'instance' && actual.sort === 'instance') {
    for (const [name, e] of expected.type.exports) {
      const a = actual.type.exports.get(name);
      if (a) bindResources(e, a, map, abstract);
    }
  }
}

function sortName(s: Sort): Entity['sort'] | string {
  if (typeof s === 'object') return s.core === 'module' ? 'module' : `core ${s.core}`;
  return s;
}

