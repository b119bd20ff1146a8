import type { Entity } from '@weld/binary';
import { importClosure, type ComponentImport } from '../compose/imports.js';
import { checkEntity, type Mismatch } from './check.js';
import { GraphError, type Site } from './errors.js';
import type { CompositionGraph, NodeId } from './graph.js';
import { compareVersions } from '@weld/core';
import { mergeKey, nameSatisfies, parseInterfaceName } from './names.js';

/** An import the composition keeps: one per interface, semver-compatible versions unified to the newest. */
export interface PlanImport {
  name: string;
  /** an import node of the graph (`import` in `.wac`), as opposed to instances' imports left unset */
  explicit?: boolean;
  /** the imports of instances it stands for, as `instance: name` */
  for: { instance: string; name: string }[];
  /** whose declaration of it the result carries */
  declaredBy: { node: NodeId; import: ComponentImport };
  /**
   * exports other importers need that `declaredBy` lacks, and whose declaration of them is added (a union);
   * `nested`: instances both declare but with different exports, merged the same way
   */
  extras: { node: NodeId; import: ComponentImport; names: string[]; nested: string[] }[];
}

export interface PlanInstance {
  node: NodeId;
  label: string;
  package: string;
  /** each import, fed by an argument (`from` = the providing instance and export) or by an import of the result */
  imports: { name: string; from: { kind: 'argument'; instance: string; export?: string } | { kind: 'import'; name: string; export?: string } }[];
}

/** What `encodeGraph` will make, without encoding it: `weld compose --plan` prints this. */
export interface CompositionPlan {
  instances: PlanInstance[];
  imports: PlanImport[];
  /** `import`: the explicit import exported (or whose export is), instead of an instance */
  exports: { name: string; instance: string; import?: string; export?: string; definition?: boolean }[];
  /** e.g. versions unified; `--strict` turns these into errors */
  warnings: string[];
}

/** Works out the plan: instance order, the merged leftover imports (throws `import-merge-conflict`), exports. */
export function planGraph(graph: CompositionGraph): CompositionPlan {
  const order = graph.instanceOrder();
  const leftovers: Leftover[] = [];
  for (const id of order) {
    const node = graph.node(id);
    if (node.kind !== 'instance') continue;
    const pkg = graph.packageOf(id);
    for (const imp of pkg.spaces.imports) {
      if (node.args.has(imp.name)) continue;
      leftovers.push({ node: id, name: imp.name, entity: pkg.type.imports.get(imp.name)!, import: imp });
    }
  }

  for (const l of leftovers) checkLeftoverDependencies(graph, l);
  const explicit = graph.importNodes;
  const definitions = graph.definitionNodes;
  const explicitKeys = new Map<string, { id: NodeId; name: string; site?: Site; kind: 'import' | 'definition' }>([...definitions, ...explicit].map((n) => [mergeKey(n.name), n]));
  for (const l of leftovers) {
    const clash = explicitKeys.get(mergeKey(l.name));
    if (!clash) continue;
    const what = clash.kind === 'import' ? `imports ${clash.name} explicitly` : `defines a type named ${clash.name}`;
    throw new GraphError('implicit-import-conflict', `${graph.label(l.node)}${graph.label(l.node) === graph.packageOf(l.node).name ? '' : ` (${graph.packageOf(l.node).name})`} leaves its import ${l.name} unset, which would become an import of the composition, but the composition ${what}`, {
      data: { node: l.node, source: clash.id, name: l.name },
      site: clash.site ?? (graph.node(l.node) as { site?: Site }).site,
      hint: `pass the explicit import as the argument (${graph.label(l.node)} { ${l.name}: ... }), or drop the explicit import`,
    });
  }
  // what the explicit imports' declarations use (the interfaces of their `use`d types) is imported too, merged with
  // the instances' leftovers like any of them
  const explicitNames = new Set([...explicit, ...definitions].map((n) => n.name));
  const seenDependency = new Set<string>();
  for (const n of explicit) {
    for (const name of importClosure(n.types.spaces, n.import)) {
      if (explicitNames.has(name) || seenDependency.has(name)) continue;
      seenDependency.add(name);
      const imp = n.types.spaces.imports.find((i) => i.name === name)!;
      leftovers.push({ node: n.id, name, entity: n.types.type.imports.get(name)!, import: imp });
    }
  }

  const groups = new Map<string, typeof leftovers>();
  for (const l of leftovers) {
    const key = mergeKey(l.name);
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const imports: PlanImport[] = explicit.map((n) => ({ name: n.name, explicit: true, for: usersOf(graph, n.id), declaredBy: { node: n.id, import: n.import }, extras: [] }));
  const warnings: string[] = [];
  const importOf = new Map<string, string>();
  for (const members of groups.values()) {
    const name = members.map((m) => m.name).reduce((a, b) => (newer(b, a) ? b : a));
    const candidates = members.filter((m) => m.name === name);
    const fits = (c: (typeof members)[number]) =>
      members.every((m) => m === c || !checkEntity({ ctx: c.node, entity: c.entity }, { ctx: m.node, entity: m.entity }, graph.resolveResource));
    const chosen = candidates.find(fits) ?? candidates[0]!;
    const extras = fits(chosen) ? [] : unionExtras(graph, chosen, members, name);
    const versions = [...new Set(members.map((m) => m.name))];
    if (versions.length > 1) warnings.push(`${versions.filter((v) => v !== name).join(', ')} unified with ${name} (one import)`);
    for (const m of members) importOf.set(`${m.node}\u0000${m.name}`, name);
    imports.push({ name, for: members.map((m) => ({ instance: graph.label(m.node), name: m.name })), declaredBy: { node: chosen.node, import: chosen.import }, extras });
  }

  // an argument whose export name is a newer compatible version of the import's name (`@1.0.2` for `@1.0.0`)
  for (const id of order) {
    const node = graph.node(id);
    if (node.kind !== 'instance') continue;
    for (const [name, arg] of node.args) {
      const src = graph.node(arg.source);
      if (src.kind !== 'alias' || src.export === name || !parseInterfaceName(src.export)?.version) continue;
      const compatible = nameSatisfies(src.export, name) !== undefined;
      warnings.push(`${node.label} imports ${name}, satisfied by ${src.export} of ${graph.label(src.instance)}${compatible ? '' : ' (wired explicitly; not a semver-compatible version)'}`);
    }
  }

  const instances: PlanInstance[] = order.map((id) => {
    const node = graph.node(id) as Extract<ReturnType<CompositionGraph['node']>, { kind: 'instance' }>;
    const pkg = graph.packageOf(id);
    return {
      node: id,
      label: node.label,
      package: pkg.name,
      imports: pkg.spaces.imports.map((imp) => {
        const arg = node.args.get(imp.name);
        if (!arg) return { name: imp.name, from: { kind: 'import' as const, name: importOf.get(`${id}\u0000${imp.name}`)! } };
        const src = graph.node(arg.source);
        const provider = graph.node(graph.instanceOf(arg.source));
        const export_ = src.kind === 'alias' ? src.export : undefined;
        if (provider.kind === 'import') return { name: imp.name, from: { kind: 'import' as const, name: provider.name, export: export_ } };
        return { name: imp.name, from: { kind: 'argument' as const, instance: graph.label(provider.id), export: export_ } };
      }),
    };
  });
  const exports = graph.exports.map((e) => {
    const n = graph.node(e.node);
    if (n.kind === 'definition') return { name: e.name, instance: graph.label(n.id), definition: true };
    const provider = graph.node(graph.instanceOf(e.node));
    const export_ = n.kind === 'alias' ? n.export : undefined;
    if (provider.kind === 'import') return { name: e.name, instance: graph.label(provider.id), import: provider.name, export: export_ };
    return { name: e.name, instance: graph.label(provider.id), export: export_ };
  });
  return { instances, imports, exports, warnings };
}

/** The instances an explicit import feeds, as `instance: name` of each of their imports it is passed to. */
function usersOf(graph: CompositionGraph, importNode: NodeId): PlanImport['for'] {
  const out: PlanImport['for'] = [];
  for (const id of graph.instanceOrder()) {
    const node = graph.node(id);
    if (node.kind !== 'instance') continue;
    for (const [name, arg] of node.args) if (graph.instanceOf(arg.source) === importNode) out.push({ instance: node.label, name });
  }
  return out;
}

function newer(a: string, b: string): boolean {
  const x = parseInterfaceName(a)?.version;
  const y = parseInterfaceName(b)?.version;
  return x !== undefined && y !== undefined && compareVersions(x.text, y.text) > 0;
}

type Leftover = { node: NodeId; name: string; entity: Entity; import: ComponentImport };

/**
 * When no one declaration serves every importer (each imports only what it uses), the import is their union: the
 * chosen declaration plus, from the others, the exports it lacks. Exports they share must have the same type.
 */
function unionExtras(graph: CompositionGraph, chosen: Leftover, members: Leftover[], name: string): PlanImport['extras'] {
  const conflict = (other: Leftover, why: NonNullable<ReturnType<typeof checkEntity>>) => {
    const where = [other.name + why.members.map((m) => `.${m}`).join(''), ...why.inner, why.message].join(': ');
    return new GraphError('import-merge-conflict', `${graph.label(other.node)} and ${graph.label(chosen.node)} both import ${name}, but no single import can serve both: ${graph.label(other.node)} imports ${where} (as ${graph.label(chosen.node)} declares it)`, {
      data: { node: other.node, source: chosen.node, name, path: [...why.members, ...why.inner] },
      site: (graph.node(other.node) as { site?: Site }).site,
      hint: 'weld keeps one import per interface; give both components the same version of the interface, or satisfy it with a plug',
    });
  };
  const have = new Set(chosen.entity.sort === 'instance' ? chosen.entity.type.exports.keys() : []);
  const extras: PlanImport['extras'] = [];
  for (const m of members) {
    if (m === chosen) continue;
    const why = checkEntity({ ctx: chosen.node, entity: chosen.entity }, { ctx: m.node, entity: m.entity }, graph.resolveResource);
    if (!why) continue;
    if (chosen.entity.sort !== 'instance' || m.entity.sort !== 'instance') throw conflict(m, why);
    // the shared exports must agree (instances: what both have, recursively); the missing ones come from m
    const nested: string[] = [];
    for (const [export_, want] of m.entity.type.exports) {
      const got = chosen.entity.type.exports.get(export_);
      if (!got) continue;
      const differs = checkEntity({ ctx: chosen.node, entity: got }, { ctx: m.node, entity: want }, graph.resolveResource);
      if (!differs) continue;
      const inner = got.sort === 'instance' && want.sort === 'instance' ? sharedMismatch(graph, { ctx: chosen.node, entity: got }, { ctx: m.node, entity: want }) : differs;
      if (inner) throw conflict(m, { ...inner, members: [export_, ...inner.members] });
      nested.push(export_);
    }
    const names = [...m.entity.type.exports.keys()].filter((n) => !have.has(n));
    names.forEach((n) => have.add(n));
    if (names.length > 0 || nested.length > 0) extras.push({ node: m.node, import: m.import, names, nested });
  }
  return extras;
}

/** Where two instances disagree on an export both have (looking inside instances both have), if anywhere. */
function sharedMismatch(graph: CompositionGraph, a: { ctx: NodeId; entity: Entity }, b: { ctx: NodeId; entity: Entity }): Mismatch | undefined {
  if (a.entity.sort !== 'instance' || b.entity.sort !== 'instance') return checkEntity(a, b, graph.resolveResource);
  for (const [name, want] of b.entity.type.exports) {
    const got = a.entity.type.exports.get(name);
    if (!got) continue;
    const why = sharedMismatch(graph, { ctx: a.ctx, entity: got }, { ctx: b.ctx, entity: want });
    if (why) return { ...why, members: [name, ...why.members] };
  }
  return undefined;
}

/**
 * An import kept for the host whose types use a resource of another import of the same instance cannot stay an
 * import when that other import is fed by an argument: the host's declaration would name a different resource than
 * the one the argument brings. (`wasi:io/streams` kept while `wasi:io/error` is plugged.)
 */
function checkLeftoverDependencies(graph: CompositionGraph, l: Leftover): void {
  if (l.entity.sort !== 'instance') return;
  const node = graph.node(l.node) as Extract<ReturnType<CompositionGraph['node']>, { kind: 'instance' }>;
  const pkg = graph.packageOf(l.node);
  for (const [member, e] of l.entity.type.exports) {
    if (e.sort !== 'type' || e.type.kind !== 'resource') continue;
    const from = pkg.importedResources.get(e.type.aliasOf ?? e.type);
    if (!from || from.import === l.name || !node.args.has(from.import)) continue;
    const arg = node.args.get(from.import)!;
    // fed by an explicit import of the same name: the kept import's declaration names that very import
    const provider = graph.node(arg.source);
    if (provider.kind === 'import' && provider.name === from.import) continue;
    throw new GraphError('import-merge-conflict', `${node.label} imports ${l.name}, whose ${member} is ${from.import}.${from.path.join('.')}, but ${from.import} is fed by ${graph.label(graph.instanceOf(arg.source))}: ${l.name} cannot stay an import of the host`, {
      data: { node: l.node, name: l.name },
      site: arg.site ?? node.site,
      hint: `feed ${l.name} from an instance too, or leave ${from.import} to the host`,
    });
  }
}
