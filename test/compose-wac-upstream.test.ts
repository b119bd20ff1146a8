import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as watToWasm } from '@bytecodealliance/jco';
import { validateComponent } from '@weld/binary';
import { CompositionGraph, composeWacFile, encodeGraph, type NodeId } from '@weld/compose';
import { isWeldError, renderError } from '@weld/core';
import { caseComponent, witOf } from './helpers/compose-cases.js';
import { REPO_ROOT } from './helpers/fixtures.js';

/**
 * wac's own composition tests (test/compose-cases/wac-upstream, see SOURCE.md there), replayed on weld:
 * wac-graph's `graph.json` cases drive weld's graph verbs; where wac encodes a result, weld's result must have the
 * same WIT as wac's `encoded.wat`; where wac fails, weld must fail too (weld's own message is kept as a golden).
 */
const UPSTREAM = path.join(REPO_ROOT, 'test', 'compose-cases', 'wac-upstream');
const GRAPHS = path.join(UPSTREAM, 'crates', 'wac-graph', 'tests', 'graphs');

interface GraphFile {
  packages?: { name: string; version?: string; path: string }[];
  nodes?: ({ type: 'import'; name: string; package: number; export: string } | { type: 'instantiation'; package: number } | { type: 'alias'; source: number; export: string })[];
  arguments?: { source: number; target: number; name: string }[];
  exports?: { node: number; name: string }[];
}

/** Cases weld does not replay, and why (a feature weld does not claim): none. */
const UNSUPPORTED: Record<string, string> = {};

/**
 * Cases wac composes and weld refuses, and why: weld's error text is kept as `weld-error.txt`.
 * - implicit-resource-import: `my-func` (imported; its result is the host's foo:dependency/types.x) feeds test:baz,
 *   whose `x` is test:bar's once foo:dependency/types is fed by test:bar. wac's result validates only because its
 *   component type for the (not embedded) test:baz aliases the outer x; the real test:baz, which weld embeds, makes
 *   the composition invalid, so weld refuses the second connection by name.
 */
const DIVERGES = new Set(['implicit-resource-import']);

async function replay(dir: string): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; text: string }> {
  const g = JSON.parse(await readFile(path.join(dir, 'graph.json'), 'utf8')) as GraphFile;
  const graph = new CompositionGraph();
  try {
    const packages = [];
    for (const p of g.packages ?? []) {
      const file = path.join(dir, p.path);
      const bytes = p.path.endsWith('.wat') ? await watToWasm(await readFile(file, 'utf8')) : await caseComponent(file);
      packages.push(graph.registerPackage({ name: p.version ? `${p.name}@${p.version}` : p.name, bytes, source: p.path }));
    }
    const nodes: NodeId[] = [];
    for (const n of g.nodes ?? []) {
      if (n.type === 'import') nodes.push(graph.import(n.name, graph.exportType(packages[n.package]!, n.export)));
      else if (n.type === 'instantiation') nodes.push(graph.instantiate(packages[n.package]!));
      else if (n.type === 'alias') nodes.push(graph.aliasExport(nodes[n.source]!, n.export));
    }
    for (const a of g.arguments ?? []) graph.setArgument(nodes[a.target]!, a.name, nodes[a.source]!);
    for (const e of g.exports ?? []) graph.export(nodes[e.node]!, e.name);
    return { ok: true, bytes: encodeGraph(graph).bytes };
  } catch (e) {
    if (!isWeldError(e)) throw e;
    return { ok: false, text: renderError(e) + '\n' };
  }
}

describe("wac-graph's graph tests, replayed on weld's CompositionGraph", () => {
  for (const name of readdirSync(GRAPHS).sort()) {
    const dir = path.join(GRAPHS, name);
    const why = UNSUPPORTED[name];
    it.skipIf(why !== undefined)(`${name}${why ? ` (skipped: ${why})` : ''}`, async () => {
      const r = await replay(dir);
      if (existsSync(path.join(dir, 'error.txt')) || DIVERGES.has(name)) {
        expect(r.ok, DIVERGES.has(name) ? 'weld refuses this graph (see DIVERGES)' : 'wac fails this graph; weld must too').toBe(false);
        await expect(r.ok ? '' : r.text).toMatchFileSnapshot(path.join(dir, 'weld-error.txt'));
        return;
      }
      if (!r.ok) throw new Error(`wac composes this graph; weld failed:\n${r.text}`);
      expect(validateComponent(r.bytes).valid).toBe(true);
      // wac's tests encode without embedding the packages (`unlocked-dep=<ns:name>` imports); the rest must agree
      const wacResult = validateComponent(await watToWasm(await readFile(path.join(dir, 'encoded.wat'), 'utf8')));
      if (!wacResult.valid) throw wacResult.error;
      const mine = validateComponent(r.bytes);
      if (!mine.valid) throw mine.error;
      const names = (m: Map<string, unknown>) => [...m.keys()].filter((n) => !n.startsWith('unlocked-dep=')).sort();
      expect({ imports: names(mine.type.imports), exports: names(mine.type.exports) }).toEqual({ imports: names(wacResult.type.imports), exports: names(wacResult.type.exports) });
    });
  }
});

const ENCODING = path.join(UPSTREAM, 'crates', 'wac-parser', 'tests', 'encoding');

/** `<case>/ns/name.wat` → `--dep ns:name=…`, as wac's parser tests lay out their packages. */
function depsOf(dir: string): Record<string, string> {
  const deps: Record<string, string> = {};
  if (!existsSync(dir)) return deps;
  for (const ns of readdirSync(dir)) for (const f of readdirSync(path.join(dir, ns))) deps[`${ns}:${f.replace(/\.wat$/, '')}`] = path.join(dir, ns, f);
  return deps;
}

describe("wac-parser's .wac encoding tests, composed by weld", () => {
  const cases = [...readdirSync(ENCODING).filter((f) => f.endsWith('.wac')), ...readdirSync(path.join(ENCODING, 'fail')).filter((f) => f.endsWith('.wac')).map((f) => `fail/${f}`)].sort();
  for (const name of cases) {
    it(name, async () => {
      const file = path.join(ENCODING, name);
      let outcome: { ok: true; bytes: Uint8Array } | { ok: false; code: string; text: string };
      try {
        outcome = { ok: true, bytes: (await composeWacFile(file, { weldVersion: 'test', deps: depsOf(file.replace(/\.wac$/, '')) })).bytes };
      } catch (e) {
        if (!isWeldError(e)) throw e;
        outcome = { ok: false, code: e.code, text: renderError(e) + '\n' };
      }
      if (name.startsWith('fail/')) {
        expect(outcome.ok, 'wac refuses this composition; weld must too').toBe(false);
        await expect(outcome.ok ? '' : outcome.text).toMatchFileSnapshot(`${file}.weld-error.txt`);
      } else {
        if (!outcome.ok) throw new Error(`wac composes this; weld failed:\n${outcome.text}`);
        const wac = validateComponent(await watToWasm(await readFile(`${file}.result`, 'utf8')));
        if (!wac.valid) throw wac.error;
        const mine = validateComponent(outcome.bytes);
        if (!mine.valid) throw mine.error;
        const names = (m: Map<string, unknown>) => [...m.keys()].filter((n) => !n.startsWith('unlocked-dep=')).sort();
        expect({ imports: names(mine.type.imports), exports: names(mine.type.exports) }).toEqual({ imports: names(wac.type.imports), exports: names(wac.type.exports) });
      }
    });
  }
});

describe("wac's example composition", () => {
  it('examples/script.wac composes from deps/ and exports greet, as wac composes it', async () => {
    const r = await composeWacFile(path.join(UPSTREAM, 'examples', 'script.wac'), { weldVersion: 'test' });
    expect(r.exports).toEqual(['greet']);
    expect(r.imports).toEqual([]);
    expect(validateComponent(r.bytes).valid).toBe(true);
    expect(witOf(r.bytes)).toContain('export greet: func() -> string;');
  });
});
