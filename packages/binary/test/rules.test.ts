import { renderError } from '@weld/core';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { decodeComponent, encodeComponent, type Feature, validateComponent } from '../src/index.js';

// Validator rules the issue lists one by one (values, start, async canon options, P3 types, instantiation subtyping),
// each with its valid counterpart, and the location and wording of the errors.

async function check(body: string, features?: Feature[]) {
  const bytes = await parse(`(component ${body})`);
  // every case also round-trips byte for byte
  expect(Buffer.from(encodeComponent(decodeComponent(bytes))).equals(Buffer.from(bytes))).toBe(true);
  return validateComponent(bytes, features ? { features } : undefined);
}

const LIBC = '(core module $libc (memory (export "memory") 1) (func (export "pr"))) (core instance $libc (instantiate $libc))';
const ASYNC_CORE = '(core module $m (func (export "f") (result i32) unreachable) (func (export "cb") (param i32 i32 i32) (result i32) unreachable) (func (export "bad")))';

describe('values and start', () => {
  const V: Feature[] = ['cm-values'];
  it('a value consumed by start or an export is valid', async () => {
    expect((await check('(import "v" (value $v string)) (import "f" (func $f (param "x" string))) (start $f (value $v))', V)).valid).toBe(true);
    expect((await check('(import "v" (value $v string)) (export "w" (value $v))', V)).valid).toBe(true);
  });
  it('an unconsumed value is reported where it is defined', async () => {
    const r = await check('(import "v" (value $v string))', V);
    expect(r.valid).toBe(false);
    if (!r.valid) expect([r.error.code, r.error.section, r.error.offset]).toEqual(['value-not-consumed', 'import', 11]);
  });
  it('a value used twice is rejected at the second use', async () => {
    const r = await check('(import "v" (value $v string)) (import "f" (func $f (param "x" string) (param "y" string))) (start $f (value $v) (value $v))', V);
    expect(r.valid).toBe(false);
    if (!r.valid) expect([r.error.code, r.error.section]).toEqual(['value-not-consumed', 'start']);
  });
  it('the result value of start must be consumed; its count must match the function', async () => {
    const unconsumed = await check('(import "f" (func $f (result string))) (start $f (result (value $r)))', V);
    expect(!unconsumed.valid && unconsumed.error.code).toBe('value-not-consumed');
    const arity = await check('(import "f" (func $f)) (start $f (result (value $r)))', V);
    expect(!arity.valid && arity.error.code).toBe('invalid-start');
  });
  it('values need the cm-values feature', async () => {
    const r = await check('(import "v" (value $v string)) (export "w" (value $v))');
    expect(!r.valid && r.error.code).toBe('unsupported-feature');
  });
});

describe('P3: async canon options, stream and future types', () => {
  it('accepts stream/future types in an async function type', async () => {
    expect((await check('(type $s (stream u8)) (type $f (future)) (type $g (future $s)) (type (func async (param "s" $s) (result $g)))')).valid).toBe(true);
  });
  it('rejects a future of a borrow', async () => {
    const r = await check('(type $r (resource (rep i32))) (type $b (borrow $r)) (type (future $b))');
    expect(!r.valid && r.error.code).toBe('invalid-type');
  });
  it('async lift with a callback of the right signature is valid; a wrong callback signature is a canon option error', async () => {
    const ok = await check(`${ASYNC_CORE} (core instance $i (instantiate $m)) (type $t (func async)) (func (type $t) (canon lift (core func $i "f") async (callback (core func $i "cb"))))`);
    expect(ok.valid, ok.valid ? '' : ok.error.message).toBe(true);
    const bad = await check(`${ASYNC_CORE} (core instance $i (instantiate $m)) (type $t (func async)) (func (type $t) (canon lift (core func $i "f") async (callback (core func $i "bad"))))`);
    expect(!bad.valid && [bad.error.code, bad.error.section]).toEqual(['invalid-canon-options', 'canon']);
  });
  it('async lift of a sync function type is rejected; post-return with async lower is rejected', async () => {
    const lift = await check(`${ASYNC_CORE} (core instance $i (instantiate $m)) (func (canon lift (core func $i "f") async (callback (core func $i "cb"))))`);
    expect(!lift.valid && lift.error.code).toBe('invalid-canon-options');
    const lower = await check(`${LIBC} (import "f" (func $f)) (core func (canon lower (func $f) async (post-return (core func $libc "pr"))))`);
    expect(!lower.valid && lower.error.message).toBe('cannot specify post-return function in async');
  });
  it('memory for async calls as wasmparser asks for it: a result of an async lift goes through task.return, an async lowering writes its result to memory', async () => {
    // (u32, u64) flattens to two values: a sync lift would return them through memory, an async lift passes them to task.return
    const lift = await check(`${ASYNC_CORE} (core instance $i (instantiate $m)) (type $t (func async (result (tuple u32 u64)))) (func (type $t) (canon lift (core func $i "f") async (callback (core func $i "cb"))))`);
    expect(lift.valid, lift.valid ? '' : lift.error.message).toBe(true);
    const lowerResult = await check('(import "f" (func $f async (result u32))) (core func (canon lower (func $f) async))');
    expect(!lowerResult.valid && lowerResult.error.message).toBe('canonical option `memory` is required');
    // an async lowering passes at most 4 flat parameters directly, a sync one 16
    const five = '(import "f" (func $f async (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32)))';
    const lowerParams = await check(`${five} (core func (canon lower (func $f) async))`);
    expect(!lowerParams.valid && lowerParams.error.message).toBe('canonical option `memory` is required');
    expect((await check(`${five} (core func (canon lower (func $f)))`)).valid).toBe(true);
  });
});

describe('instantiation subtyping', () => {
  it('an instance argument may export more than the import asks for', async () => {
    const r = await check('(component $c (import "i" (instance (export "f" (func))))) (import "g" (func $g)) (import "h" (func $h)) (instance $e (export "f" (func $g)) (export "extra" (func $h))) (instance (instantiate $c (with "i" (instance $e))))');
    expect(r.valid, r.valid ? '' : r.error.message).toBe(true);
  });
  it('each instantiation of a component creates its resources afresh (resources by identity)', async () => {
    const C = '(component $F (type $t (resource (rep i32))) (export "t" (type $t))) (instance $f1 (instantiate $F)) (instance $f2 (instantiate $F))';
    const T = '(component $T (import "x" (type $x (sub resource))) (import "y" (type (eq $x))))';
    const same = await check(`${C} (alias export $f1 "t" (type $a)) ${T} (instance (instantiate $T (with "x" (type $a)) (with "y" (type $a))))`);
    expect(same.valid, same.valid ? '' : same.error.message).toBe(true);
    const other = await check(`${C} (alias export $f1 "t" (type $a)) (alias export $f2 "t" (type $b)) ${T} (instance (instantiate $T (with "x" (type $a)) (with "y" (type $b))))`);
    expect(!other.valid && [other.error.code, other.error.message]).toEqual(['type-mismatch', 'type mismatch for import `y`\nresource types are not the same']);
  });
  it('exporting a resource twice keeps one identity, unless an export ascribes `(sub resource)`, which hides it behind a fresh one', async () => {
    const C = (second: string) => `(component $C (type $r (resource (rep i32))) (export "r1" (type $r)) ${second}) (instance $c (instantiate $C)) (alias export $c "r1" (type $r1)) (alias export $c "r2" (type $r2))`;
    const T = '(component $eq (import "a" (type $a (sub resource))) (import "b" (type (eq $a)))) (instance (instantiate $eq (with "a" (type $r1)) (with "b" (type $r2))))';
    const same = await check(`${C('(export "r2" (type $r))')} ${T}`);
    expect(same.valid, same.valid ? '' : same.error.message).toBe(true);
    const hidden = await check(`${C('(export "r2" (type $r) (type (sub resource)))')} ${T}`);
    expect(!hidden.valid && hidden.error.message).toBe('type mismatch for import `b`\nresource types are not the same');
  });
  it('records compare by field names in order; the error says which fields', async () => {
    const r = await check('(type $a (record (field "x" u8) (field "y" u8))) (type $b (record (field "y" u8) (field "x" u8))) (component $c (import "t" (type (eq $a)))) (instance (instantiate $c (with "t" (type $b))))');
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.error.code).toBe('type-mismatch');
      expect(r.error.message).toContain('expected field name `x`, found `y`');
      expect(r.error.section).toBe('instance');
    }
  });
  it('a parameter type difference names the path inside the type', async () => {
    const r = await check(
      '(component $c (import "f" (func (param "p" (tuple u8 (list u8)))))) (import "g" (func $g (param "p" (tuple u8 (list u16))))) (instance (instantiate $c (with "f" (func $g))))',
    );
    // wasmparser's context chain, outermost first
    expect(!r.valid && r.error.message).toContain('type mismatch in function parameter `p`\ntype mismatch in tuple field 1\nexpected primitive `u8` found primitive `u16`');
  });
});

describe('errors name the section path and offset', () => {
  it('inside nested components', async () => {
    const r = await check('(component (component (type (record))))');
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.error.section).toBe('component[0] > component[0] > type');
      expect(renderError(r.error).split('\n')[1]).toMatch(/^at component\[0\] > component\[0\] > type section, byte offset \d+ \(0x[0-9a-f]+\)$/);
    }
  });
});

describe('core modules the engine cannot check', () => {
  it('a proposal this V8 lacks (multi-memory before V8 12) is a note on a valid result, not a verdict', async () => {
    const core = await parse('(module (memory 1) (memory 1))');
    const engineHasIt = WebAssembly.validate(core);
    const r = await check('(core module $m (memory 1) (memory 1)) (core instance (instantiate $m))');
    expect(r.valid, r.valid ? '' : r.error.message).toBe(true);
    if (r.valid) {
      if (engineHasIt) expect(r.notes).toEqual([]);
      else expect(r.notes[0]).toMatch(/uses a proposal this engine \(V8 [^)]+\) cannot check .*; only its structure, imports and exports were validated$/);
    }
  });
  it('a module the engine rejects for being invalid is still invalid', async () => {
    const r = await check('(core module $m (func (result i32))) (core instance (instantiate $m))');
    expect(!r.valid && r.error.code).toBe('invalid-core-module');
    // led by wasmparser's words for the kind of error, then V8's own
    expect(!r.valid && r.error.message).toMatch(/^core module is invalid: type mismatch: .*stack/);
  });
});

