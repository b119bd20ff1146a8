import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/src/main.js';
import { encodeComponent, decodeComponent } from '../src/index.js';
import { bytesOf, fixtures } from './helpers.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'weld-binary-cli-'));
const file = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('weld validate', () => {
  const calc = fixtures().find((f) => f.name === 'wit:examples/calc')!;
  it('a core module using a proposal this engine lacks is a note (component) or exit 2 (bare module), never "invalid"', async () => {
    const core = await parse('(module (memory 1) (memory 1))');
    const component = file('multi-memory.wasm', await parse('(component (core module $m (memory 1) (memory 1)) (core instance (instantiate $m)))'));
    expect(await main(['validate', component])).toBe(0);
    if (WebAssembly.validate(core)) {
      // a V8 with multi-memory checks the module in full
      expect(out).not.toContain('note:');
      return;
    }
    expect(out).toMatch(/^valid component .*\nnote: the core module at byte 10 uses a proposal this engine \(V8 /);
    out = '';
    expect(await main(['validate', file('multi-memory-core.wasm', core)])).toBe(2);
    expect(err).toContain('error[engine-unsupported]');
  });
  it('exits 0 for a valid component and reports it as JSON', async () => {
    expect(await main(['-o', 'json', 'validate', calc.path])).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.valid).toBe(true);
    expect(doc.exports).toContain('demo:calc/calc@0.1.0');
  });
  it('exits 1 for an invalid component with section and offset', async () => {
    const tree = decodeComponent(bytesOf(calc));
    const exp = tree.sections.find((s) => s.kind === 'export')!;
    if (exp.kind === 'export') exp.items[0].index = 999;
    const p = file('bad.wasm', encodeComponent(tree));
    expect(await main(['validate', p])).toBe(1);
    expect(out).toContain('invalid component');
    expect(out).toContain('export section');
    expect(out).toMatch(/byte offset \d+/);
    // the first line ends as wasm-tools' errors do
    expect(out.split('\n')[0]).toMatch(/^invalid component: .* \(at offset 0x[0-9a-f]+\)$/);
    expect(await main(['-o', 'json', 'validate', p])).toBe(1);
    expect(JSON.parse(out.slice(out.indexOf('{'))).error.code).toBe('index-out-of-bounds');
  });
  it('exits 1 for a truncated component (malformed)', async () => {
    const b = bytesOf(calc);
    expect(await main(['validate', file('trunc.wasm', b.subarray(0, b.length - 7))])).toBe(1);
  });
  it('--features changes the defaults as wasm-tools reads it; an unknown feature is a usage error', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const values = file('values.wasm', await parse('(component (import "v" (value $v u32)) (export "w" (value $v)))'));
    expect(await main(['validate', values])).toBe(1);
    expect(out + err).toContain('support for component model `value`s is not enabled');
    expect(await main(['validate', '--features', 'cm-values', values])).toBe(0);
    expect(await main(['validate', '--features', 'all', values])).toBe(0);
    expect(await main(['validate', '--features', 'all,-cm-values', values])).toBe(1);
    err = '';
    expect(await main(['validate', '--features', 'cm-bogus', values])).toBe(2);
    expect(err).toContain('unknown feature `cm-bogus`');
    expect(err).toContain('known: all, default, cm-async');
  });
  it('reads wasm-tools feature lists unchanged: core proposals are accepted, -exceptions turns off tags at the component level', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const tags = file('tags.wasm', await parse('(component (core module $m (tag (export "t"))) (core instance $i (instantiate $m)) (alias core export $i "t" (core tag $t)))'));
    expect(await main(['validate', '--features', 'simd,multi-memory,wasm3', tags])).toBe(0);
    expect(await main(['validate', '--features=-exceptions', tags])).toBe(1);
    expect(out).toContain('exceptions proposal not enabled');
  });
  it('prints the hint of an invalid component, in text and JSON', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const bad = file('unnamed.wasm', await parse('(component (type $t (resource (rep i32))) (export "t" (type $t)) (type $f (list (own $t))) (export "f" (type $f)))'));
    expect(await main(['validate', bad])).toBe(1);
    expect(out).toContain('hint: ');
    expect(out).toContain('`(export $t2 "t" (type $t))`');
    out = '';
    expect(await main(['-o', 'json', 'validate', bad])).toBe(1);
    expect(JSON.parse(out.slice(out.indexOf('{'))).error.hint).toContain('`$t2`');
  });
  it('exits 2 for unreadable input', async () => {
    expect(await main(['validate', join(dir, 'missing.wasm')])).toBe(2);
    expect(await main(['validate', file('text.wasm', new TextEncoder().encode('hello world'))])).toBe(2);
  });
});

describe('weld inspect', () => {
  it('prints the world, sizes, modules and producers as JSON', async () => {
    const f = fixtures().find((x) => x.kind === 'componentize') ?? fixtures().find((x) => x.name === 'wit:examples/http')!;
    expect(await main(['-o', 'json', 'inspect', f.path])).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.world.exports.map((e: { name: string }) => e.name)).toContain('wasi:http/incoming-handler@0.2.10');
    expect(doc.world.imports.length).toBeGreaterThan(3);
    expect(doc.modules.length).toBeGreaterThan(0);
    expect(doc.sizeByKind['core-module']).toBeGreaterThan(0);
    expect(doc.producers.find((p: { name: string }) => p.name === 'processed-by')).toBeTruthy();
    if (f.kind === 'componentize') expect(doc.adapters).toContain('wasi_snapshot_preview1');
  });
  it('prints text', async () => {
    const f = fixtures().find((x) => x.name === 'wit:examples/calc')!;
    expect(await main(['inspect', f.path])).toBe(0);
    expect(out).toContain('exports (1):');
    expect(out).toContain('demo:calc/calc@0.1.0');
  });
});
