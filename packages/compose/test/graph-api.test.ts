import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as watToWasm } from '@bytecodealliance/jco';
import { validateComponent } from '@weld/binary';
import { CompositionGraph, encodeGraph, GraphError, planGraph, type NodeId } from '../src/graph/index.js';
import { graphProvenance, plugComponents } from '../src/compose/index.js';
import { sha256Digest } from '@weld/core';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const provider = `(component
  (core module $m (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (func $f (param "x" u32) (result u32) (canon lift (core func $i "f")))
  (instance $x (export "f" (func $f)))
  (export "demo:x/x@1.0.3" (instance $x)))`;
const consumer = `(component
  (import "demo:x/x@1.0.0" (instance $x (export "f" (func (param "x" u32) (result u32)))))
  (core func $f (canon lower (func $x "f")))
  (core module $m (import "x" "f" (func (param i32) (result i32))) (func (export "g") (param i32) (result i32) local.get 0 call 0))
  (core instance $h (export "f" (func $f)))
  (core instance $i (instantiate $m (with "x" (instance $h))))
  (func $g (param "x" u32) (result u32) (canon lift (core func $i "g")))
  (export "g" (func $g)))`;

async function graphOf(): Promise<{ graph: CompositionGraph; p: NodeId; c: NodeId }> {
  const graph = new CompositionGraph();
  const pp = graph.registerPackage({ name: 'provider', bytes: await watToWasm(provider) });
  const cp = graph.registerPackage({ name: 'consumer', bytes: await watToWasm(consumer) });
  return { graph, p: graph.instantiate(pp), c: graph.instantiate(cp) };
}

/** The code, data and message of the GraphError `f` throws; anything else (or nothing thrown) fails the test. */
function thrown(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof GraphError) return { code: e.code, data: e.data, message: e.message };
    throw e;
  }
  throw new Error('did not throw');
}

describe('CompositionGraph: the verbs and their errors, with no front-end', () => {
  it('register → instantiate → alias → set argument → export → encode: a valid, deterministic component', async () => {
    const { graph, p, c } = await graphOf();
    // `@1.0.0` is satisfied by `@1.0.3`: aliasExport takes the newest compatible export for a requested name
    const x = graph.aliasExport(p, 'demo:x/x@1.0.0');
    expect(graph.node(x)).toMatchObject({ kind: 'alias', export: 'demo:x/x@1.0.3' });
    graph.setArgument(c, 'demo:x/x@1.0.0', x);
    graph.export(graph.aliasExport(c, 'g'), 'g');
    const a = encodeGraph(graph);
    expect(validateComponent(a.bytes).valid).toBe(true);
    expect(a.exports).toEqual(['g']);
    expect(a.imports).toEqual([]);
    expect(Buffer.from(encodeGraph(graph).bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(planGraph(graph).instances.map((i) => i.label)).toEqual(['provider', 'consumer']);
  });

  it('each verb fails with its own code and the ids and names involved', async () => {
    const { graph, p, c } = await graphOf();
    expect(thrown(() => graph.registerPackage({ name: 'bad', bytes: new Uint8Array([1, 2, 3]) }))).toMatchObject({ code: 'package-invalid', data: { name: 'bad' } });
    expect(thrown(() => graph.registerPackage({ name: 'provider', bytes: new Uint8Array() }))).toMatchObject({ code: 'package-duplicate' });
    expect(thrown(() => graph.instantiate(99 as never))).toMatchObject({ code: 'unknown-package', data: { package: 99 } });
    expect(thrown(() => graph.aliasExport(p, 'nope'))).toMatchObject({ code: 'export-not-found', data: { node: p, name: 'nope' }, message: 'provider has no export nope (it exports demo:x/x@1.0.3)' });
    const x = graph.aliasExport(p, 'demo:x/x@1.0.3');
    expect(thrown(() => graph.aliasExport(x, 'f'))).toMatchObject({ code: 'not-an-instance', data: { node: x } });
    expect(thrown(() => graph.setArgument(x, 'a', p))).toMatchObject({ code: 'not-an-instantiation' });
    expect(thrown(() => graph.setArgument(c, 'demo:y/y@1.0.0', x))).toMatchObject({ code: 'import-not-found', data: { node: c, name: 'demo:y/y@1.0.0' } });
    // a function where an instance is imported: a type mismatch that names the import, the path and the plug
    const f = graph.aliasExport(c, 'g');
    expect(thrown(() => graph.setArgument(c, 'demo:x/x@1.0.0', f))).toMatchObject({ code: 'argument-cycle' });
    const other = graph.instantiate(graph.allPackages[1]!.id);
    expect(thrown(() => graph.setArgument(other, 'demo:x/x@1.0.0', f))).toMatchObject({
      code: 'argument-type-mismatch',
      data: { node: other, source: f, name: 'demo:x/x@1.0.0' },
      message: 'consumer#2 imports demo:x/x@1.0.0: expected an instance, found a func (plug consumer)',
    });
    graph.setArgument(c, 'demo:x/x@1.0.0', x);
    expect(thrown(() => graph.setArgument(c, 'demo:x/x@1.0.0', x))).toMatchObject({ code: 'argument-already-set' });
    graph.export(f, 'g');
    expect(thrown(() => graph.export(f, 'g'))).toMatchObject({ code: 'export-duplicate', data: { name: 'g' } });
    expect(thrown(() => graph.export(f, 'Not A Name'))).toMatchObject({ code: 'export-name-invalid' });
  });
});

describe('provenance digests', () => {
  it('records a digest the caller gives (read and hashed in one pass) and hashes the bytes of an input given without one', async () => {
    const [p, c] = [await watToWasm(provider), await watToWasm(consumer)];
    const given = `sha256:${'ab'.repeat(32)}`;
    const r = await plugComponents({ name: 'consumer', bytes: c }, [{ name: 'provider', bytes: p, digest: given }], { weldVersion: 'test' });
    expect(r.provenance.inputs.map((i) => [i.name, i.digest])).toEqual([
      ['consumer', sha256Digest(c)],
      ['provider', given],
    ]);
    const graph = new CompositionGraph();
    graph.registerPackage({ name: 'provider', bytes: p, digest: given });
    graph.registerPackage({ name: 'consumer', bytes: c });
    expect(graphProvenance(graph, 'test').inputs.map((i) => i.digest)).toEqual([given, sha256Digest(c)]);
  });
});

describe('CompositionGraph.import: explicit imports of the result', () => {

  it('an import typed like a package export feeds an instance, is aliased, exported, and declared once in the result', async () => {
    const { graph, p, c } = await graphOf();
    const host = graph.import('demo:x/x@1.0.0', graph.exportType(graph.allPackages[0]!.id, 'demo:x/x@1.0.3'));
    graph.setArgument(c, 'demo:x/x@1.0.0', host);
    graph.export(graph.aliasExport(c, 'g'), 'g');
    graph.export(graph.aliasExport(host, 'f'), 'host-f');
    graph.export(graph.aliasExport(p, 'demo:x/x@1.0.3'), 'demo:x/x@1.0.3');
    const a = encodeGraph(graph);
    const checked = validateComponent(a.bytes);
    if (!checked.valid) throw checked.error;
    expect([...checked.type.imports.keys()]).toEqual(['demo:x/x@1.0.0']);
    expect([...checked.type.exports.keys()]).toEqual(['g', 'host-f', 'demo:x/x@1.0.3']);
    const plan = planGraph(graph);
    expect(plan.imports[0]).toMatchObject({ name: 'demo:x/x@1.0.0', explicit: true, for: [{ instance: 'consumer', name: 'demo:x/x@1.0.0' }] });
    expect(plan.instances.find((i) => i.label === 'consumer')!.imports).toEqual([{ name: 'demo:x/x@1.0.0', from: { kind: 'import', name: 'demo:x/x@1.0.0' } }]);
    expect(plan.exports[1]).toEqual({ name: 'host-f', instance: 'import demo:x/x@1.0.0', import: 'demo:x/x@1.0.0', export: 'f' });
    expect(Buffer.from(encodeGraph(graph).bytes).equals(Buffer.from(a.bytes))).toBe(true);
  });

  it('import fails with its own codes; an import is no instantiation; an unset import of the same name conflicts', async () => {
    const { graph, c } = await graphOf();
    const type = graph.exportType(graph.allPackages[0]!.id, 'demo:x/x@1.0.3');
    expect(thrown(() => graph.exportType(graph.allPackages[0]!.id, 'nope'))).toMatchObject({ code: 'export-not-found' });
    expect(thrown(() => graph.import('Not_Valid', type))).toMatchObject({ code: 'import-name-invalid', data: { name: 'Not_Valid' } });
    const i = graph.import('demo:x/x@1.0.0', type);
    expect(thrown(() => graph.import('demo:x/x@1.0.0', type))).toMatchObject({ code: 'import-duplicate', data: { node: i } });
    const f = graph.aliasExport(i, 'f');
    expect(thrown(() => graph.aliasExport(f, 'f'))).toMatchObject({ code: 'not-an-instance' });
    expect(thrown(() => graph.setArgument(i, 'x', f))).toMatchObject({ code: 'not-an-instantiation' });
    expect(thrown(() => graph.setArgument(c, 'demo:x/x@1.0.0', f))).toMatchObject({
      code: 'argument-type-mismatch',
      message: 'consumer imports demo:x/x@1.0.0: expected an instance, found a func (import demo:x/x@1.0.0)',
    });
    // consumer's import is left unset under the explicit import's name
    graph.export(graph.aliasExport(c, 'g'), 'g');
    expect(thrown(() => encodeGraph(graph))).toMatchObject({ code: 'implicit-import-conflict', data: { name: 'demo:x/x@1.0.0' } });
  });
});

describe('the graph is pure', () => {
  it('no module reachable from src/graph or src/wac imports node: or @weld/core/node', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || spec === '@weld/core/node') offenders.push(`${path.relative(SRC, file)} imports ${spec}`);
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    for (const dir of ['graph', 'wac']) for (const f of readdirSync(path.join(SRC, dir))) visit(path.join(SRC, dir, f));
    expect(seen.size).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
