/**
 * First resolution stage (wit-parser's `ast/resolve.rs`): the ASTs of one package become an
 * `UnresolvedPackage` whose arenas hold placeholders for everything used from other packages.
 * The arena order produced here is what makes ids match wit-parser's, so the steps follow it closely.
 */
import type * as ast from './ast.js';
import {
  type FunctionKind, type Interface, type InterfaceId, type PackageName, type Param, type Stability, type Type,
  type TypeDef, type TypeDefKind, type TypeId, type TypeOwner, type WitFunction, type World, type WorldId,
  type WorldItem, type WorldKey, NO_OWNER, UNKNOWN_STABILITY, newTypeDef, packageNameString,
} from './model.js';
import type { SourceMap, Span } from './source.js';
import { NO_SPAN } from './source.js';
import { WitError, type WitErrorCode } from './wit-error.js';

export type AstItemRef = { tag: 'interface'; id: InterfaceId } | { tag: 'world'; id: WorldId };

export interface ForeignDep {
  name: PackageName;
  span: Span;
  items: Map<string, { item: AstItemRef; stabilities: Stability[] }>;
}

export interface UnresolvedPackage {
  name: PackageName;
  nameSpan: Span;
  docs?: string;
  worlds: World[];
  interfaces: Interface[];
  types: TypeDef[];
  /** package name string → what is used from it; foreign items come first in the arenas */
  foreignDeps: Map<string, ForeignDep>;
  requiredResourceTypes: { id: TypeId; span: Span }[];
}

/** A name visible in an interface or world: a type, or another item (a function) that cannot be used as one. */
type NameEntry = { tag: 'type'; id: TypeId; span: Span } | { tag: 'item'; what: string; span: Span };

const MAP_KEYS = new Set(['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'char', 'string']);

/** Normalizes raw comment texts to wit-parser's doc string (or undefined when there are none). */
export function docsText(lines: readonly string[]): string | undefined {
  if (lines.length === 0) return undefined;
  const docs: string[] = new Array(lines.length);
  let min = Infinity;
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!;
    let d: string;
    if (raw.charCodeAt(1) === 42 && raw.startsWith('/**') && raw.endsWith('*/')) d = raw.slice(3, -2);
    else {
      let j = 0;
      while (raw.charCodeAt(j) === 47) j++;
      d = raw.slice(j);
    }
    d = d.trimEnd();
    docs[k] = d;
    if (d.length === 0) continue;
    let ws = 0;
    for (;;) {
      const c = d.charCodeAt(ws);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) ws++;
      else break;
    }
    if (ws < min) min = ws;
  }
  let out = '';
  for (let k = 0; k < docs.length; k++) {
    let d = docs[k]!;
    if (min !== Infinity && min > 0 && d.length >= min) {
      let common = true;
      for (let j = 0; j < min; j++) if (d.charCodeAt(j) !== 32) { common = false; break; }
      if (common) d = d.slice(min);
    }
    if (d.length === 0) out += '\n';
    else if (d.indexOf('\n') < 0 && d.indexOf('\r') < 0) out += d + '\n';
    else for (const line of d.split(/\r?\n/)) out += line + '\n';
  }
  let end = out.length;
  while (end > 0 && out.charCodeAt(end - 1) === 10) end--;
  return out.slice(0, end);
}

const PRIM_CODES = new Map<string, number>(
  ['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string', 'error-context'].map((p, k) => [p, k + 1]),
);

/** A type id or size as itself + 16, a primitive as 1..14, none as 0. */
function operandCode(t: Type | number | undefined): number {
  if (t === undefined) return 0;
  if (typeof t === 'number') return t + 16;
  return PRIM_CODES.get(t)!;
}

function typeKey(t: Type | undefined): string {
  return t === undefined ? '_' : String(t);
}

/** Kahn's sort that always picks the earliest-declared ready node (wit-parser's `toposort`). */
export function toposort(kind: string, deps: Map<string, ast.Id[]>, sources: SourceMap): string[] {
  let anyEdges = false;
  for (const edges of deps.values()) if (edges.length > 0) anyEdges = true;
  if (!anyEdges) return [...deps.keys()];
  const keys = [...deps.keys()];
  const index = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) index.set(keys[i]!, i);
  // when every edge points to an earlier declaration, the earliest-ready order is the declaration order
  let backward = true;
  for (let i = 0; i < keys.length && backward; i++) {
    for (const e of deps.get(keys[i]!)!) {
      const j = index.get(e.name);
      if (j === undefined || j >= i) {
        backward = false;
        break;
      }
    }
  }
  if (backward) return keys;
  const remaining = new Array<number>(keys.length).fill(0);
  const reverse: number[][] = keys.map(() => []);
  keys.forEach((k, i) => {
    const edges = deps.get(k)!;
    remaining[i] = edges.length;
    for (const e of edges) {
      const j = index.get(e.name);
      if (j === undefined) throw new WitError('wit-unknown-name', `${kind} \`${e.name}\` does not exist`, { span: e.span, sources });
      reverse[j]!.push(i);
    }
  });
  // min-heap on index
  const heap: number[] = [];
  const push = (x: number) => {
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= x) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = x;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  keys.forEach((_, i) => remaining[i] === 0 && push(i));
  const order: string[] = [];
  while (heap.length > 0) {
    const i = pop();
    order.push(keys[i]!);
    for (const r of reverse[i]!) if (--remaining[r] === 0) push(r);
    reverse[i] = [];
  }
  if (order.length === keys.length) return order;
  for (let i = 0; i < keys.length; i++) {
    if (remaining[i] === 0) continue;
    for (const dep of deps.get(keys[i]!)!) {
      if (remaining[index.get(dep.name)!] === 0) continue;
      throw new WitError('wit-cycle', `${kind} \`${dep.name}\` depends on itself`, { span: dep.span, sources });
    }
  }
  throw new Error('toposort: cycle not found');
}

type PathVisitor = (
  iface: ast.Id | undefined,
  attrs: ast.Attribute[],
  path: ast.UsePath,
  names: ast.UseAst['names'] | undefined,
  kind: 'world' | 'interface' | 'unknown',
) => void;

function forEachPath(items: ast.AstItem[], f: PathVisitor): void {
  for (const item of items) {
    if (item.kind === 'world') {
      const world = item.world;
      const imports: [ast.ExternKind, ast.Attribute[]][] = [];
      const exports: [ast.ExternKind, ast.Attribute[]][] = [];
      for (const wi of world.items) {
        if (wi.kind === 'use') f(undefined, wi.use.attributes, wi.use.from, wi.use.names, 'interface');
        else if (wi.kind === 'include') f(world.name, wi.include.attributes, wi.include.from, undefined, 'world');
        else if (wi.kind === 'import') imports.push([wi.extern, wi.attributes]);
        else if (wi.kind === 'export') exports.push([wi.extern, wi.attributes]);
      }
      const visit = (kind: ast.ExternKind, attrs: ast.Attribute[]) => {
        if (kind.kind === 'interface') {
          for (const it of kind.items) if (it.kind === 'use') f(undefined, it.use.attributes, it.use.from, it.use.names, 'interface');
        } else if (kind.kind === 'path' || kind.kind === 'named-path') f(undefined, attrs, kind.path, undefined, 'interface');
      };
      for (const [k, a] of imports) visit(k, a);
      for (const [k, a] of exports) visit(k, a);
    } else if (item.kind === 'interface') {
      for (const it of item.iface.items) if (it.kind === 'use') f(item.iface.name, it.use.attributes, it.use.from, it.use.names, 'interface');
    } else if (item.kind === 'use') f(undefined, item.use.attributes, item.use.item, undefined, 'unknown');
  }
}

function astPackageName(p: ast.PackageNameAst): PackageName {
  return { namespace: p.namespace.name, name: p.name.name, version: p.version?.version };
}

function astPackageKey(p: ast.PackageNameAst): string {
  return (p.key ??= packageNameString(astPackageName(p)));
}

/** Builds one package from the files that make it up (wit-parser's `Resolver`). */
export class PackageBuilder {
  private packageName?: { name: PackageName; span: Span };
  private packageDocs?: string;
  private readonly declLists: ast.AstItem[][] = [];
  private readonly types: TypeDef[] = [];
  private readonly interfaces: Interface[] = [];
  private readonly worlds: World[] = [];
  private readonly anonTypes = new Map<string, TypeId>();
  /** anonymous types with two operands (result, map, fixed-size list, future, stream): tag → numeric pair key → id */
  private readonly anonPairs = new Map<string, Map<number | string, TypeId>>();
  private readonly anonBorrows = new Map<Type, TypeId>();
  private readonly anonLists = new Map<Type, TypeId>();
  private readonly anonOptions = new Map<Type, TypeId>();
  private curAst = 0;
  private readonly astItems: Map<string, AstItemRef>[] = [];
  private readonly packageItems = new Map<string, AstItemRef>();
  /** names visible in each interface: set when a local interface is resolved, filled on demand for a foreign one */
  private readonly interfaceTypes: (Map<string, NameEntry> | undefined)[] = [];
  private readonly foreignDeps = new Map<string, ForeignDep>();
  private readonly foreignInterfaces = new Set<InterfaceId>();
  private typeLookup = new Map<string, NameEntry>();
  private readonly requiredResourceTypes: { id: TypeId; span: Span }[] = [];
  private readonly declaredScratch = new Set<string>();

  constructor(private readonly sources: SourceMap) {}

  private err(code: WitErrorCode, span: Span, msg: string, hint?: string): never {
    throw new WitError(code, msg, { span, sources: this.sources, hint });
  }

  push(file: ast.PackageFile): void {
    const cur = file.packageId;
    if (cur) {
      const name = astPackageName(cur);
      if (this.packageName && packageNameString(this.packageName.name) !== packageNameString(name)) {
        this.err('wit-package', cur.span, `package identifier \`${packageNameString(name)}\` does not match previous package name of \`${packageNameString(this.packageName.name)}\``);
      }
      this.packageName = { name, span: cur.span };
      const docs = docsText(cur.docs.lines);
      if (docs !== undefined) {
        if (this.packageDocs !== undefined) this.err('wit-package', cur.docs.span, "found doc comments on multiple 'package' items");
        this.packageDocs = docs;
      }
    }
    for (const item of file.items) {
      if (item.kind === 'package') this.err('wit-syntax', item.span, 'nested packages must be placed at the top-level');
    }
    this.declLists.push(file.items);
  }

  resolve(): UnresolvedPackage {
    if (!this.packageName) {
      throw new WitError('wit-package', 'no `package` header was found in any WIT file for this package', { hint: 'start one file with `package namespace:name;`' });
    }
    const lists = this.declLists;
    this.populateForeignDeps(lists);
    const { ifaceOrder, worldOrder } = this.populateAstItems(lists);
    this.populateForeignTypes(lists);
    const ifaceAst = new Map<InterfaceId, [ast.InterfaceAst, number]>();
    const worldAst = new Map<WorldId, [ast.WorldAst, number]>();
    lists.forEach((list, i) => {
      for (const item of list) {
        if (item.kind === 'interface') ifaceAst.set(this.astItems[i]!.get(item.iface.name.name)!.id, [item.iface, i]);
        else if (item.kind === 'world') worldAst.set(this.astItems[i]!.get(item.world.name.name)!.id, [item.world, i]);
      }
    });
    for (const id of ifaceOrder) {
      const [iface, i] = ifaceAst.get(id)!;
      this.curAst = i;
      this.resolveInterface(id, iface.items, iface.docs, iface.attributes);
    }
    for (const id of worldOrder) {
      const [world, i] = worldAst.get(id)!;
      this.curAst = i;
      this.resolveWorld(id, world);
    }
    return {
      name: this.packageName.name,
      nameSpan: this.packageName.span,
      docs: this.packageDocs,
      worlds: this.worlds,
      interfaces: this.interfaces,
      types: this.types,
      foreignDeps: this.foreignDeps,
      requiredResourceTypes: this.requiredResourceTypes,
    };
  }

  private allocInterface(span: Span): InterfaceId {
    this.interfaceTypes.push(undefined);
    this.interfaces.push({ name: undefined, types: new Map(), functions: new Map(), docs: undefined, stability: UNKNOWN_STABILITY, package: undefined, span, cloneOf: undefined });
    return this.interfaces.length - 1;
  }

  private allocWorld(span: Span): WorldId {
    this.worlds.push({ name: '', imports: new Map(), exports: new Map(), package: undefined, docs: undefined, stability: UNKNOWN_STABILITY, includes: [], span });
    return this.worlds.length - 1;
  }

  private allocType(def: TypeDef): TypeId {
    this.types.push(def);
    return this.types.length - 1;
  }

  private populateForeignDeps(lists: ast.AstItem[][]): void {
    for (const list of lists) {
      forEachPath(list, (_iface, attrs, path, _names, kind) => {
        if (path.kind !== 'package') return;
        const stability = this.stability(attrs);
        const key = astPackageKey(path.pkg);
        let deps = this.foreignDeps.get(key);
        if (!deps) {
          deps = { name: astPackageName(path.pkg), span: path.pkg.span, items: new Map() };
          this.foreignDeps.set(key, deps);
        }
        let entry = deps.items.get(path.name.name);
        if (!entry) {
          const item: AstItemRef = kind === 'world'
            ? { tag: 'world', id: this.allocWorld(path.name.span) }
            : { tag: 'interface', id: this.allocInterface(path.name.span) };
          entry = { item, stabilities: [] };
          deps.items.set(path.name.name, entry);
        }
        entry.stabilities.push(stability);
        if (entry.item.tag === 'interface') this.foreignInterfaces.add(entry.item.id);
      });
    }
  }

  private populateAstItems(lists: ast.AstItem[][]): { ifaceOrder: InterfaceId[]; worldOrder: WorldId[] } {
    const packageItemSpans = new Map<string, Span>();
    const names = new Map<string, ast.AstItem>();
    const order = new Map<string, ast.Id[]>();
    for (const list of lists) {
      for (const item of list) {
        if (item.kind !== 'interface' && item.kind !== 'world') continue;
        const id = item.kind === 'interface' ? item.iface.name : item.world.name;
        if (packageItemSpans.has(id.name)) this.err('wit-duplicate', id.span, `duplicate item named \`${id.name}\``);
        packageItemSpans.set(id.name, id.span);
        order.set(id.name, []);
        names.set(id.name, item);
      }
    }
    for (const list of lists) {
      const ns = new Map<string, { span: Span; local?: ast.Id }>();
      for (const item of list) {
        let name: ast.Id;
        let local: ast.Id | undefined;
        if (item.kind === 'use') {
          name = item.use.as ?? (item.use.item.kind === 'id' ? item.use.item.id : item.use.item.name);
          local = item.use.item.kind === 'id' ? item.use.item.id : undefined;
        } else if (item.kind === 'interface') name = local = item.iface.name;
        else if (item.kind === 'world') name = local = item.world.name;
        else continue;
        if (ns.has(name.name)) this.err('wit-duplicate', name.span, `duplicate name \`${name.name}\` in this file`);
        ns.set(name.name, { span: name.span, local });
      }
      forEachPath(list, (iface, _attrs, path) => {
        if (!iface || path.kind !== 'id') return;
        const used = path.id;
        const entry = ns.get(used.name);
        if (entry) {
          if (entry.local) order.get(iface.name)!.push(entry.local);
          return;
        }
        if (packageItemSpans.has(used.name)) order.get(iface.name)!.push(used);
        else this.err('wit-unknown-name', used.span, `interface or world \`${used.name}\` does not exist`);
      });
    }
    const sorted = toposort('interface or world', order, this.sources);
    const ids = new Map<string, AstItemRef>();
    const ifaceOrder: InterfaceId[] = [];
    const worldOrder: WorldId[] = [];
    for (const name of sorted) {
      const item = names.get(name)!;
      if (item.kind === 'interface') {
        const id = this.allocInterface(packageItemSpans.get(name)!);
        this.interfaces[id]!.name = name;
        ids.set(name, { tag: 'interface', id });
        ifaceOrder.push(id);
      } else {
        const id = this.allocWorld(packageItemSpans.get(name)!);
        this.worlds[id]!.name = name;
        ids.set(name, { tag: 'world', id });
        worldOrder.push(id);
      }
    }
    for (const list of lists) {
      const items = new Map<string, AstItemRef>();
      for (const item of list) {
        if (item.kind === 'use') {
          const u = item.use;
          if (u.attributes.length > 0) this.err('wit-syntax', u.span, 'attributes not allowed on top-level use');
          const name = u.as ?? (u.item.kind === 'id' ? u.item.id : u.item.name);
          let ref: AstItemRef | undefined;
          if (u.item.kind === 'id') {
            ref = ids.get(u.item.id.name);
            if (!ref) this.err('wit-unknown-name', u.item.id.span, `interface or world \`${u.item.id.name}\` does not exist`);
          } else {
            ref = this.foreignDeps.get(astPackageKey(u.item.pkg))!.items.get(u.item.name.name)!.item;
          }
          items.set(name.name, ref);
        } else if (item.kind === 'interface' || item.kind === 'world') {
          const name = item.kind === 'interface' ? item.iface.name.name : item.world.name.name;
          const ref = ids.get(name)!;
          items.set(name, ref);
          this.packageItems.set(name, ref);
        }
      }
      this.astItems.push(items);
    }
    return { ifaceOrder, worldOrder };
  }

  private populateForeignTypes(lists: ast.AstItem[][]): void {
    lists.forEach((list, i) => {
      this.curAst = i;
      forEachPath(list, (_iface, attrs, path, names) => {
        if (!names) return;
        const stability = this.stability(attrs);
        const externalId = this.externalId(attrs);
        const { item, name, span } = this.resolveAstItemPath(path);
        const iface = this.ifaceFromItem(item, name, span);
        if (!this.foreignInterfaces.has(iface)) return;
        const lookup = (this.interfaceTypes[iface] ??= new Map());
        for (const n of names) {
          if (lookup.has(n.name.name)) continue;
          const id = this.allocType(newTypeDef(n.name.name, { tag: 'unknown' }, { tag: 'interface', id: iface }, stability, n.name.span, undefined, externalId));
          lookup.set(n.name.name, { tag: 'type', id, span: n.name.span });
          this.interfaces[iface]!.types.set(n.name.name, id);
        }
      });
    });
  }

  private resolveWorld(worldId: WorldId, world: ast.WorldAst): void {
    const w = this.worlds[worldId]!;
    w.docs = docsText(world.docs.lines);
    w.stability = this.stability(world.attributes);
    this.resolveTypes({ tag: 'world', id: worldId }, world.items);
    for (const it of world.items) if (it.kind === 'include') this.resolveInclude(worldId, it.include);
    for (const [name, entry] of this.typeLookup) {
      if (entry.tag !== 'type') continue;
      const span = entry.span;
      if (w.imports.has(name)) this.err('wit-world', span, `import \`${name}\` conflicts with prior import of same name`);
      w.imports.set(name, { tag: 'type', id: entry.id, span });
    }
    const imported = new Set<InterfaceId>();
    const exported = new Set<InterfaceId>();
    for (const it of world.items) {
      if (it.kind === 'type') {
        if (it.def.ty.kind === 'resource') {
          for (const f of it.def.ty.funcs) {
            const func = this.resolveResourceFunc(f, it.def.name);
            w.imports.set(func.name, { tag: 'function', func });
          }
        }
        continue;
      }
      if (it.kind !== 'import' && it.kind !== 'export') continue;
      const desc = it.kind;
      const kind = it.extern;
      const worldItem = this.resolveWorldItem(it.docs, it.attributes, kind);
      let key: WorldKey;
      if (kind.kind === 'interface' || kind.kind === 'named-path') key = kind.name.name;
      else if (kind.kind === 'func') key = (worldItem as { func: WitFunction }).func.name;
      else key = (worldItem as { id: InterfaceId }).id;
      const kindSpan = externSpan(kind);
      if (typeof key === 'number') {
        const set = desc === 'import' ? imported : exported;
        if (set.has(key)) this.err('wit-world', kindSpan, `interface cannot be ${desc}ed more than once`);
        set.add(key);
      }
      const dst = desc === 'import' ? w.imports : w.exports;
      const prev = dst.get(key);
      if (prev) {
        const prevKind = prev.tag === 'function' ? 'func' : prev.tag;
        this.err('wit-world', kindSpan, `${desc} \`${String(key)}\` conflicts with prior ${prevKind} of same name`);
      }
      dst.set(key, worldItem);
    }
    this.typeLookup.clear();
  }

  private resolveWorldItem(docs: ast.Docs, attrs: ast.Attribute[], kind: ast.ExternKind): WorldItem {
    switch (kind.kind) {
      case 'interface': {
        const prev = this.typeLookup;
        this.typeLookup = new Map();
        const id = this.allocInterface(kind.name.span);
        this.resolveInterface(id, kind.items, docs, attrs);
        this.typeLookup = prev;
        return { tag: 'interface', id, stability: this.interfaces[id]!.stability, span: kind.name.span, externalId: this.externalId(attrs) };
      }
      case 'path':
      case 'named-path': {
        const stability = this.stability(attrs);
        const externalId = this.externalId(attrs);
        const { item, name, span } = this.resolveAstItemPath(kind.path);
        const id = this.ifaceFromItem(item, name, span);
        return { tag: 'interface', id, stability, externalId, docs: docsText(docs.lines), span: kind.kind === 'path' ? span : kind.name.span };
      }
      case 'func': {
        const func = this.resolveFunction(docs, attrs, kind.name.name, kind.name.span, kind.func, { tag: kind.func.async ? 'async-freestanding' : 'freestanding' });
        return { tag: 'function', func };
      }
    }
  }

  private resolveInterface(id: InterfaceId, items: ast.InterfaceItem[], docs: ast.Docs, attrs: ast.Attribute[]): void {
    const iface = this.interfaces[id]!;
    iface.docs = docsText(docs.lines);
    iface.stability = this.stability(attrs);
    this.resolveTypes({ tag: 'interface', id }, items);
    for (const [name, entry] of this.typeLookup) if (entry.tag === 'type') iface.types.set(name, entry.id);
    const funcs: WitFunction[] = [];
    for (const it of items) {
      if (it.kind === 'func') {
        this.defineName(it.func.name, { tag: 'item', what: 'function', span: it.func.name.span });
        funcs.push(this.resolveFunction(it.func.docs, it.func.attributes, it.func.name.name, it.func.name.span, it.func.func, {
          tag: it.func.func.async ? 'async-freestanding' : 'freestanding',
        }));
      } else if (it.kind === 'type' && it.def.ty.kind === 'resource') {
        for (const f of it.def.ty.funcs) funcs.push(this.resolveResourceFunc(f, it.def.name));
      }
    }
    for (const f of funcs) iface.functions.set(f.name, f);
    this.interfaceTypes[id] = this.typeLookup;
    this.typeLookup = new Map();
  }

  /** Resolves the `use`s and type definitions among an interface's or world's items, skipping the rest. */
  private resolveTypes(owner: TypeOwner, items: readonly (ast.InterfaceItem | ast.WorldItemAst)[]): void {
    for (const it of items) if (it.kind === 'use') this.resolveUse(owner, it.use);
    if (this.typesInDeclarationOrder(items)) {
      for (const it of items) if (it.kind === 'type') this.defineTypeDef(owner, it.def);
      return;
    }
    const deps = new Map<string, ast.Id[]>();
    const defs = new Map<string, ast.TypeDefAst | undefined>();
    for (const it of items) {
      if (it.kind === 'type') {
        const t = it.def;
        if (defs.has(t.name.name)) this.err('wit-duplicate', t.name.span, `name \`${t.name.name}\` is defined more than once`);
        defs.set(t.name.name, t);
        const d: ast.Id[] = [];
        collectDeps(t.ty, d);
        deps.set(t.name.name, d);
      } else if (it.kind === 'use') {
        for (const n of it.use.names) {
          const name = (n.as ?? n.name).name;
          deps.set(name, []);
          defs.set(name, undefined);
        }
      }
    }
    let order: Iterable<string>;
    try {
      order = toposort('type', deps, this.sources);
    } catch (e) {
      if (e instanceof WitError && e.code === 'wit-unknown-name') {
        const m = /`(float32|float64)`/.exec(e.message);
        if (m) {
          const renamed = m[1] === 'float32' ? 'f32' : 'f64';
          this.err('wit-unknown-name', e.witSpan!, e.message, `the \`${m[1]}\` type has been renamed to \`${renamed}\``);
        }
      }
      throw e;
    }
    for (const name of order) {
      const def = defs.get(name);
      defs.delete(name);
      if (def) this.defineTypeDef(owner, def);
    }
  }

  /**
   * Whether the type definitions can be resolved in the order they are written: no name is defined twice, and each
   * refers only to names `use`d in this scope or defined before it (what toposort would return anyway). Usually
   * true, and then no dependency graph is built.
   */
  private typesInDeclarationOrder(items: readonly (ast.InterfaceItem | ast.WorldItemAst)[]): boolean {
    const declared = this.declaredScratch;
    declared.clear();
    let ok = true;
    for (const it of items) {
      if (it.kind !== 'type') continue;
      const name = it.def.name.name;
      if (declared.has(name) || this.typeLookup.has(name)) {
        ok = false;
        break;
      }
      if (!depsDeclared(it.def.ty, declared, this.typeLookup)) {
        ok = false;
        break;
      }
      declared.add(name);
    }
    declared.clear();
    return ok;
  }

  private defineTypeDef(owner: TypeOwner, def: ast.TypeDefAst): void {
    const docs = docsText(def.docs.lines);
    const stability = this.stability(def.attributes);
    const externalId = this.externalId(def.attributes);
    const kind = this.resolveTypeDef(def.ty, stability);
    const id = this.allocType(newTypeDef(def.name.name, kind, owner, stability, def.name.span, docs, externalId));
    this.defineName(def.name, { tag: 'type', id, span: def.name.span });
  }

  private resolveUse(owner: TypeOwner, u: ast.UseAst): void {
    const { item, name, span } = this.resolveAstItemPath(u.from);
    const from = this.ifaceFromItem(item, name, span);
    const stability = this.stability(u.attributes);
    const externalId = this.externalId(u.attributes);
    for (const n of u.names) {
      const found = this.interfaceTypes[from]?.get(n.name.name);
      if (!found) this.err('wit-unknown-name', n.name.span, `name \`${n.name.name}\` does not exist`);
      if (found.tag === 'item') this.err('wit-unknown-name', n.name.span, `cannot import ${found.what} \`${n.name.name}\``);
      const local = n.as ?? n.name;
      const id = this.allocType(newTypeDef(local.name, { tag: 'type', type: found.id }, owner, stability, n.name.span, undefined, externalId));
      this.defineName(local, { tag: 'type', id, span: local.span });
    }
  }

  private resolveInclude(worldId: WorldId, inc: ast.IncludeAst): void {
    const stability = this.stability(inc.attributes);
    const { item, name, span } = this.resolveAstItemPath(inc.from);
    const id = this.worldFromItem(item, name, span);
    this.worlds[worldId]!.includes.push({ stability, id, names: inc.names.map((n) => ({ name: n.name.name, as: n.as.name })), span });
  }

  private resolveResourceFunc(f: ast.ResourceFunc, resource: ast.Id): WitFunction {
    const found = this.typeLookup.get(resource.name);
    if (!found || found.tag !== 'type') throw new Error('type lookup for resource failed');
    const rid = found.id;
    const nf = f.func;
    let name: string;
    let kind: FunctionKind;
    if (f.kind === 'method') {
      name = `[method]${resource.name}.${nf.name.name}`;
      kind = { tag: nf.func.async ? 'async-method' : 'method', resource: rid };
    } else if (f.kind === 'static') {
      name = `[static]${resource.name}.${nf.name.name}`;
      kind = { tag: nf.func.async ? 'async-static' : 'static', resource: rid };
    } else {
      name = `[constructor]${resource.name}`;
      kind = { tag: 'constructor', resource: rid };
    }
    return this.resolveFunction(nf.docs, nf.attributes, name, nf.name.span, nf.func, kind);
  }

  private resolveFunction(docs: ast.Docs, attrs: ast.Attribute[], name: string, span: Span, func: ast.FuncAst, kind: FunctionKind): WitFunction {
    const d = docsText(docs.lines);
    const stability = this.stability(attrs);
    const externalId = this.externalId(attrs);
    const params = this.resolveParams(func, kind);
    const result = this.resolveResult(func, kind);
    return { docs: d, stability, name, kind, params, result, span, externalId };
  }

  private resolveParams(func: ast.FuncAst, kind: FunctionKind): Param[] {
    const ret: Param[] = [];
    if (kind.tag === 'method' || kind.tag === 'async-method') {
      let shared = this.anonBorrows.get(kind.resource);
      if (shared === undefined) {
        const k: TypeDefKind = { tag: 'handle', handle: 'borrow', resource: kind.resource };
        shared = this.internSingle(this.anonBorrows, kind.resource, newTypeDef(undefined, k, NO_OWNER, this.findStability(k, UNKNOWN_STABILITY), func.span));
      }
      ret.push({ name: 'self', type: shared, span: func.span });
    }
    for (const p of func.params) {
      let dup = false;
      for (let k = 0; k < ret.length; k++) if (ret[k]!.name === p.name.name) dup = true;
      if (dup) this.err('wit-duplicate', p.name.span, `param \`${p.name.name}\` is defined more than once`);
      ret.push({ name: p.name.name, type: this.resolveType(p.ty, UNKNOWN_STABILITY), span: p.name.span });
    }
    return ret;
  }

  private resolveResult(func: ast.FuncAst, kind: FunctionKind): Type | undefined {
    if (kind.tag !== 'constructor') return func.result ? this.resolveType(func.result, UNKNOWN_STABILITY) : undefined;
    if (!func.result) return kind.resource;
    const result = this.resolveType(func.result, UNKNOWN_STABILITY);
    const def = typeof result === 'number' ? this.types[result]! : undefined;
    if (!def || def.kind.tag !== 'result') {
      this.err('wit-invalid-type', func.result.span, 'if a constructor return type is declared it must be a `result`');
    }
    if (def.kind.ok !== kind.resource) {
      const r = func.result;
      const span = r.kind === 'result' && r.ok ? r.ok.span : r.span;
      this.err('wit-invalid-type', span, 'the `ok` type must be the resource being constructed');
    }
    return result;
  }

  private resolveAstItemPath(path: ast.UsePath): { item: AstItemRef; name: string; span: Span } {
    if (path.kind === 'id') {
      const item = this.astItems[this.curAst]!.get(path.id.name) ?? this.packageItems.get(path.id.name);
      if (!item) this.err('wit-unknown-name', path.id.span, `interface or world \`${path.id.name}\` does not exist`);
      return { item, name: path.id.name, span: path.id.span };
    }
    const dep = this.foreignDeps.get(astPackageKey(path.pkg))!;
    return { item: dep.items.get(path.name.name)!.item, name: path.name.name, span: path.name.span };
  }

  private ifaceFromItem(item: AstItemRef, name: string, span: Span): InterfaceId {
    if (item.tag === 'world') this.err('wit-unknown-name', span, `name \`${name}\` is defined as a world, not an interface`);
    return item.id;
  }

  private worldFromItem(item: AstItemRef, name: string, span: Span): WorldId {
    if (item.tag === 'interface') this.err('wit-unknown-name', span, `name \`${name}\` is defined as an interface, not a world`);
    return item.id;
  }

  private defineName(name: ast.Id, entry: NameEntry): void {
    if (this.typeLookup.has(name.name)) this.err('wit-duplicate', name.span, `name \`${name.name}\` is defined more than once`);
    this.typeLookup.set(name.name, entry);
  }

  private resolveTypeDef(ty: ast.TypeAst, stability: Stability): TypeDefKind {
    switch (ty.kind) {
      case 'prim': return { tag: 'type', type: ty.name };
      case 'name': return { tag: 'type', type: this.resolveTypeName(ty.id) };
      case 'list': return { tag: 'list', type: this.resolveType(ty.ty, stability) };
      case 'fixed-list': return { tag: 'fixed-length-list', type: this.resolveType(ty.ty, stability), size: ty.size };
      case 'map': {
        const key = this.resolveType(ty.key, stability);
        const value = this.resolveType(ty.value, stability);
        if (typeof key !== 'string' || !MAP_KEYS.has(key)) {
          this.err('wit-invalid-type', ty.span, 'invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string');
        }
        return { tag: 'map', key, value };
      }
      case 'own':
      case 'borrow':
        return { tag: 'handle', handle: ty.kind, resource: this.validateResource(ty.resource) };
      case 'resource': {
        let ctors = 0;
        const names = new Set<string>();
        if (ty.funcs.length > 1) for (const f of ty.funcs) {
          if (f.kind === 'constructor') {
            if (++ctors > 1) this.err('wit-duplicate', f.func.name.span, 'duplicate constructors');
          } else {
            if (names.has(f.func.name.name)) this.err('wit-duplicate', f.func.name.span, `duplicate function name \`${f.func.name.name}\``);
            names.add(f.func.name.name);
          }
        }
        return { tag: 'resource' };
      }
      case 'record':
        return { tag: 'record', fields: ty.fields.map((f) => ({ docs: docsText(f.docs.lines), name: f.name.name, type: this.resolveType(f.ty, stability), span: f.name.span })) };
      case 'flags':
        return { tag: 'flags', flags: ty.flags.map((f) => ({ docs: docsText(f.docs.lines), name: f.name.name, span: f.name.span })) };
      case 'tuple':
        return { tag: 'tuple', types: ty.types.map((t) => this.resolveType(t, stability)) };
      case 'variant':
        if (ty.cases.length === 0) this.err('wit-invalid-type', ty.span, 'empty variant');
        return {
          tag: 'variant',
          cases: ty.cases.map((c) => ({ docs: docsText(c.docs.lines), name: c.name.name, type: c.ty ? this.resolveType(c.ty, stability) : undefined, span: c.name.span })),
        };
      case 'enum':
        if (ty.cases.length === 0) this.err('wit-invalid-type', ty.span, 'empty enum');
        return { tag: 'enum', cases: ty.cases.map((c) => ({ docs: docsText(c.docs.lines), name: c.name.name, span: c.name.span })) };
      case 'option': return { tag: 'option', type: this.resolveType(ty.ty, stability) };
      case 'result':
        return { tag: 'result', ok: ty.ok ? this.resolveType(ty.ok, stability) : undefined, err: ty.err ? this.resolveType(ty.err, stability) : undefined };
      case 'future':
      case 'stream':
        return { tag: ty.kind, type: ty.ty ? this.resolveType(ty.ty, stability) : undefined };
    }
  }

  private resolveTypeName(name: ast.Id): TypeId {
    const found = this.typeLookup.get(name.name);
    if (!found) this.err('wit-unknown-name', name.span, `name \`${name.name}\` does not exist`);
    if (found.tag === 'item') this.err('wit-unknown-name', name.span, `cannot use ${found.what} \`${name.name}\` as a type`);
    return found.id;
  }

  private validateResource(name: ast.Id): TypeId {
    const id = this.resolveTypeName(name);
    let cur = id;
    for (;;) {
      const k = this.types[cur]!.kind;
      if (k.tag === 'resource') return id;
      if (k.tag === 'type' && typeof k.type === 'number') cur = k.type;
      else if (k.tag === 'unknown') {
        this.requiredResourceTypes.push({ id: cur, span: name.span });
        return id;
      } else this.err('wit-invalid-type', name.span, `type \`${name.name}\` used in a handle must be a resource`);
    }
  }

  private findStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.tag !== 'unknown') return stability;
    const inType = (t: Type | undefined): Stability | undefined => {
      if (typeof t !== 'number') return undefined;
      const s = this.types[t]!.stability;
      return s.tag !== 'unknown' ? s : undefined;
    };
    let found: Stability | undefined;
    switch (kind.tag) {
      case 'type': found = inType(kind.type); break;
      case 'handle': found = inType(kind.resource); break;
      case 'tuple': for (const t of kind.types) if ((found = inType(t))) break; break;
      case 'list': case 'fixed-length-list': case 'option': found = inType(kind.type); break;
      case 'map': found = inType(kind.key) ?? inType(kind.value); break;
      case 'future': case 'stream': found = inType(kind.type); break;
      case 'result': found = inType(kind.ok) ?? inType(kind.err); break;
      default: found = undefined;
    }
    return found ?? UNKNOWN_STABILITY;
  }

  private resolveType(ty: ast.TypeAst, stability: Stability): Type {
    // the commonest references need no anonymous type definition: build one only when it is kept
    switch (ty.kind) {
      case 'prim': return ty.name;
      case 'name': return this.resolveTypeName(ty.id);
      case 'own': return this.validateResource(ty.resource);
      case 'list': case 'option': case 'borrow': {
        const inner = ty.kind === 'borrow' ? this.validateResource(ty.resource) : this.resolveType((ty as { ty: ast.TypeAst }).ty, stability);
        const map = ty.kind === 'list' ? this.anonLists : ty.kind === 'option' ? this.anonOptions : this.anonBorrows;
        const known = map.get(inner);
        if (known !== undefined) return known;
        const kind: TypeDefKind = ty.kind === 'borrow' ? { tag: 'handle', handle: 'borrow', resource: inner as TypeId } : { tag: ty.kind, type: inner };
        const id = this.allocType(newTypeDef(undefined, kind, NO_OWNER, this.findStability(kind, stability), ty.span));
        map.set(inner, id);
        return id;
      }
    }
    const kind = this.resolveTypeDef(ty, stability);
    return this.anonTypeDef(newTypeDef(undefined, kind, NO_OWNER, this.findStability(kind, stability), ty.span));
  }

  private anonTypeDef(def: TypeDef): Type {
    const k = def.kind;
    let key: string;
    switch (k.tag) {
      case 'type': return k.type;
      case 'handle':
        if (k.handle === 'own') return k.resource;
        return this.internSingle(this.anonBorrows, k.resource, def);
      case 'list': return this.internSingle(this.anonLists, k.type, def);
      case 'option': return this.internSingle(this.anonOptions, k.type, def);
      case 'variant': key = `variant ${k.cases.map((c) => `${c.name}=${typeKey(c.type)}`).join(' ')}`; break;
      case 'record': key = `record ${k.fields.map((f) => `${f.name}=${typeKey(f.type)}`).join(' ')}`; break;
      case 'flags': key = `flags ${k.flags.map((f) => f.name).join(' ')}`; break;
      case 'enum': key = `enum ${k.cases.map((f) => f.name).join(' ')}`; break;
      case 'tuple': key = `tuple ${k.types.map(typeKey).join(' ')}`; break;
      case 'map': return this.internPair(k.tag, k.key, k.value, def);
      case 'fixed-length-list': return this.internPair(k.tag, k.type, k.size, def);
      case 'result': return this.internPair(k.tag, k.ok, k.err, def);
      case 'future': case 'stream': return this.internPair(k.tag, k.type, undefined, def);
      default: throw new Error(`anonymous ${k.tag}`);
    }
    let id = this.anonTypes.get(key);
    if (id === undefined) {
      id = this.allocType(def);
      this.anonTypes.set(key, id);
    }
    return id;
  }

  /** Interns by structure without building a string key (these are the common anonymous types). */
  private internPair(tag: string, a: Type | undefined, b: Type | number | undefined, def: TypeDef): TypeId {
    let byTag = this.anonPairs.get(tag);
    if (byTag === undefined) this.anonPairs.set(tag, (byTag = new Map()));
    // the first operand is a type (code below 2^20 for any realistic arena), the second a type or a u32 size
    // (code below 2^33): the combined number is exact below 2^53; beyond that fall back to a string key
    const first = operandCode(a);
    const key: number | string = first < 0x100000 ? first * 0x200000000 + operandCode(b) : `${first} ${operandCode(b)}`;
    let id = byTag.get(key);
    if (id === undefined) {
      id = this.allocType(def);
      byTag.set(key, id);
    }
    return id;
  }

  private internSingle(map: Map<Type, TypeId>, inner: Type, def: TypeDef): TypeId {
    let id = map.get(inner);
    if (id === undefined) {
      id = this.allocType(def);
      map.set(inner, id);
    }
    return id;
  }

  private stability(attrs: ast.Attribute[]): Stability {
    if (attrs.length === 0) return UNKNOWN_STABILITY;
    let since: string | undefined;
    let sinceSpan: Span = NO_SPAN;
    let deprecated: string | undefined;
    let deprecatedSpan: Span = NO_SPAN;
    let unstable: string | undefined;
    for (const a of attrs) {
      if (a.kind === 'since') {
        if (since !== undefined) this.err('wit-gate', a.span, 'cannot specify @since twice');
        since = a.version;
        sinceSpan = a.span;
      } else if (a.kind === 'deprecated') {
        if (deprecated !== undefined) this.err('wit-gate', a.span, 'cannot specify @deprecated twice');
        deprecated = a.version;
        deprecatedSpan = a.span;
      } else if (a.kind === 'unstable') {
        if (unstable !== undefined) this.err('wit-gate', a.span, 'cannot specify @unstable twice');
        unstable = a.feature.name;
      }
    }
    if (since !== undefined && unstable !== undefined) this.err('wit-gate', sinceSpan, 'cannot specify both @since and @unstable');
    if (since !== undefined) return deprecated !== undefined ? { tag: 'stable', since, deprecated } : { tag: 'stable', since };
    if (unstable !== undefined) return deprecated !== undefined ? { tag: 'unstable', feature: unstable, deprecated } : { tag: 'unstable', feature: unstable };
    if (deprecated !== undefined) this.err('wit-gate', deprecatedSpan, 'cannot specify both @deprecated without @since or @unstable');
    return UNKNOWN_STABILITY;
  }

  private externalId(attrs: ast.Attribute[]): string | undefined {
    if (attrs.length === 0) return undefined;
    let id: string | undefined;
    for (const a of attrs) {
      if (a.kind !== 'external-id') continue;
      if (id !== undefined) this.err('wit-syntax', a.span, 'cannot specify @external-id twice');
      id = a.id;
    }
    return id;
  }
}

function externSpan(kind: ast.ExternKind): Span {
  switch (kind.kind) {
    case 'interface': case 'func': case 'named-path': return kind.name.span;
    case 'path': return kind.path.kind === 'id' ? kind.path.id.span : kind.path.name.span;
  }
}

/** Whether every name `ty` refers to is in `declared` or `used` (without building the list of them). */
function depsDeclared(ty: ast.TypeAst, declared: Set<string>, used: Map<string, unknown>): boolean {
  switch (ty.kind) {
    case 'name': return declared.has(ty.id.name) || used.has(ty.id.name);
    case 'own': case 'borrow': return declared.has(ty.resource.name) || used.has(ty.resource.name);
    case 'record': for (const f of ty.fields) if (!depsDeclared(f.ty, declared, used)) return false; return true;
    case 'tuple': for (const t of ty.types) if (!depsDeclared(t, declared, used)) return false; return true;
    case 'variant': for (const c of ty.cases) if (c.ty && !depsDeclared(c.ty, declared, used)) return false; return true;
    case 'option': case 'list': case 'fixed-list': return depsDeclared(ty.ty, declared, used);
    case 'map': return depsDeclared(ty.key, declared, used) && depsDeclared(ty.value, declared, used);
    case 'result': return (!ty.ok || depsDeclared(ty.ok, declared, used)) && (!ty.err || depsDeclared(ty.err, declared, used));
    case 'future': case 'stream': return !ty.ty || depsDeclared(ty.ty, declared, used);
    default: return true;
  }
}

function collectDeps(ty: ast.TypeAst, deps: ast.Id[]): void {
  switch (ty.kind) {
    case 'name': deps.push(ty.id); break;
    case 'own': case 'borrow': deps.push(ty.resource); break;
    case 'record': for (const f of ty.fields) collectDeps(f.ty, deps); break;
    case 'tuple': for (const t of ty.types) collectDeps(t, deps); break;
    case 'variant': for (const c of ty.cases) if (c.ty) collectDeps(c.ty, deps); break;
    case 'option': case 'list': case 'fixed-list': collectDeps(ty.ty, deps); break;
    case 'map': collectDeps(ty.key, deps); collectDeps(ty.value, deps); break;
    case 'result': if (ty.ok) collectDeps(ty.ok, deps); if (ty.err) collectDeps(ty.err, deps); break;
    case 'future': case 'stream': if (ty.ty) collectDeps(ty.ty, deps); break;
    default: break;
  }
}
