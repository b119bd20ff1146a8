import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { BinaryError, checkCoreModule, decodeComponent, engineLacksFeature, nestedCounts, truncatedPreamble, validateWasm } from '../src/index.js';

// validateWasm is what `weld validate` runs: the kind of binary from its header, a core module judged by the engine,
// a component by the validator with its nesting counted.
describe('validateWasm', () => {
  it('validates a component and counts the core modules and components nested in it at every depth', async () => {
    const bytes = await parse(`(component
      (core module $a)
      (component $inner (core module $b) (component $leaf))
      (import "f" (func $f))
      (export "g" (func $f)))`);
    const r = validateWasm(bytes);
    expect(r.kind).toBe('component');
    if (r.kind !== 'component' || !r.valid) throw new Error('expected a valid component');
    expect({ coreModules: r.coreModules, components: r.components }).toEqual({ coreModules: 2, components: 2 });
    expect([...r.type.imports.keys()]).toEqual(['f']);
    expect([...r.type.exports.keys()]).toEqual(['g']);
    expect(r.milliseconds).toBeGreaterThanOrEqual(0);
    expect(nestedCounts(decodeComponent(bytes))).toEqual({ coreModules: 2, components: 2 });
  });

  it('reports an invalid component with the error at its offset, and does not count it', async () => {
    const r = validateWasm(await parse('(component (core module $m) (core instance (instantiate $m)) (export "x" (core module 7)))'));
    if (r.kind !== 'component' || r.valid) throw new Error('expected an invalid component');
    expect(r.error.code).toBe('index-out-of-bounds');
    expect(r.error.offset).toBeGreaterThan(8);
    expect('coreModules' in r).toBe(false);
  });

  it('reads a wasm-tools feature list for components only; an unknown feature is an error', async () => {
    const values = await parse('(component (import "v" (value $v u32)) (export "w" (value $v)))');
    const off = validateWasm(values);
    expect(off.kind === 'component' && !off.valid && off.error.message).toContain('support for component model `value`s is not enabled');
    expect(validateWasm(values, { featureList: 'cm-values' })).toMatchObject({ kind: 'component', valid: true });
    expect(validateWasm(values, { features: ['cm-values'] })).toMatchObject({ kind: 'component', valid: true });
    expect(() => validateWasm(values, { featureList: 'cm-bogus' })).toThrow(/unknown feature `cm-bogus`/);
    // a core module is the engine's to judge: the component feature list is not even read
    expect(validateWasm(await parse('(module)'), { featureList: 'cm-bogus' })).toEqual({ kind: 'module', status: 'valid' });
  });

  it('judges a core module by the engine, with the engine\'s own message', async () => {
    expect(validateWasm(await parse('(module (func (export "f") (result i32) i32.const 1))'))).toEqual({ kind: 'module', status: 'valid' });
    const bad = validateWasm(await parse('(module (func (result i32)))'));
    expect(bad.kind === 'module' && bad.status).toBe('invalid');
    expect(bad.kind === 'module' && bad.status === 'invalid' && bad.message).toMatch(/^WebAssembly\.Module\(\): Compiling function #0 failed/);
  });

  it('tells a core module using a proposal the engine lacks from an invalid one', async () => {
    const multiMemory = await parse('(module (memory 1) (memory 1))');
    const r = checkCoreModule(multiMemory);
    if (WebAssembly.validate(multiMemory)) {
      expect(r).toEqual({ status: 'valid' });
      return;
    }
    expect(r.status).toBe('unsupported');
    expect(r.status === 'unsupported' && r.engine).toBe(`V8 ${process.versions.v8}`);
  });

  // wasm-tools (wasmparser) reads an empty file, or one that ends inside the preamble, as an unexpected end of file
  // ("unexpected end-of-file (at offset 0x0)"); validate and the decoder behind inspect and wit extract say the same.
  it.each([
    ['an empty file', []],
    ['three bytes', [0x00, 0x61, 0x73]],
    ['the magic and half a version', [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00]],
  ])('%s is unexpected-end, the same error from validate as from the decoder', (_, list) => {
    const bytes = new Uint8Array(list);
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as BinaryError;
      }
      throw new Error('expected an error');
    };
    const fromValidate = caught(() => validateWasm(bytes, { name: 'empty.wasm' }));
    const fromDecoder = caught(() => decodeComponent(bytes));
    expect(fromValidate).toMatchObject({ code: 'unexpected-end', offset: 0, exit: 2 });
    expect(fromValidate.message).toBe(`unexpected end-of-file: expected an 8-byte preamble, found ${list.length} byte${list.length === 1 ? '' : 's'}`);
    expect({ code: fromDecoder.code, message: fromDecoder.message, at: fromDecoder.at }).toEqual({ code: fromValidate.code, message: fromValidate.message, at: fromValidate.at });
  });
  it('four to seven bytes without the magic are bad-magic, as wasmparser says', () => {
    expect(truncatedPreamble(new Uint8Array([0x61, 0x62, 0x63, 0x64, 0x65]))).toBeUndefined();
    expect(() => decodeComponent(new Uint8Array([0x61, 0x62, 0x63, 0x64, 0x65]))).toThrow(expect.objectContaining({ code: 'bad-magic' }));
    expect(() => validateWasm(new Uint8Array([0x61, 0x62, 0x63, 0x64, 0x65]))).toThrow(expect.objectContaining({ code: 'bad-magic' }));
  });

  it('names the input in the error for bytes that are not WebAssembly', () => {
    const notWasm = new TextEncoder().encode('hello, world');
    expect(() => validateWasm(notWasm, { name: 'greeting.txt' })).toThrow(BinaryError);
    expect(() => validateWasm(notWasm, { name: 'greeting.txt' })).toThrow('greeting.txt is not a WebAssembly binary');
    try {
      validateWasm(notWasm);
      expect.unreachable();
    } catch (e) {
      expect((e as BinaryError).code).toBe('bad-magic');
      expect((e as BinaryError).message).toBe('input is not a WebAssembly binary');
      expect((e as BinaryError).hint).toBe('expected the \\0asm magic header');
    }
  });
});

describe('engineLacksFeature', () => {
  it.each([
    ['WebAssembly.Module(): Compiling function #0 failed: Invalid opcode 0x1f (enable with --experimental-wasm-exnref)', true],
    ['WebAssembly.Module(): At most one memory is supported (declared 2)', true],
    ['WebAssembly.Module(): memory count of 3 exceeds internal limit of 1', true],
    ['WebAssembly.Module(): Compiling function #0 failed: expected 1 elements on the stack for fallthru, found 0', false],
    ['WebAssembly.Module(): expected magic word 00 61 73 6d, found 68 65 6c 6c', false],
  ])('%s → %s', (message, lacks) => {
    expect(engineLacksFeature(message)).toBe(lacks);
  });
});
