import { GraphError } from './errors.js';
import { CompositionGraph, type NodeId, type PackageInput } from './graph.js';
import { nameSatisfies, parseInterfaceName } from './names.js';

export interface PlugReport {
  plug: string;
  /** The imports (of the socket or of other plugs) this plug's exports satisfy. */
  satisfies: string[];
}

export interface PluggedGraph {
  graph: CompositionGraph;
  socket: NodeId;
  plugs: PlugReport[];
}

const PLUGGABLE = new Set(['instance', 'func']);

/**
 * `wac plug` as a graph front-end, in any order: every import of the socket and of each plug that some plug exports
 * (the same name, or a semver-compatible newer version) is fed by that plug; a plug may feed another plug; a cycle
 * is named; everything else stays an import. The socket's exports are the result's. A plug that feeds nothing is an
 * error that says what it exports and what the others import.
 */
export function plugGraph(socketInput: PackageInput, plugInputs: PackageInput[]): PluggedGraph {
  if (plugInputs.length === 0) throw new GraphError('no-plugs', 'nothing to plug: give at least one plug component');
  const graph = new CompositionGraph();
  const socketPkg = graph.registerPackage(socketInput);
  const plugPkgs = plugInputs.map((p) => graph.registerPackage(p));
  const plugNodes = plugPkgs.map((p) => graph.instantiate(p));
  const socket = graph.instantiate(socketPkg);
  const reports: PlugReport[] = plugInputs.map((p) => ({ plug: p.name, satisfies: [] }));

  const exportsOf = plugNodes.map((n) => [...graph.packageOf(n).type.exports].filter(([, e]) => PLUGGABLE.has(e.sort)).map(([name]) => name));
  const consumers = [socket, ...plugNodes];
  const edges: { consumer: NodeId; name: string; plug: number; export: string }[] = [];
  for (const consumer of consumers) {
    for (const [name] of graph.packageOf(consumer).type.imports) {
      const offers: { plug: number; name: string; exact: boolean }[] = [];
      plugNodes.forEach((p, i) => {
        if (p === consumer) return;
        const exact = exportsOf[i]!.includes(name);
        const compatible = exportsOf[i]!.filter((e) => nameSatisfies(e, name) === 'compatible');
        if (exact) offers.push({ plug: i, name, exact: true });
        else if (compatible.length > 0) offers.push({ plug: i, name: compatible.reduce((a, b) => (nameSatisfies(b, a) ? b : a)), exact: false });
      });
      if (offers.length === 0) continue;
      const best = offers.some((o) => o.exact) ? offers.filter((o) => o.exact) : offers;
      if (best.length > 1) {
        const who = best.map((o) => plugInputs[o.plug]!.name);
        throw new GraphError('plug-conflict', `${who.slice(0, -1).join(', ')} and ${who.at(-1)} ${who.length === 2 ? 'both' : 'all'} export ${name}, which ${graph.label(consumer)} imports; plug only one of them`, {
          data: { node: consumer, name },
        });
      }
      edges.push({ consumer, name, plug: best[0]!.plug, export: best[0]!.name });
    }
  }
  // providers are wired before their consumers, so a resource a plug passes on is known by where it comes from when
  // the consumer's argument is checked; on a cycle the given order stands and setArgument names the cycle
  for (const edge of providersFirst(edges, consumers, plugNodes)) {
    graph.setArgument(edge.consumer, edge.name, graph.aliasExport(plugNodes[edge.plug]!, edge.export));
    const report = reports[edge.plug]!;
    if (!report.satisfies.includes(edge.name)) report.satisfies.push(edge.name);
  }

  const unused = reports.filter((r) => r.satisfies.length === 0);
  if (unused.length > 0) {
    const r = unused[0]!;
    const i = reports.indexOf(r);
    const imported = consumers.filter((c) => c !== plugNodes[i]).flatMap((c) => [...graph.packageOf(c).type.imports.keys()].map((n) => `${graph.label(c)}: ${n}`));
    throw new GraphError('plug-unused', `${unused.map((u) => u.plug).join(', ')} ${unused.length === 1 ? 'satisfies' : 'satisfy'} none of the imports of ${graph.label(socket)}${plugInputs.length > 1 ? ' or the other plugs' : ''}`, {
      data: { node: plugNodes[i], name: r.plug },
      detail: [`${r.plug} exports: ${exportsOf[i]!.join(', ') || '(nothing pluggable)'}`, `imported: ${imported.join(', ') || '(nothing)'}`, ...nearMisses(exportsOf[i]!, imported)].join('\n'),
      hint: 'a plug must export an interface another input imports, with the same name and a compatible version',
    });
  }
  for (const [name] of graph.packageOf(socket).type.exports) graph.export(graph.aliasExport(socket, name), name);
  return { graph, socket, plugs: reports };
}

function providersFirst<E extends { consumer: NodeId; plug: number }>(edges: E[], consumers: NodeId[], plugNodes: NodeId[]): E[] {
  const order: NodeId[] = [];
  const state = new Map<NodeId, 'visiting' | 'done'>();
  let cyclic = false;
  const visit = (n: NodeId) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      cyclic = true;
      return;
    }
    state.set(n, 'visiting');
    for (const e of edges) if (e.consumer === n) visit(plugNodes[e.plug]!);
    state.set(n, 'done');
    order.push(n);
  };
  for (const c of [...consumers].reverse()) visit(c);
  if (cyclic) return edges;
  return order.flatMap((n) => edges.filter((e) => e.consumer === n));
}

/** Exports that name an imported interface at a version that cannot satisfy it: the likely reason a plug is unused. */
function nearMisses(exported: string[], imported: string[]): string[] {
  const out: string[] = [];
  for (const e of exported) {
    const base = parseInterfaceName(e)?.base;
    for (const entry of imported) {
      const [who, name] = entry.split(': ') as [string, string];
      if (base !== undefined && parseInterfaceName(name)?.base === base && name !== e) out.push(`${e} does not satisfy ${who}'s ${name}: not a semver-compatible version (same major, or same minor for 0.x, and not older)`);
    }
  }
  return out;
}
