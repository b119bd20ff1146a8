import type { Entity } from '@weld/binary';
import type { ComponentImport } from '../compose/imports.js';
import { checkEntity } from './check.js';
import { GraphError } from './errors.js';
import type { CompositionGraph, NodeId } from './graph.js';
import { compareVersions, mergeKey, parseInterfaceName } from './names.js';

/** An import the composition keeps: one per interface, semver-compatible versions unified to the newest. */
export interface PlanImport {
  name: string;
  /** the imports of instances it stands for, as `instance: name` */
  for: { instance: string; name: string }[];
  /** whose declaration of it the result carries */
  declaredBy: { node: NodeId; import: ComponentImport };
}

export interface PlanInstance {
  node: NodeId;
  label: string;
  package: string;
  /** each import, fed by an argument (`from` = the providing instance and export) or by an import of the result */
  imports: { name: string; from: { kind: 'argument'; instance: string; export?: string } | { kind: 'import'; name: string } }[];
}

/** What `encodeGraph` will make, without encoding it: `weld compose --plan` prints this. */
export interface CompositionPlan {
  instances: PlanInstance[];
  imports: PlanImport[];
  exports: { name: string; instance: string; export?: string }[];
  /** e.g. versions unified; `--strict` turns these into errors */
  warnings: string[];
}

/** Works out the plan: instance order, the merged leftover imports (throws `import-merge-conflict`), exports. */
export function planGraph(graph: CompositionGraph): CompositionPlan {
  const order = graph.instanceOrder();
  const leftovers: { node: NodeId; name: string; entity: Entity; import: ComponentImport }[] = [];
  for (const id of order) {
    const node = graph.node(id);
    if (node.kind !== 'instance') continue;
    const pkg = graph.packageOf(id);
    for (const imp of pkg.spaces.imports) {
      if (node.args.has(imp.name)) continue;
      leftovers.push({ node: id, name: imp.name, entity: pkg.type.imports.get(imp.name)!, import: imp });
    }
  }

  const groups = new Map<string, typeof leftovers>();
  for (const l of leftovers) {
    const key = mergeKey(l.name);
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const imports: PlanImport[] = [];
  const warnings: string[] = [];
  const importOf = new Map<string, string>();
  for (const members of groups.values()) {
    const name = members.map((m) => m.name).reduce((a, b) => (newer(b, a) ? b : a));
    const candidates = members.filter((m) => m.name === name);
    const fits = (c: (typeof members)[number]) =>
      members.every((m) => m === c || !checkEntity({ ctx: c.node, entity: c.entity }, { ctx: m.node, entity: m.entity }, graph.resolveResource));
    const chosen = candidates.find(fits);
    if (!chosen) {
      const c = candidates[0]!;
      const other = members.find((m) => m !== c && checkEntity({ ctx: c.node, entity: c.entity }, { ctx: m.node, entity: m.entity }, graph.resolveResource))!;
      const why = checkEntity({ ctx: c.node, entity: c.entity }, { ctx: other.node, entity: other.entity }, graph.resolveResource)!;
      const where = [other.name + why.members.map((m) => `.${m}`).join(''), ...why.inner, why.message].join(': ');
      throw new GraphError('import-merge-conflict', `${graph.label(other.node)} and ${graph.label(c.node)} both import ${name}, but no single import can serve both: ${graph.label(other.node)} imports ${where} (as ${graph.label(c.node)} declares it)`, {
        data: { node: other.node, source: c.node, name, path: [...why.members, ...why.inner] },
        hint: 'weld keeps one import per interface; give both components the same version of the interface, or satisfy it with a plug',
      });
    }
    const versions = [...new Set(members.map((m) => m.name))];
    if (versions.length > 1) warnings.push(`${versions.filter((v) => v !== name).join(', ')} unified with ${name} (one import)`);
    for (const m of members) importOf.set(`${m.node}\u0000${m.name}`, name);
    imports.push({ name, for: members.map((m) => ({ instance: graph.label(m.node), name: m.name })), declaredBy: { node: chosen.node, import: chosen.import } });
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
        return { name: imp.name, from: { kind: 'argument' as const, instance: graph.label(graph.instanceOf(arg.source)), export: src.kind === 'alias' ? src.export : undefined } };
      }),
    };
  });
  const exports = graph.exports.map((e) => {
    const n = graph.node(e.node);
    return { name: e.name, instance: graph.label(graph.instanceOf(e.node)), export: n.kind === 'alias' ? n.export : undefined };
  });
  return { instances, imports, exports, warnings };
}

function newer(a: string, b: string): boolean {
  const x = parseInterfaceName(a)?.version;
  const y = parseInterfaceName(b)?.version;
  return x !== undefined && y !== undefined && compareVersions(x, y) > 0;
}
