import { ALL_FEATURES, encodeComponent, validateComponent, type Component, type Provenance, type RComponent, type Sort } from '@weld/binary';
import { ComponentBuilder } from '../compose/builder.js';
import { ImportForwarder, importClosure, type ImportChoice } from '../compose/imports.js';
import { GraphError } from './errors.js';
import type { CompositionGraph, NodeId, PackageId } from './graph.js';
import { mergeKey } from './names.js';
import { planGraph, type CompositionPlan } from './plan.js';

export interface EncodeOptions {
  /** recorded as the `weld-provenance` custom section (its digests are computed by the caller) */
  provenance?: Provenance;
  /** validate the embedded core modules with the engine too (slower; the inputs' modules are passed through unchanged) */
  validateCoreModules?: boolean;
  /** the plan's warnings (semver-compatible matches, unified versions) are errors */
  strict?: boolean;
}

export interface EncodedComposition {
  /** the result, joined from `chunks` on first use (write `chunks` to keep from copying the inputs' bytes again) */
  readonly bytes: Uint8Array;
  /** the result as the pieces it is made of, in order: the embedded inputs are their own bytes, not copies */
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
  /** the validated type of the result */
  type: RComponent;
  plan: CompositionPlan;
  imports: string[];
  exports: string[];
}

const PROVENANCE_SECTION = 'weld-provenance';

/**
 * Encodes the graph as one component: each package used is embedded once, instances are made in dependency order
 * with their arguments aliased from their providers, every import left unset becomes an import of the result (one
 * per interface, as `planGraph` merged them), and the chosen items are exported. Same graph, same bytes. The result
 * is validated before it is returned. Throws `EncodeError`.
 */
export function encodeGraph(graph: CompositionGraph, options: EncodeOptions = {}): EncodedComposition {
  const plan = planGraph(graph);
  if (options.strict && plan.warnings.length > 0) {
    throw new GraphError('strict-warning', `--strict: ${plan.warnings[0]}`, { detail: plan.warnings.slice(1).join('\n') || undefined, hint: 'drop --strict to accept semver-compatible names' });
  }
  if (graph.exports.length === 0 && plan.instances.length === 0) throw new GraphError('nothing-exported', 'the composition has no instances and no exports');
  const out = new ComponentBuilder();

  const chosen = new Map<string, ImportChoice>();
  for (const i of plan.imports) {
    const extras = i.extras.map((x) => ({ from: graph.declarerOf(x.node).spaces, imp: x.import, names: x.names, nested: x.nested }));
    chosen.set(mergeKey(i.name), { name: i.name, from: graph.declarerOf(i.declaredBy.node).spaces, imp: i.declaredBy.import, extras });
  }
  const forwarder = new ImportForwarder(out, (from, imp) => chosen.get(mergeKey(imp.name)) ?? { name: imp.name, from, imp });

  const componentIndex = new Map<PackageId, number>();
  /** instances and explicit imports → their index in the instance space (or, for an import, its sort's space) */
  const instanceIndex = new Map<NodeId, number>();
  // defined types first, then explicit imports, each in the order they were added (as wac-graph encodes them)
  // an import may not name a type the component exports: a defined type that an explicit import's declaration uses is
  // imported (its definition is the import's bound) and exported again; the others are defined and exported
  const usedByImports = new Set(graph.importNodes.flatMap((n) => importClosure(n.types.spaces, n.import)));
  for (const n of graph.definitionNodes) {
    const d = n.definition;
    if (d.kind === 'component-type') {
      instanceIndex.set(n.id, out.addExport(n.name, 'type', out.addType(d.def))!);
      continue;
    }
    if (d.kind === 'function-type') {
      instanceIndex.set(n.id, forwarder.defineFunctionType(d.types.spaces, d.types.declaration(d.declaredAs)!.import, n.name));
      continue;
    }
    const imp = d.types.declaration(n.name)!.import;
    if (usedByImports.has(n.name)) instanceIndex.set(n.id, out.addExport(n.name, 'type', forwarder.forward(d.types.spaces, imp))!);
    else instanceIndex.set(n.id, forwarder.defineExport(d.types.spaces, imp));
  }
  for (const n of graph.importNodes) instanceIndex.set(n.id, forwarder.forward(n.types.spaces, n.import));
  const aliasIndex = new Map<NodeId, number>();
  for (const p of plan.instances) {
    const pkg = graph.packageOf(p.node);
    if (!componentIndex.has(pkg.id)) componentIndex.set(pkg.id, out.addComponent(pkg.component));
  }

  /** The index of what a node provides, in the space of `sort`. */
  const indexOf = (id: NodeId): { sort: Sort; index: number } => {
    const n = graph.node(id);
    if (n.kind === 'instance') return { sort: 'instance', index: instanceIndex.get(id)! };
    if (n.kind === 'import') return { sort: n.import.sort, index: instanceIndex.get(id)! };
    if (n.kind === 'definition') return { sort: 'type', index: instanceIndex.get(id)! };
    let index = aliasIndex.get(id);
    if (index === undefined) {
      index = out.addAlias({ kind: 'instance-export', sort: n.entity.sort as Sort, instance: instanceIndex.get(n.instance)!, name: n.export });
      aliasIndex.set(id, index);
    }
    return { sort: n.entity.sort as Sort, index };
  };

  for (const p of plan.instances) {
    const node = graph.node(p.node);
    if (node.kind !== 'instance') continue;
    const pkg = graph.packageOf(p.node);
    const args = pkg.spaces.imports.map((imp) => {
      const arg = node.args.get(imp.name);
      if (arg) return { name: imp.name, ...indexOf(arg.source) };
      return { name: imp.name, sort: imp.sort, index: forwarder.forward(pkg.spaces, imp) };
    });
    instanceIndex.set(p.node, out.addInstance({ kind: 'instantiate', component: componentIndex.get(pkg.id)!, args }));
  }

  for (const e of graph.exports) {
    if (graph.node(e.node).kind === 'definition') continue; // exported where it was defined
    const { sort, index } = indexOf(e.node);
    out.addExport(e.name, sort, index);
  }
  if (options.provenance) out.addCustom(PROVENANCE_SECTION, new TextEncoder().encode(JSON.stringify(options.provenance)));

  const built = out.build();
  const raw = new Map(graph.allPackages.map((p) => [p.component, p.bytes]));
  const chunks = encodeSpliced(built, raw);
  // the tree just encoded is validated (the nested components are the inputs' own decoded trees, their bytes copied
  // verbatim above), so 12 MB of input are neither decoded nor walked a second time
  const coreModules = options.validateCoreModules ?? false;
  // the inputs were validated when they were registered (without their core modules): their types are reused
  const known = coreModules ? undefined : new Map(graph.allPackages.map((p) => [p.component, p.type]));
  const checked = validateComponent(built, { features: ALL_FEATURES, coreModules, known });
  if (!checked.valid) {
    // the graph checked every connection; a failure here is weld's own mistake or a case the checker does not model
    throw new GraphError('composition-invalid', `the composed component does not validate: ${checked.error.message}`, { detail: checked.error.detail, exit: 1, cause: checked.error });
  }
  const imports = built.sections.flatMap((s) => (s.kind === 'import' ? s.items.map((i) => i.name.name) : []));
  return withJoinedBytes({ chunks, type: checked.type, plan, imports, exports: graph.exports.map((e) => e.name) });
}

/** Adds `size`, and `bytes` joined from `chunks` once, when first read (a getter: spreading the object joins them). */
export function withJoinedBytes<T extends { chunks: readonly Uint8Array[] }>(o: T): T & { readonly bytes: Uint8Array; readonly size: number } {
  let joined: Uint8Array | undefined;
  const size = o.chunks.reduce((n, c) => n + c.length, 0);
  return Object.defineProperties(o, {
    size: { value: size, enumerable: true },
    bytes: {
      enumerable: true,
      get(): Uint8Array {
        if (!joined) {
          joined = new Uint8Array(size);
          let at = 0;
          for (const c of o.chunks) (joined.set(c, at), (at += c.length));
        }
        return joined;
      },
    },
  }) as T & { readonly bytes: Uint8Array; readonly size: number };
}

/**
 * Encodes a component whose nested components are inputs: their sections are their original bytes, not re-encoded
 * from their trees (for a 12 MB componentize-js input that is most of the work) and not copied: the result is a list
 * of chunks, the inputs' bytes among them, that a writer streams out; every other section is encoded on its own.
 */
function encodeSpliced(c: Component, raw: Map<Component, Uint8Array>): Uint8Array[] {
  const parts: Uint8Array[] = [encodeComponent({ ...c, sections: [] })];
  for (const s of c.sections) {
    const bytes = s.kind === 'component' ? raw.get(s.component) : undefined;
    if (bytes) parts.push(new Uint8Array([s.id, ...leb128(bytes.length)]), bytes);
    else parts.push(encodeComponent({ ...c, sections: [s] }).subarray(8));
  }
  return parts;
}

function leb128(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return new Uint8Array(out);
}
