import { GraphError, type Site } from '../graph/errors.js';
import { CompositionGraph, matchName, type NodeId, type PackageId, type PackageInput } from '../graph/graph.js';
import { parseInterfaceName, shortName } from '../graph/names.js';
import { readDeclarations, type WacTarget } from './declarations.js';
import { parseWac, siteOf, type Arg, type Expr, type Pos, type WacDocument } from './syntax.js';

/** Finds the component for `new ns:name[@version]` (deps folder, `--dep`, a registry…); the graph stays pure. */
export type PackageResolver = (name: string, version: string | undefined, site: Site) => Promise<PackageInput>;

/** `path`: the interface name an imported instance stands for (an inferred argument of that name takes it) */
type Value = { kind: 'instance'; node: NodeId; path?: string } | { kind: 'item'; node: NodeId; export: string };

export interface WacComposition {
  graph: CompositionGraph;
  /** the `package` the document declares */
  package: string;
  /** packages by the name they were resolved under, in first-use order */
  packages: { name: string; input: PackageInput }[];
  /** the world of `package … targets …`, checked once the composition is encoded */
  targets?: WacTarget;
}

/**
 * Builds a composition graph from a `.wac` document by wac's rules (LANGUAGE.md): argument names inferred from
 * local names and interface paths, spreads after named arguments, `...` imports the rest, and every other missing
 * argument is an error at the `new`. Every connection carries the statement's file:line into its type errors.
 */
export async function evaluateWac(text: string, file: string, resolve: PackageResolver): Promise<WacComposition> {
  return evaluateStatements(parseWac(text, file), { file, text }, resolve);
}

/** Evaluates parsed statements (from `.wac` text, or built by the weld.yaml front-end with spans of their own). */
export async function evaluateStatements(doc: WacDocument, source: { file: string; text: string }, resolve: PackageResolver): Promise<WacComposition> {
  const { file, text } = source;
  const graph = new CompositionGraph();
  const scope = new Map<string, Value>();
  const registered = new Map<string, PackageId>();
  const packages: WacComposition['packages'] = [];
  const at = (pos: Pos) => pos.span ?? siteOf(file, text, pos);

  const packageId = async (name: string, version: string | undefined, site: Site): Promise<PackageId> => {
    const key = version ? `${name}@${version}` : name;
    const known = registered.get(key);
    if (known !== undefined) return known;
    const input = await resolve(name, version, site);
    const id = graph.registerPackage(input);
    registered.set(key, id);
    packages.push({ name: key, input });
    return id;
  };

  const lookup = (name: string, site: Site): Value => {
    const v = scope.get(name);
    if (!v) throw new GraphError('unknown-name', `undefined name ${name}`, { site, data: { name } });
    return v;
  };

  const exportsOf = (node: NodeId) => [...graph.exportsOf(node).keys()];
  const importsOf = (node: NodeId) => [...graph.packageOf(node).type.imports.keys()];

  /** wac's access rule: the one export whose path ends with the name, else the name (and semver-compatible names). */
  const accessName = (node: NodeId, name: string, exact: boolean): string => {
    if (exact) return name;
    const names = exportsOf(node);
    const byPath = names.filter((n) => n !== name && shortName(n) === name);
    if (byPath.length === 1 && !names.includes(name)) return byPath[0]!;
    return matchName(name, names) ?? name;
  };

  const evaluate = async (e: Expr, label?: string): Promise<Value> => {
    switch (e.kind) {
      case 'name':
        return lookup(e.name, at(e.pos));
      case 'access': {
        const target = await evaluate(e.target);
        if (target.kind !== 'instance') throw new GraphError('not-an-instance', `${graph.label(target.node)} is not an instance; only an instance's exports can be accessed`, { site: at(e.pos) });
        const name = accessName(target.node, e.name, e.exact);
        const node = graph.aliasExport(target.node, name, at(e.pos));
        const n = graph.node(node);
        return { kind: 'item', node, export: n.kind === 'alias' ? n.export : name };
      }
      case 'new':
        return instantiate(e, label);
    }
  };

  const instantiate = async (e: Extract<Expr, { kind: 'new' }>, label?: string): Promise<Value> => {
    const site = at(e.pos);
    const pkg = await packageId(e.package, e.version, site);
    const node = graph.instantiate(pkg, { label, site });
    const imports = importsOf(node);
    const set = new Set<string>();
    const pass = (importName: string, value: Value, argSite: Site) => {
      // an instance passed for an interface import stands for its export of that interface, when it has one
      let source = value.node;
      if (value.kind === 'instance') {
        const ownName = matchName(importName, exportsOf(value.node));
        // …of the same sort: an instance `i` passed for instance import `foo` is `i` itself even if `i` exports a `foo`
        const wanted = graph.packageOf(node).type.imports.get(importName)?.sort;
        const own = ownName !== undefined && graph.exportsOf(value.node).get(ownName)?.sort === wanted ? ownName : undefined;
        if (own) source = graph.aliasExport(value.node, own, argSite);
        const base = parseInterfaceName(importName)?.base;
        const otherVersion = exportsOf(value.node).find((n) => base !== undefined && parseInterfaceName(n)?.base === base);
        if (!own && otherVersion) {
          throw new GraphError('argument-type-mismatch', `${graph.label(node)} imports ${importName}, but ${graph.label(value.node)} exports ${otherVersion}, which is not semver-compatible with it`, {
            site: argSite,
            data: { node, source: value.node, name: importName },
            hint: `a compatible version has the same major (or, for 0.x, the same minor) and is not older; to wire it anyway, name both: "${importName}": ${graph.label(value.node)}["${otherVersion}"]`,
          });
        }
      }
      graph.setArgument(node, importName, source, argSite);
      set.add(importName);
    };
    const argName = (name: string, exact: boolean): string => {
      if (exact) return name;
      const byPath = imports.filter((n) => shortName(n) === name && n !== name);
      if (byPath.length === 1 && !imports.includes(name)) return byPath[0]!;
      return matchName(name, imports) ?? name;
    };

    const spreads: Extract<Arg, { kind: 'spread' }>[] = [];
    for (const arg of e.args) {
      const argSite = at(arg.pos);
      if (arg.kind === 'spread') {
        spreads.push(arg);
        continue;
      }
      if (arg.kind === 'named') {
        pass(argName(arg.name, arg.exact), await evaluate(arg.value), argSite);
        continue;
      }
      const value = lookup(arg.name, argSite);
      const viaExport = value.kind === 'item' ? matchName(value.export, imports) : value.path ? matchName(value.path, imports) : undefined;
      pass(viaExport ?? argName(arg.name, false), value, argSite);
    }
    for (const spread of spreads) {
      const value = lookup(spread.name, at(spread.pos));
      if (value.kind !== 'instance') throw new GraphError('not-an-instance', `${spread.name} is not an instance, so it cannot be spread`, { site: at(spread.pos) });
      let matched = 0;
      for (const imp of imports) {
        if (set.has(imp)) continue;
        const exp = matchName(imp, exportsOf(value.node));
        if (!exp) continue;
        graph.setArgument(node, imp, graph.aliasExport(value.node, exp, at(spread.pos)), at(spread.pos));
        set.add(imp);
        matched++;
      }
      if (matched === 0) throw new GraphError('missing-argument', `spreading ${spread.name} satisfies no argument of ${graph.label(node)} (${spread.name} exports ${exportsOf(value.node).join(', ') || 'nothing'})`, { site: at(spread.pos) });
    }
    const missing = imports.filter((i) => !set.has(i));
    if (missing.length > 0 && !e.implicit) {
      throw new GraphError('missing-argument', `missing instantiation argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${graph.label(node)} (${graph.packageOf(node).name})`, {
        site,
        data: { node, name: missing[0] },
        hint: 'pass it as an argument (`name: instance.export`), or let what is left become imports (`...` in .wac, `imports: rest` in weld.yaml)',
      });
    }
    return { kind: 'instance', node };
  };

  for (const s of doc.statements) {
    if (s.kind === 'unsupported') throw new GraphError('not-implemented', `${s.what} are not supported by weld's .wac reader yet`, { site: at(s.pos) });
  }
  const declared = await readDeclarations(doc, { file, text, graph, resolvePackage: resolve, packageId });

  for (const s of doc.statements) {
    const site = at(s.pos);
    switch (s.kind) {
      case 'unsupported':
        break;
      case 'declaration':
        // as wac does, each type statement is a type the composition defines and exports
        graph.defineType(s.name, declared.definitions.get(s)!, site);
        break;
      case 'import': {
        if (scope.has(s.name)) throw new GraphError('unknown-name', `${s.name} is already defined`, { site: at(s.namePos) });
        const d = declared.imports.get(s)!;
        const node = graph.import(d.name, d.type, at(s.namePos));
        const n = graph.node(node);
        const isInstance = n.kind === 'import' && n.entity.sort === 'instance';
        scope.set(s.name, isInstance ? { kind: 'instance', node, path: parseInterfaceName(d.name) ? d.name : undefined } : { kind: 'item', node, export: d.name });
        break;
      }
      case 'let':
        if (scope.has(s.name)) throw new GraphError('unknown-name', `${s.name} is already defined`, { site });
        scope.set(s.name, await evaluate(s.value, s.name));
        break;
      case 'export': {
        const v = await evaluate(s.value);
        if (s.spread) {
          if (v.kind !== 'instance') throw new GraphError('not-an-instance', 'only an instance can be spread into exports', { site });
          const already = new Set(graph.exports.map((x) => x.name));
          const names = exportsOf(v.node).filter((n) => !already.has(n));
          if (exportsOf(v.node).length === 0) throw new GraphError('export-name-invalid', `${graph.label(v.node)} has no exports to spread`, { site });
          for (const n of names) graph.export(graph.aliasExport(v.node, n, site), n, site);
        } else if (v.kind === 'item') graph.export(v.node, s.as ?? v.export, site);
        else if (s.as ?? v.path) graph.export(v.node, (s.as ?? v.path)!, site);
        else throw new GraphError('export-name-invalid', `exporting the instance ${graph.label(v.node)} needs a name: export ${graph.label(v.node)} as "name", or spread its exports with ...`, { site });
        break;
      }
    }
  }
  return { graph, package: doc.package, packages, targets: declared.targets };
}
