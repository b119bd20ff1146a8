import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { CORE_STATE_EXPORT_PREFIX, exposeCoreState } from '../src/index.js';

const wat = (text: string): Promise<Uint8Array> => parse(text);

function exposed(bytes: Uint8Array): Uint8Array {
  const result = exposeCoreState(bytes);
  if (!result.restorable) throw new Error(`not restorable: ${result.reason}`);
  return result.bytes;
}

describe('exposeCoreState', () => {
  it('exports every defined memory, table and mutable global under weld:state/, after the imported ones, keeping the module as it was', async () => {
    const module = await wat(`(module
      (import "env" "g" (global (mut i32)))
      (import "env" "t" (table 1 funcref))
      (memory 2)
      (table 3 funcref)
      (global $hidden (mut i64) (i64.const -5))
      (global $fixed i32 (i32.const 7))
      (global $ref (mut externref) (ref.null extern))
      (func (export "bump") (global.set $hidden (i64.add (global.get $hidden) (i64.const 1))))
      (start 0))`);
    expect(WebAssembly.validate(module)).toBe(true);
    const rewritten = exposed(module);
    expect(WebAssembly.validate(rewritten)).toBe(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(rewritten)).map((e) => `${e.name}:${e.kind}`);
    expect(exports).toEqual([
      'bump:function',
      `${CORE_STATE_EXPORT_PREFIX}memory/0:memory`,
      `${CORE_STATE_EXPORT_PREFIX}table/1:table`,
      `${CORE_STATE_EXPORT_PREFIX}global/1:global`,
      `${CORE_STATE_EXPORT_PREFIX}global/3:global`,
    ]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(rewritten), {
      env: { g: new WebAssembly.Global({ value: 'i32', mutable: true }, 0), t: new WebAssembly.Table({ initial: 1, element: 'anyfunc' }) },
    });
    const hidden = instance.exports[`${CORE_STATE_EXPORT_PREFIX}global/1`] as WebAssembly.Global;
    expect(hidden.value).toBe(-4n); // the start function ran once
    (instance.exports.bump as () => void)();
    expect(hidden.value).toBe(-3n);
    hidden.value = 100n; // a host can put it back
    (instance.exports.bump as () => void)();
    expect(hidden.value).toBe(101n);
  });

  it('adds an export section where the module has none, in section order', async () => {
    const module = await wat('(module (memory 1) (global (mut i32) (i32.const 0)) (func) (data (i32.const 0) "hi"))');
    const rewritten = exposed(module);
    expect(WebAssembly.validate(rewritten)).toBe(true);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(rewritten)).map((e) => e.name)).toEqual([`${CORE_STATE_EXPORT_PREFIX}memory/0`, `${CORE_STATE_EXPORT_PREFIX}global/0`]);
  });

  it('returns a module with nothing to expose unchanged', async () => {
    const module = await wat('(module (global i32 (i32.const 1)) (func (export "f")))');
    expect(exposed(module)).toBe(module);
  });

  it('refuses, with the reason and offset, state a host cannot snapshot', async () => {
    const cases: Array<[string, RegExp]> = [
      ['(module (memory 1) (data "passive"))', /passive data segment/],
      ['(module (table 1 funcref) (func $f) (elem func $f))', /passive element segment/],
      ['(module (memory 1 1 shared))', /shared memory/],
      ['(module (type (struct (field i32))))', /GC types/],
      ['(module (global (mut v128) (v128.const i32x4 0 0 0 0)))', /v128 or a typed reference/],
    ];
    for (const [text, reason] of cases) {
      const result = exposeCoreState(await wat(text));
      expect(result.restorable, text).toBe(false);
      if (!result.restorable) {
        expect(result.reason).toMatch(reason);
        expect(result.offset).toBeGreaterThan(8);
      }
    }
  });

  it('keeps declarative and active element segments, and ref.func constants', async () => {
    const module = await wat(`(module (table 2 funcref) (func $a) (func $b)
      (elem (i32.const 0) func $a) (elem (table 0) (i32.const 1) funcref (ref.func $b)) (elem declare func $a)
      (global (mut funcref) (ref.func $a)))`);
    const rewritten = exposed(module);
    expect(WebAssembly.validate(rewritten)).toBe(true);
  });

  it('says which bytes are not a core module', () => {
    expect(() => exposeCoreState(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]))).toThrow(/not a core wasm module/);
  });
});
