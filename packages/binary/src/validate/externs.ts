import type { Export, ExternName, ExternType } from '../ast.js';
import type { ValidatorContext } from './context.js';
import { checkName, checkResourceName } from './extern-names.js';
import { fail } from './invalid.js';
import { type Entity, freshResource, type RDefined, type RResource, type RType, type RVal, res } from './model.js';
import { Substitution } from './substitution.js';
import { entityMismatch } from './subtyping.js';
import { entityResources } from './walks.js';
import { nameKey } from './names.js';
import { pushEntity, type Scope, sortEntity } from './scope.js';
import { typeAt, valType } from './types.js';

// Imports and exports: the entity an extern type describes, and the rules on which types and resources an import or
// export may mention (each must have a name here) and which names it introduces.

const HINT_NAMED = 'every record/variant/enum/flags and resource an import or export mentions must be imported or exported first, and referred to through the type index that import or export created, e.g. `(export $t2 "t" (type $t))` and then `$t2`';
const NAMED_KINDS: ReadonlySet<string> = new Set(['record', 'variant', 'enum', 'flags']);

/** What an import or export of extern type `t` gives: a second name for a type is a distinct object (see `res`). */
function entityOf(cx: ValidatorContext, s: Scope, t: ExternType): Entity {
  switch (t.kind) {
    case 'module': {
      const ct = s.coreTypes[t.type] ?? fail('index-out-of-bounds', `unknown core type ${t.type}: type index out of bounds`);
      return ct.kind === 'module' ? { sort: 'module', type: ct.type } : fail('invalid-type', `core type index ${t.type} is not a module type`);
    }
    case 'func': {
      const ft = typeAt(s, t.type);
      return ft.kind === 'func' ? { sort: 'func', type: ft } : fail('invalid-type', `type index ${t.type} is not a function type`);
    }
    case 'instance': {
      const it = typeAt(s, t.type);
      return it.kind === 'instance' ? { sort: 'instance', type: it } : fail('invalid-type', `type index ${t.type} is not an instance type`);
    }
    case 'component': {
      const ct = typeAt(s, t.type);
      return ct.kind === 'component' ? { sort: 'component', type: ct } : fail('invalid-type', `type index ${t.type} is not a component type`);
    }
    case 'value': {
      cx.require('cm-values', 'support for component model `value`s is not enabled');
      return { sort: 'value', type: valType(cx, s, t.type) };
    }
    case 'type':
      if (t.bound.kind === 'eq') {
        const ty = typeAt(s, t.bound.index);
        // a second name for a resource is a distinct object with the same identity (see `res`)
        if (ty.kind === 'resource') return { sort: 'type', type: { ...ty, aliasOf: res(ty), via: ty } };
        // so is a second name for a defined type (wasmparser's alias id): instantiation binds each name separately
        if (ty.kind === 'defined') return { sort: 'type', type: { kind: 'defined', body: ty.body, origin: ty } };
        return { sort: 'type', type: ty };
      }
      return { sort: 'type', type: freshResource(false) };
  }
}

/** A type import/export gives a record/variant/enum/flags a name: a new type index equal to, but distinct from, the original. */
function nameEntity(s: Scope, e: Entity): Entity {
  const always = s.kind !== 'component'; // in a type every `(eq T)` export is a new type index, so a new name
  if (e.sort === 'type' && e.type.kind === 'defined' && (always || (NAMED_KINDS.has(e.type.body.kind) && !s.namedTypes.has(e.type)))) {
    const copy: RDefined = { kind: 'defined', body: e.type.body, origin: e.type };
    s.namedTypes.add(copy);
    return { sort: 'type', type: copy };
  }
  return e;
}

/** Every record/variant/enum/flags and resource an import or export mentions must itself be named here. */
function checkNamed(s: Scope, e: Entity, dir: 'import' | 'export'): void {
  if (s.kind === 'instance-type') return;
  const extra = new Set<RDefined>();
  const extraRes = new Set<RResource>();
  const collect = (x: Entity) => {
    if (x.sort === 'type' && x.type.kind === 'defined') extra.add(x.type);
    if (x.sort === 'type' && x.type.kind === 'resource') extraRes.add(res(x.type));
    if (x.sort === 'instance') x.type.exports.forEach(collect);
  };
  if (e.sort === 'instance') e.type.exports.forEach(collect);
  const bad = (): never => fail('invalid-resource-use', `${e.sort} not valid to be used as ${dir}`, HINT_NAMED);
  const seen = new Set<RDefined>();
  const val = (v: RVal | undefined, top = false): void => {
    if (v === undefined || typeof v === 'string') return;
    const b = v.body;
    // checked at every mention: a type visited as the top of one export may be an unnamed member of the next
    if (!top && NAMED_KINDS.has(b.kind)) {
      if (!s.namedTypes.has(v) && !extra.has(v)) bad();
      if (dir === 'import' && s.exportNamedTypes.has(v) && !extra.has(v)) bad();
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    switch (b.kind) {
      case 'record': b.fields.forEach((f) => val(f.type)); break;
      case 'variant': b.cases.forEach((c) => val(c.type)); break;
      case 'list': val(b.element); break;
      case 'map': val(b.key); val(b.value); break;
      case 'tuple': b.types.forEach((t) => val(t)); break;
      case 'option': val(b.type); break;
      case 'result': val(b.ok); val(b.err); break;
      case 'own': case 'borrow': {
        const r = res(b.resource);
        if (!s.named.has(r) && !extraRes.has(r)) bad();
        // a resource this component defines is named by exporting it; its definition itself is never named
        if (dir === 'export' && b.resource === r && s.local.has(r) && !extraRes.has(r) && !s.exportedDefinitions.has(r)) bad();
        // an import cannot mention a resource this component itself defines or exports
        if (dir === 'import' && !extraRes.has(r) && (r.local || s.defined.includes(r))) bad();
        break;
      }
      case 'stream': case 'future': val(b.element); break;
      default: break;
    }
  };
  const ent = (x: Entity): void => {
    switch (x.sort) {
      case 'func': x.type.params.forEach((p) => val(p.type)); val(x.type.result); break;
      case 'value': val(x.type); break;
      case 'type':
        if (x.type.kind === 'defined') val(x.type, true);
        else if (x.type.kind === 'func') ent({ sort: 'func', type: x.type });
        // an instance type's exported types name nothing here: what they refer to must already be named
        // (wasmparser's all_valtypes_named_in_instance)
        else if (x.type.kind === 'instance') x.type.exports.forEach(ent);
        break;
      case 'instance': x.type.exports.forEach(ent); break;
      default: break;
    }
  };
  ent(e);
}

/** An import, of a component or declared in a component or instance type. */
export function importDecl(cx: ValidatorContext, s: Scope, n: ExternName, t: ExternType): void {
  const kind = checkName(cx, n, 'import');
  const key = nameKey(kind);
  if (s.importKeys.has(key)) fail('duplicate-name', `import name \`${n.name}\` conflicts with previous name \`${s.importKeys.get(key)}\``);
  s.importKeys.set(key, n.name);
  let e = entityOf(cx, s, t);
  if (n.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
  if (n.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
  checkResourceName(n.name, 'import', kind, e, s.importResourceNames);
  if (e.sort === 'type' && e.type.kind === 'resource') {
    if (t.kind === 'type' && t.bound.kind === 'sub-resource') s.imported.push(e.type);
    s.named.add(res(e.type));
    if (kind.kind === 'label') s.importResourceNames.set(kind.label.toLowerCase(), e.type);
  }
  if (e.sort === 'instance' && e.type.defined.length) {
    // an imported instance's abstract resources become imports of this component (fresh per import)
    const map = new Map<RResource, RType>();
    for (const r of e.type.defined) {
      const fresh = freshResource(false);
      map.set(r, fresh);
      s.imported.push(fresh);
    }
    e = new Substitution(map).entity(e);
  }
  // an import cannot name a resource this component defines (wasmparser's `finish`: free variables of the imports)
  for (const r of namedBy(e)) if (s.local.has(r) || s.defined.includes(r)) fail('invalid-resource-use', 'local resource type found in imports', 'import the resource itself with `(sub resource)`, or use the local definition directly');
  for (const r of entityResources(e)) s.named.add(r);
  checkNamed(s, e, 'import');
  if (e.sort === 'instance') for (const t2 of namedTypesOf(e)) s.namedTypes.add(t2);
  e = nameEntity(s, e);
  s.imports.set(n.name, e);
  pushEntity(cx, s, e);
}

/** An export declared in a component or instance type. */
export function exportDecl(cx: ValidatorContext, s: Scope, n: ExternName, t: ExternType): void {
  const kind = checkName(cx, n, 'export');
  const key = nameKey(kind);
  if (s.exportKeys.has(key)) fail('duplicate-name', `export name \`${n.name}\` conflicts with previous name \`${s.exportKeys.get(key)}\``);
  s.exportKeys.set(key, n.name);
  let e = entityOf(cx, s, t);
  if (n.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
  if (n.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
  if (e.sort === 'instance' && e.type.defined.length) {
    // two exports of one instance type are two instances: each gets its own abstract resources
    const map = new Map<RResource, RType>();
    for (const r of e.type.defined) map.set(r, freshResource(false));
    e = new Substitution(map).entity(e);
  }
  checkResourceName(n.name, 'export', kind, e, s.exportResourceNames);
  if (e.sort === 'type' && e.type.kind === 'resource') {
    if (t.kind === 'type' && t.bound.kind === 'sub-resource') s.defined.push(e.type);
    s.named.add(res(e.type));
    if (kind.kind === 'label') s.exportResourceNames.set(kind.label.toLowerCase(), e.type);
  }
  if (e.sort === 'instance') for (const r of e.type.defined) s.defined.push(r);
  checkNamed(s, e, 'export');
  if (e.sort === 'instance') {
    // an exported instance names its exported types for the exports after it (not for imports)
    for (const r of namedBy(e)) s.named.add(r);
    for (const t2 of namedTypesOf(e)) {
      s.namedTypes.add(t2);
      s.exportNamedTypes.add(t2);
    }
  }
  const named = nameEntity(s, e);
  if (named !== e && named.sort === 'type' && named.type.kind === 'defined') s.exportNamedTypes.add(named.type);
  s.exports.set(n.name, named);
  pushEntity(cx, s, named);
}

/** An export of one of a component's items, optionally ascribed a type. */
export function exportDef(cx: ValidatorContext, s: Scope, x: Export): void {
  const kind = checkName(cx, x.name, 'export');
  const key = nameKey(kind);
  if (s.exportKeys.has(key)) fail('duplicate-name', `export name \`${x.name.name}\` conflicts with previous name \`${s.exportKeys.get(key)}\``);
  s.exportKeys.set(key, x.name.name);
  let e = sortEntity(cx, s, x.sort, x.index, true);
  if (x.type) {
    const ascribed = entityOf(cx, s, x.type);
    if (ascribed.sort === 'type' && ascribed.type.kind === 'resource' && x.type.kind === 'type' && x.type.bound.kind === 'sub-resource') {
      if (e.sort !== 'type' || e.type.kind !== 'resource') fail('type-mismatch', 'expected resource, found defined type');
      // `(sub resource)` ascribes a fresh abstract resource: the export no longer reveals which resource it is
      e = ascribed;
    } else {
      const why = entityMismatch(e, ascribed);
      if (why) fail('type-mismatch', `ascribed type of export is not compatible with item's type\n${why}`);
      e = ascribed;
    }
  }
  if (x.name.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
  if (x.name.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
  checkResourceName(x.name.name, 'export', kind, e, s.exportResourceNames);
  // every resource an export mentions must be imported or exported by this component (an exported instance
  // exports its resources by name too)
  for (const r of namedBy(e)) s.named.add(r);
  for (const r of entityResources(e)) {
    if (!s.named.has(r)) {
      fail('invalid-resource-use', `${e.sort} not valid to be used as export`, HINT_NAMED);
    }
  }
  // the index an export adds is a new name for a resource (wasmparser's `with_unique`): only that name, not the
  // definition, counts as exported when a later export mentions the resource, and only it matches `[method]r.x`
  const created: RResource | undefined = e.sort === 'type' && e.type.kind === 'resource' ? { ...e.type, aliasOf: res(e.type), via: e.type } : undefined;
  if (created) {
    s.named.add(res(created));
    if (kind.kind === 'label') s.exportResourceNames.set(kind.label.toLowerCase(), created);
  }
  if (e.sort === 'instance') {
    for (const x2 of e.type.exports.values()) if (x2.sort === 'type' && x2.type.kind === 'resource') s.named.add(res(x2.type));
    // a bag of exports exports a resource under its definition, so exporting the bag names the definition
    for (const r of namedBy(e, new Set(), false)) if (s.local.has(r)) s.exportedDefinitions.add(r);
  }
  checkNamed(s, e, 'export');
  if (e.sort === 'instance') for (const t2 of namedTypesOf(e)) s.namedTypes.add(t2);
  // resources this component creates (not ones it imports) are created afresh by each instantiation of it
  if (s.kind === 'component') {
    for (const r of entityResources(e, namedBy(e))) {
      const root = res(r);
      if (!s.imported.some((i) => res(i) === root) && !s.defined.includes(root)) s.defined.push(root);
    }
  }
  const before = e;
  e = nameEntity(s, e);
  if (e !== before && e.sort === 'type' && e.type.kind === 'defined') s.exportNamedTypes.add(e.type);
  s.exports.set(x.name.name, e);
  pushEntity(cx, s, created ? { sort: 'type', type: created } : e);
  if (e.sort === 'value') s.values[s.values.length - 1].used = true;
}

function namedTypesOf(e: Entity, out = new Set<RDefined>()): Set<RDefined> {
  if (e.sort === 'type' && e.type.kind === 'defined') out.add(e.type);
  else if (e.sort === 'instance') for (const x of e.type.exports.values()) namedTypesOf(x, out);
  return out;
}

/** Resources an entity exports as types (roots, or the exported objects themselves when `roots` is false). */
export function namedBy(e: Entity, out = new Set<RResource>(), roots = true): Set<RResource> {
  if (e.sort === 'type' && e.type.kind === 'resource') out.add(roots ? res(e.type) : e.type);
  else if (e.sort === 'instance') for (const x of e.type.exports.values()) namedBy(x, out, roots);
  return out;
}
