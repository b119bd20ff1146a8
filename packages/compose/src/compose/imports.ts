import type { Alias, Component, ComponentTypeDecl, DefinedType, ExternType, Import, InstanceTypeDecl, Sort, TypeDef, ValType } from '@weld/binary';
import { unionInstanceDecls } from '../graph/union.js';
import { ComponentBuilder } from './builder.js';
import { ComposeError } from './errors.js';

/** How an index of a component's type or instance space came to be, as far as copying its imports needs. */
type Origin =
  | { kind: 'def'; def: TypeDef }
  | { kind: 'alias'; alias: Alias }
  | { kind: 'import'; item: Import }
  | { kind: 'local'; what: string };

/** One import of a component: its name, sort and the declaration to copy. */
export interface ComponentImport {
  name: string;
  sort: Sort;
  item: Import;
}

export interface ComponentExport {
  name: string;
  sort: Sort;
}

/** The top-level index spaces of a decoded component, with the origin of every type, instance and func. */
export class ComponentSpaces {
  readonly types: Origin[] = [];
  readonly instances: Origin[] = [];
  readonly funcs: Origin[] = [];
  readonly imports: ComponentImport[] = [];
  readonly exports: ComponentExport[] = [];

  constructor(readonly component: Component) {
    for (const s of component.sections) {
      switch (s.kind) {
        case 'type':
          for (const def of s.items) this.types.push({ kind: 'def', def });
          break;
        case 'import':
          for (const item of s.items) {
            const sort = externSort(item.type);
            this.imports.push({ name: item.name.name, sort, item });
            this.space(sort)?.push({ kind: 'import', item });
          }
          break;
        case 'alias':
          for (const alias of s.items) if (alias.kind !== 'core-instance-export') this.space(alias.sort)?.push({ kind: 'alias', alias });
          break;
        case 'instance':
          for (let i = 0; i < s.items.length; i++) this.instances.push({ kind: 'local', what: 'an instance defined inside the component' });
          break;
        case 'canon':
          for (const c of s.items) if (c.op === 'lift') this.funcs.push({ kind: 'local', what: 'a lifted function' });
          break;
        case 'export':
          for (const e of s.items) {
            this.exports.push({ name: e.name.name, sort: e.sort });
            this.space(e.sort)?.push({ kind: 'local', what: `the export ${e.name.name}` });
          }
          break;
        default:
          break;
      }
    }
  }

  private space(sort: Sort): Origin[] | undefined {
    if (sort === 'type') return this.types;
    if (sort === 'instance') return this.instances;
    if (sort === 'func') return this.funcs;
    return undefined;
  }
}

function externSort(type: ExternType): Sort {
  switch (type.kind) {
    case 'module': return { core: 'module' };
    case 'instance': case 'func': case 'value': case 'type': case 'component': return type.kind;
  }
}

export interface ImportChoice {
  name: string;
  from: ComponentSpaces;
  imp: ComponentImport;
  /** other declarations of the same instance import whose exports `imp` lacks: the import's type is the union */
  extras?: { from: ComponentSpaces; imp: ComponentImport; names: string[]; nested?: string[] }[];
}

/**
 * Re-declares imports of a nested component in the component being built: the import itself and every type it
 * depends on (type definitions, outer aliases, types exported by other imported instances), remapped into the
 * builder's index spaces. Imports with the same name are declared once and shared by every nested component.
 */
export class ImportForwarder {
  /** import name → index in the builder's space of its sort */
  private readonly declared = new Map<string, number>();
  private readonly copiers = new Map<ComponentSpaces, TypeCopier>();

  /**
   * `choose` maps an import of a nested component to the import of the result that stands for it (a merged,
   * semver-unified name, declared as one chosen component declares it); by default each name is its own.
   */
  constructor(
    private readonly out: ComponentBuilder,
    private readonly choose: (from: ComponentSpaces, imp: ComponentImport) => ImportChoice = (from, imp) => ({ name: imp.name, from, imp }),
  ) {}

  /** Declares (once) the import `name` of `from` in the builder; returns its index there. */
  forward(from: ComponentSpaces, imp: ComponentImport): number {
    const target = this.choose(from, imp);
    const known = this.declared.get(target.name);
    if (known !== undefined) return known;
    const copier = this.copierOf(target.from);
    let type: ExternType;
    if (target.extras?.length) {
      let decls = copier.instanceDecls(target.imp.item.type);
      for (const x of target.extras) {
        const more = this.copierOf(x.from).instanceDecls(x.imp.item.type);
        decls = decls && more && unionInstanceDecls(decls, more, new Set(x.names), new Set(x.nested));
      }
      if (!decls) throw new ComposeError('unsupported-import', `the declarations of import ${target.name} cannot be merged into one instance type (they use core types)`);
      type = { kind: 'instance', type: this.out.addType({ kind: 'instance', decls }) };
    } else type = copier.externType(target.imp.item.type);
    const index = this.out.addImport({ name: { name: target.name, form: 0 }, type });
    this.declared.set(target.name, index);
    return index;
  }

  /**
   * Defines, instead of importing, the type `imp` declares with an `(eq T)` bound: T is copied and exported under the
   * import's name, and what refers to the import refers to the export. Returns the export's type index.
   */
  defineExport(from: ComponentSpaces, imp: ComponentImport): number {
    const t = imp.item.type;
    if (t.kind !== 'type' || t.bound.kind !== 'eq') throw new ComposeError('unsupported-import', `${imp.name} is not a type with a definition, so it cannot be defined`);
    const index = this.copierOf(from).type(t.bound.index);
    const exported = this.out.addExport(imp.name, 'type', index)!;
    this.declared.set(imp.name, exported);
    return exported;
  }

  /** Defines the type of function import `imp` and exports it as type `name`; returns the export's type index. */
  defineFunctionType(from: ComponentSpaces, imp: ComponentImport, name: string): number {
    const t = imp.item.type;
    if (t.kind !== 'func') throw new ComposeError('unsupported-import', `${imp.name} is not a function, so it has no function type`);
    return this.out.addExport(name, 'type', this.copierOf(from).type(t.type))!;
  }

  private copierOf(from: ComponentSpaces): TypeCopier {
    let copier = this.copiers.get(from);
    if (!copier) this.copiers.set(from, (copier = new TypeCopier(from, this.out, this)));
    return copier;
  }
}

/** The names of the imports a declaration of `imp` needs (the interfaces whose types it `use`s), `imp` first. */
export function importClosure(from: ComponentSpaces, imp: ComponentImport): string[] {
  const names: string[] = [];
  const record = (f: ComponentSpaces, i: ComponentImport): ImportChoice => {
    if (!names.includes(i.name)) names.push(i.name);
    return { name: i.name, from: f, imp: i };
  };
  new ImportForwarder(new ComponentBuilder(), record).forward(from, imp);
  return names;
}

/** Copies type definitions of one source component into the builder, memoized per source index. */
class TypeCopier {
  private readonly typeMap = new Map<number, number>();

  constructor(
    private readonly from: ComponentSpaces,
    private readonly out: ComponentBuilder,
    private readonly forwarder: ImportForwarder,
  ) {}

  /** The declarations of an imported instance type, copied into the builder's outer space; undefined if it is not a plain definition. */
  instanceDecls(t: ExternType): InstanceTypeDecl[] | undefined {
    if (t.kind !== 'instance') return undefined;
    const origin = this.from.types[t.type];
    if (origin?.kind !== 'def' || origin.def.kind !== 'instance') return undefined;
    return (this.typeDef(origin.def, 0) as { decls: InstanceTypeDecl[] }).decls;
  }

  externType(t: ExternType): ExternType {
    switch (t.kind) {
      case 'instance': case 'func': case 'component':
        return { kind: t.kind, type: this.type(t.type) };
      case 'type':
        return t.bound.kind === 'eq' ? { kind: 'type', bound: { kind: 'eq', index: this.type(t.bound.index) } } : t;
      case 'value':
        return { kind: 'value', type: this.valType(t.type) };
      case 'module':
        throw new ComposeError('unsupported-import', 'imports of core modules cannot be forwarded by composition');
    }
  }

  private valType(v: ValType): ValType {
    return typeof v === 'number' ? this.type(v) : v;
  }

  /** The builder's index for the source's type `index`, copying its definition on first use. */
  type(index: number): number {
    const done = this.typeMap.get(index);
    if (done !== undefined) return done;
    const origin = this.from.types[index];
    if (!origin) throw new ComposeError('unsupported-import', `type index ${index} is out of range in a nested component`);
    let copied: number;
    if (origin.kind === 'def') copied = this.out.addType(this.typeDef(origin.def, 0));
    else if (origin.kind === 'import') copied = this.forwarder.forward(this.from, { name: origin.item.name.name, sort: 'type', item: origin.item });
    else if (origin.kind === 'alias' && origin.alias.kind === 'instance-export') copied = this.out.addAlias({ ...origin.alias, instance: this.instance(origin.alias.instance) });
    else throw new ComposeError('unsupported-import', `an import depends on ${origin.kind === 'local' ? origin.what : 'an outer alias'}, which composition cannot re-declare`);
    this.typeMap.set(index, copied);
    return copied;
  }

  private instance(index: number): number {
    const origin = this.from.instances[index];
    if (origin?.kind !== 'import') {
      throw new ComposeError('unsupported-import', `an import's type refers to ${origin?.kind === 'local' ? origin.what : `instance ${index}`}, which is not an import`);
    }
    return this.forwarder.forward(this.from, { name: origin.item.name.name, sort: 'instance', item: origin.item });
  }

  /** `depth` counts the instance/component type bodies entered; only at depth 0 do value types index the source's space. */
  private typeDef(def: TypeDef, depth: number): TypeDef {
    switch (def.kind) {
      case 'defined':
        return depth === 0 ? { kind: 'defined', type: this.defined(def.type) } : def;
      case 'func':
        return depth === 0 ? { ...def, params: def.params.map((p) => ({ name: p.name, type: this.valType(p.type) })), result: def.result === undefined ? undefined : this.valType(def.result) } : def;
      case 'instance':
        return { kind: 'instance', decls: def.decls.map((d) => this.decl(d, depth + 1)) as typeof def.decls };
      case 'component':
        return { kind: 'component', decls: def.decls.map((d) => this.decl(d, depth + 1)) };
      case 'resource':
        throw new ComposeError('unsupported-import', 'an import depends on a resource the nested component defines itself');
    }
  }

  /** Inside a type body at `depth`, only outer aliases that reach the source component's own space (count === depth) change. */
  private decl(d: ComponentTypeDecl, depth: number): ComponentTypeDecl {
    if (d.kind === 'alias' && d.alias.kind === 'outer' && d.alias.count === depth) {
      if (d.alias.sort !== 'type') throw new ComposeError('unsupported-import', 'an import type aliases a non-type item of its component');
      return { kind: 'alias', alias: { ...d.alias, index: this.type(d.alias.index) } };
    }
    if (d.kind === 'type' && (d.type.kind === 'instance' || d.type.kind === 'component')) return { kind: 'type', type: this.typeDef(d.type, depth) };
    return d;
  }

  private defined(t: DefinedType): DefinedType {
    const v = (x: ValType) => this.valType(x);
    switch (t.kind) {
      case 'primitive': case 'flags': case 'enum': return t;
      case 'record': return { kind: 'record', fields: t.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
      case 'variant': return { kind: 'variant', cases: t.cases.map((c) => ({ name: c.name, type: c.type === undefined ? undefined : v(c.type) })) };
      case 'list': return { kind: 'list', element: v(t.element) };
      case 'fixed-list': return { kind: 'fixed-list', element: v(t.element), length: t.length };
      case 'map': return { kind: 'map', key: v(t.key), value: v(t.value) };
      case 'tuple': return { kind: 'tuple', types: t.types.map(v) };
      case 'option': return { kind: 'option', type: v(t.type) };
      case 'result': return { kind: 'result', ok: t.ok === undefined ? undefined : v(t.ok), err: t.err === undefined ? undefined : v(t.err) };
      case 'own': case 'borrow': return { kind: t.kind, resource: this.type(t.resource) };
      case 'stream': case 'future': return { kind: t.kind, element: t.element === undefined ? undefined : v(t.element) };
    }
  }
}
