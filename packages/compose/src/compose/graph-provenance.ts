import type { CompositionGraph, NodeId } from '../graph/graph.js';
import { sha256Digest } from '@weld/core/node';
import type { Provenance } from './provenance.js';

/**
 * The provenance of a graph composition: every package by digest; a package whose instance the result exports is a
 * `socket`, the others `plug`s with the imports their instances feed.
 */
export function graphProvenance(graph: CompositionGraph, weldVersion: string): Provenance {
  const fromInstance = (id: NodeId) => graph.node(graph.instanceOf(id)).kind === 'instance';
  const exported = new Set(graph.exports.filter((e) => fromInstance(e.node)).map((e) => graph.packageOf(e.node).id));
  const feeds = new Map<number, string[]>();
  for (const n of graph.allNodes) {
    if (n.kind !== 'instance') continue;
    for (const [name, arg] of n.args) {
      if (!fromInstance(arg.source)) continue;
      const from = graph.packageOf(graph.instanceOf(arg.source)).id;
      const list = feeds.get(from) ?? [];
      if (!list.includes(name)) list.push(name);
      feeds.set(from, list);
    }
  }
  const digestOf = (p: (typeof graph.allPackages)[number]) => p.digest ?? sha256Digest(p.bytes);
  return {
    tool: 'weld',
    version: weldVersion,
    inputs: graph.allPackages.map((p) =>
      exported.has(p.id) ? { name: p.name, digest: digestOf(p), role: 'socket' as const } : { name: p.name, digest: digestOf(p), role: 'plug' as const, satisfies: feeds.get(p.id) ?? [] },
    ),
  };
}

