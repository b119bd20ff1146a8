import { ALL_FEATURES, validateComponent, type Component, type Entity, type RComponent, type RInstance, type RResource } from '@weld/binary';
import { ComponentSpaces, type ComponentImport } from '../compose/imports.js';
import { checkEntity, type Mismatch, type ResourceIdentity, type Side } from './check.js';
import { GraphError, type Site } from './errors.js';
import { declareImport, defineTypeEntity, exportedResourceNames, importedResources, promote, resourceAt, type ImportType, type ImportTypes, type TypeDefinition } from './import-types.js';
import { matchName, mergeKey, parseInterfaceName, validExternName } from './names.js';

export { matchName };

declare const packageBrand: unique symbol;
declare const nodeBrand: unique symbol;
/** Opaque handle of a registered component. */
export type PackageId = number & { readonly [packageBrand]: true };
/** Opaque handle of an instance, an explicit import, or an alias of an export of either. */
export type NodeId = number & { readonly [nodeBrand]: true };

export interface PackageInput {
  /** How the package is named in messages, plans and provenance (`calc`, `demo:calc`). */
  name: string;
  bytes: Uint8Array;
  /** Where it came from, for messages (`calc.wasm`, `deps/demo/calc.wasm`, a registry reference). */
  source?: string;
  /** `sha256:<hex>` of `bytes` when the caller has it (read with `readFileDigest`, pulled by digest): provenance uses it instead of hashing the bytes again. */
  digest?: string;
}

export interface Package {
  readonly id: PackageId;
  readonly name: string;
  readonly source: string;
  readonly bytes: Uint8Array;
  /** as given at registration (see `PackageInput.digest`) */
  readonly digest?: string;
  readonly component: Component;
  readonly type: RComponent;
  readonly spaces: ComponentSpaces;
  /** resources the package imports → the import that brings each and its export name inside that import */
  readonly importedResources: Map<RResource, { import: string; path: string[] }>;
  /** resources it exports → a printable name (`demo:files/types.file`) */
  readonly resourceNames: Map<RResource, string>;
}

export interface Argument {
  source: NodeId;
  site?: Site;
}

export type GraphNode =
  | { kind: 'instance'; id: NodeId; package: PackageId; label: string; args: Map<string, Argument>; site?: Site }
  /** an explicit import of the result (wac's import node): `import` is its declaration in `types` */
  | { kind: 'import'; id: NodeId; name: string; entity: Entity; types: ImportTypes; import: ComponentImport; site?: Site }
  /** a type the result defines and exports under `name` (wac's `define_type`; a `.wac` type statement) */
  | { kind: 'definition'; id: NodeId; name: string; entity: Entity; definition: TypeDefinition; site?: Site }
  /** `instance` is the instance or the (instance-typed) import whose export this is */
  | { kind: 'alias'; id: NodeId; instance: NodeId; export: string; entity: Entity };

type InstanceNode = Extract<GraphNode, { kind: 'instance' }>;
type ImportNode = Extract<GraphNode, { kind: 'import' }>;
type DefinitionNode = Extract<GraphNode, { kind: 'definition' }>;

export interface GraphExport {
  name: string;
  node: NodeId;
  site?: Site;
}

const root = (r: RResource): RResource => r.aliasOf ?? r;

/**
 * A composition as a graph (wac-graph's `CompositionGraph`): packages are registered, instantiated, their exports
 * aliased and passed as arguments to other instances, and chosen items exported. Every connection is type checked
 * when it is made; `encodeGraph` turns the graph into one component. Front-ends (plugs, YAML, `.wac`) only call these
 * verbs. Pure: no file or network access.
 */
export class CompositionGraph {
  private readonly packages: Package[] = [];
  private readonly nodes: GraphNode[] = [];
  private readonly aliases = new Map<string, NodeId>();
  private readonly importNames = new Map<string, NodeId>();
  private readonly exportList: GraphExport[] = [];

  /** Decodes and type checks a component; throws `RegisterError`. */
  registerPackage(input: PackageInput): PackageId {
    if (this.packages.some((p) => p.name === input.name)) {
      throw new GraphError('package-duplicate', `a package named ${input.name} is already registered`, { data: { name: input.name } });
    }
    const checked = validateComponent(input.bytes, { features: ALL_FEATURES, coreModules: false });
    if (!checked.valid) {
      throw new GraphError('package-invalid', `${input.source ?? input.name} is not a valid component: ${checked.error.message}`, {
        data: { name: input.name },
        detail: checked.error.detail,
        cause: checked.error,
      });
    }
    const id = this.packages.length as PackageId;
    this.packages.push({
      id,
      name: input.name,
      source: input.source ?? input.name,
      bytes: input.bytes,
      digest: input.digest,
      component: checked.component,
      type: checked.type,
      spaces: new ComponentSpaces(checked.component),
      importedResources: importedResources(checked.type),
      resourceNames: exportedResourceNames(checked.type),
    });
    return id;
  }

  /** Throws `InstantiateError`. */
  instantiate(pkg: PackageId, options: { label?: string; site?: Site } = {}): NodeId {
    const p = this.packages[pkg];
    if (!p) throw new GraphError('unknown-package', `no package with id ${pkg}`, { data: { package: pkg }, site: options.site });
    let label = options.label ?? p.name;
    if (!options.label) for (let n = 2; this.nodes.some((x) => x.kind === 'instance' && x.label === label); n++) label = `${p.name}#${n}`;
    const id = this.nodes.length as NodeId;
    this.nodes.push({ kind: 'instance', id, package: pkg, label, args: new Map(), site: options.site });
    return id;
  }

  /**
   * Adds an explicit import of the result, named `name`, that can be passed as an argument, aliased (an instance) or
   * exported. An instance's import left unset that has the same name is an error at encoding (wac's rule: an
   * implicit import may not conflict with an explicit one). Throws `ImportError`.
   */
  import(name: string, type: ImportType, site?: Site): NodeId {
    if (!validExternName(name)) {
      throw new GraphError('import-name-invalid', `${JSON.stringify(name)} is not a valid import name (a kebab-case name or ns:pkg/iface[@version])`, { data: { name }, site });
    }
    const known = this.importNames.get(name);
    if (known !== undefined) throw new GraphError('import-duplicate', `the composition already imports ${name}`, { data: { node: known, name }, site });
    const declared = declareImport(name, type, site);
    const id = this.nodes.length as NodeId;
    this.nodes.push({ kind: 'import', id, name, ...declared, site });
    this.importNames.set(name, id);
    return id;
  }

  /** Defines a type in the result and exports it under `name` (an `interface`/`world` or type statement of `.wac`). Throws `ExportError`. */
  defineType(name: string, definition: TypeDefinition, site?: Site): NodeId {
    if (!validExternName(name)) throw new GraphError('export-name-invalid', `${JSON.stringify(name)} is not a valid export name (a kebab-case name or ns:pkg/iface[@version])`, { data: { name }, site });
    if (this.exportList.some((e) => e.name === name)) throw new GraphError('export-duplicate', `the composition already exports ${name}`, { data: { name }, site });
    const entity = defineTypeEntity(name, definition, site);
    const id = this.nodes.length as NodeId;
    this.nodes.push({ kind: 'definition', id, name, entity, definition, site });
    this.exportList.push({ name, node: id, site });
    return id;
  }

  /** The type of export `name` of a registered package, to import an item like it (wac-graph's `ItemKind::promote`). Throws `AliasError`. */
  exportType(pkg: PackageId, name: string, site?: Site): ImportType {
    const p = this.packages[pkg];
    if (!p) throw new GraphError('unknown-package', `no package with id ${pkg}`, { data: { package: pkg }, site });
    const e = p.type.exports.get(name);
    if (!e) throw new GraphError('export-not-found', `${p.name} has no export ${name} (it exports ${[...p.type.exports.keys()].join(', ') || 'nothing'})`, { data: { package: pkg, name }, site });
    // its types may use the interfaces the package imports: declared alongside, so shared types stay shared
    const context = new Map([...p.type.imports].filter(([n, x]) => x.sort === 'instance' && parseInterfaceName(n)));
    return { kind: 'entity', entity: promote(e), context };
  }

  /**
   * The node for export `name` of an instance: the exact name, else the newest semver-compatible one, else a unique
   * short interface name (`calc` for `demo:calc/calc@0.1.0`). Throws `AliasError`.
   */
  aliasExport(instance: NodeId, name: string, site?: Site): NodeId {
    const exports = this.exportsOf(instance, site);
    const found = matchName(name, [...exports.keys()]);
    if (!found) {
      throw new GraphError('export-not-found', `${this.label(instance)} has no export ${name} (it exports ${[...exports.keys()].join(', ') || 'nothing'})`, {
        data: { node: instance, name },
        site,
      });
    }
    const key = `${instance}\u0000${found}`;
    const known = this.aliases.get(key);
    if (known !== undefined) return known;
    const id = this.nodes.length as NodeId;
    this.nodes.push({ kind: 'alias', id, instance, export: found, entity: exports.get(found)! });
    this.aliases.set(key, id);
    return id;
  }

  /**
   * Passes `source` as the argument for import `importName` of `instance`, after checking its type against the
   * import's. Throws `ArgumentError` (a type mismatch names the path to the differing type).
   */
  setArgument(instance: NodeId, importName: string, source: NodeId, site?: Site): void {
    const node = this.instanceNode(instance, site, 'not-an-instantiation');
    const pkg = this.packageOf(instance);
    const expected = pkg.type.imports.get(importName);
    if (!expected) {
      throw new GraphError('import-not-found', `${node.label} has no import ${importName} (it imports ${[...pkg.type.imports.keys()].join(', ') || 'nothing'})`, {
        data: { node: instance, name: importName },
        site,
      });
    }
    if (node.args.has(importName)) {
      throw new GraphError('argument-already-set', `the argument for import ${importName} of ${node.label} is already set`, { data: { node: instance, name: importName }, site });
    }
    const src = this.side(source, site);
    const cycle = this.pathTo(this.instanceOf(source), instance);
    if (cycle) {
      const names = [instance, ...cycle].map((n) => this.label(n));
      throw new GraphError('argument-cycle', `dependency cycle: ${names.join(' → ')} (${node.label} would import ${importName} from ${this.label(this.instanceOf(source))}, which already depends on ${node.label})`, {
        data: { node: instance, source, name: importName, cycle: names },
        site,
      });
    }
    node.args.set(importName, { source, site });
    const why = checkEntity(src, { ctx: instance, entity: expected }, this.resolveResource);
    if (why) {
      node.args.delete(importName);
      throw mismatch(importName, why, this.providerName(source), '');
    }
    // this argument can change which resource the instance's other imports mean (it feeds the interface whose
    // resources they use), so the arguments already set are checked again
    for (const [other, arg] of node.args) {
      if (other === importName) continue;
      const again = checkEntity(this.side(arg.source), { ctx: instance, entity: pkg.type.imports.get(other)! }, this.resolveResource);
      if (!again) continue;
      node.args.delete(importName);
      throw mismatch(other, again, this.providerName(arg.source), `, once ${importName} is fed by ${this.label(source)}`);
    }

    function mismatch(name: string, why: Mismatch, provider: string, after: string): GraphError {
      const where = [name + why.members.map((m) => `.${m}`).join(''), ...why.inner, why.message].join(': ');
      return new GraphError('argument-type-mismatch', `${node.label} imports ${where} (${provider})${after}`, {
        data: { node: instance, source, name, path: [...why.members, ...why.inner] },
        site,
      });
    }
  }

  /** Exports a node's item from the composition under `name`. Throws `ExportError`. */
  export(node: NodeId, name: string, site?: Site): void {
    this.side(node, site);
    if (!validExternName(name)) {
      throw new GraphError('export-name-invalid', `${JSON.stringify(name)} is not a valid export name (a kebab-case name or ns:pkg/iface[@version])`, { data: { node, name }, site });
    }
    if (this.exportList.some((e) => e.name === name)) throw new GraphError('export-duplicate', `the composition already exports ${name}`, { data: { node, name }, site });
    this.exportList.push({ name, node, site });
  }

  // ---------- reading the graph (front-ends, plans and the encoder) ----------

  get allPackages(): readonly Package[] {
    return this.packages;
  }

  get allNodes(): readonly GraphNode[] {
    return this.nodes;
  }

  get exports(): readonly GraphExport[] {
    return this.exportList;
  }

  node(id: NodeId): GraphNode {
    const n = this.nodes[id];
    if (!n) throw new GraphError('unknown-node', `no node with id ${id}`, { data: { node: id } });
    return n;
  }

  /** The package of an instance, or of the instance an alias belongs to; throws for an explicit import (it has none). */
  packageOf(instance: NodeId): Package {
    const n = this.node(this.instanceOf(instance));
    if (n.kind !== 'instance') throw new GraphError('not-an-instantiation', `${this.label(instance)} is an import, not an instance of a package`, { data: { node: instance } });
    return this.packages[n.package]!;
  }

  /** The instance or explicit import a node is or belongs to. */
  instanceOf(id: NodeId): NodeId {
    const n = this.node(id);
    return n.kind === 'alias' ? n.instance : n.id;
  }

  /** The explicit imports, in the order they were added. */
  get importNodes(): readonly ImportNode[] {
    return this.nodes.filter((n): n is ImportNode => n.kind === 'import');
  }

  /** The types the result defines, in the order they were defined. */
  get definitionNodes(): readonly DefinitionNode[] {
    return this.nodes.filter((n): n is DefinitionNode => n.kind === 'definition');
  }

  label(id: NodeId): string {
    const n = this.node(id);
    if (n.kind === 'instance') return n.label;
    if (n.kind === 'import') return `import ${n.name}`;
    if (n.kind === 'definition') return `type ${n.name}`;
    return `${this.label(n.instance)}.${n.export}`;
  }

  /** How a message names what provides an argument: the plug's file, or the explicit import. */
  providerName(id: NodeId): string {
    const n = this.node(this.instanceOf(id)) as InstanceNode | ImportNode | DefinitionNode;
    return n.kind === 'instance' ? `plug ${this.packages[n.package]!.source}` : `${n.kind === 'import' ? 'import' : 'type'} ${n.name}`;
  }

  /** The exports of an instance, or of an explicit import of an instance. Throws `not-an-instance` for anything else. */
  exportsOf(id: NodeId, site?: Site): Map<string, Entity> {
    const n = this.nodes[id];
    if (!n) throw new GraphError('unknown-node', `no node with id ${id}`, { data: { node: id }, site });
    if (n.kind === 'instance') return this.packages[n.package]!.type.exports;
    const e = n.entity;
    // an alias of an instance export nested in an instance is not aliased further (no front-end makes one)
    if (e.sort === 'instance' && n.kind === 'import') return e.type.exports;
    throw new GraphError('not-an-instance', `${this.label(id)} is ${articleOf(e.sort)}, not an instance: it has no exports to alias`, { data: { node: id }, site });
  }

  /** The imports an instance (its package's) or an explicit import (its declarations) brings: what encoding copies from. */
  declarerOf(id: NodeId): { spaces: ComponentSpaces; importedResources: Map<RResource, { import: string; path: string[] }> } {
    const n = this.node(this.instanceOf(id));
    if (n.kind === 'instance') return this.packages[n.package]!;
    if (n.kind === 'import') return n.types;
    throw new GraphError('not-an-instance', `${this.label(id)} declares no imports`, { data: { node: id } });
  }

  /** What a node provides when passed as an argument or exported: an alias's item, or an instance as a whole. */
  side(id: NodeId, site?: Site): Side {
    const n = this.nodes[id];
    if (!n) throw new GraphError('unknown-node', `no node with id ${id}`, { data: { node: id }, site });
    if (n.kind === 'alias') return { ctx: n.instance, entity: n.entity };
    if (n.kind === 'import') return { ctx: n.id, entity: n.entity };
    if (n.kind === 'definition') throw new GraphError('not-an-instance', `${this.label(id)} is a type definition: it is exported, not passed or aliased`, { data: { node: id }, site });
    const whole: RInstance = { kind: 'instance', exports: this.packages[n.package]!.type.exports, defined: [] };
    return { ctx: n.id, entity: { sort: 'instance', type: whole } };
  }

  /** Instances in an order where every argument's provider comes before its consumer (creation order otherwise). */
  instanceOrder(): NodeId[] {
    const done = new Set<NodeId>();
    const order: NodeId[] = [];
    const visit = (id: NodeId) => {
      if (done.has(id)) return;
      done.add(id);
      const n = this.nodes[id]!;
      if (n.kind !== 'instance') return;
      for (const a of n.args.values()) visit(this.instanceOf(a.source));
      order.push(id);
    };
    for (const n of this.nodes) if (n.kind === 'instance') visit(n.id);
    return order.filter((id) => this.nodes[id]!.kind === 'instance');
  }

  /** Identity of a resource seen from inside instance `ctx`: followed through arguments to the instance that defines it, or to the import that brings it. */
  readonly resolveResource = (ctx: number, r: RResource): ResourceIdentity => {
    const node = this.nodes[ctx]!;
    const rr = root(r);
    if (node.kind === 'import') {
      // an explicit import's resources are the result's imports, keyed as instances' leftover imports are
      const imp = node.types.importedResources.get(rr) ?? { import: node.name, path: [] };
      const member = imp.path.map((p) => `.${p}`).join('');
      return { key: `import ${mergeKey(imp.import)}${member}`, name: `${imp.import}${member}` };
    }
    if (node.kind !== 'instance') throw new GraphError('unknown-node', `node ${ctx} is not an instance or an import`, { data: { node: ctx } });
    const pkg = this.packages[node.package]!;
    const imp = pkg.importedResources.get(rr);
    if (imp) {
      const arg = node.args.get(imp.import);
      if (arg) {
        const src = this.side(arg.source);
        const found = resourceAt(src.entity, imp.path);
        if (found) return this.resolveResource(src.ctx, found);
      }
      const member = imp.path.map((p) => `.${p}`).join('');
      return { key: `import ${mergeKey(imp.import)}${member}`, name: `${imp.import}${member}` };
    }
    return { key: `instance ${ctx} resource ${rr.id}`, name: `${pkg.resourceNames.get(rr) ?? 'a resource'} of ${node.label}` };
  };

  private instanceNode(id: NodeId, site: Site | undefined, code: 'not-an-instantiation'): InstanceNode {
    const n = this.nodes[id];
    if (!n) throw new GraphError('unknown-node', `no node with id ${id}`, { data: { node: id }, site });
    if (n.kind !== 'instance') throw new GraphError(code, `${this.label(id)} is not an instantiation of a package, so it takes no arguments`, { data: { node: id }, site });
    return n;
  }

  /** The chain of instances from `from` to `to` through arguments, if `to` is `from` or `from` depends on it. */
  private pathTo(from: NodeId, to: NodeId, seen = new Set<NodeId>()): NodeId[] | undefined {
    if (from === to) return [from];
    if (seen.has(from)) return undefined;
    seen.add(from);
    const n = this.nodes[from]!;
    if (n.kind !== 'instance') return undefined;
    for (const a of n.args.values()) {
      const rest = this.pathTo(this.instanceOf(a.source), to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }
}

function articleOf(sort: string): string {
  return /^[aeiou]/.test(sort) ? `an ${sort}` : `a ${sort}`;
}
