import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { decodeComponent, encodeComponent, type Feature, validateComponent } from '../src/index.js';

// The GC canonical ABI (`gc` and `core-type` canon options): cases beyond wasm-tools' gc/*.wast spec tests (which
// spec.test.ts scores), for lifts of module functions, type indices resolved through outer aliases and nested
// structs, built-ins with a declared core type, and where errors are reported.

const GC: Feature[] = ['gc', 'cm-gc', 'cm-async', 'cm-more-async-builtins', 'cm-error-context'];

async function check(body: string, features: Feature[] = GC) {
  const bytes = await parse(`(component $C ${body})`);
  expect(Buffer.from(encodeComponent(decodeComponent(bytes))).equals(Buffer.from(bytes))).toBe(true);
  return validateComponent(bytes, { features });
}

async function expectError(body: string, code: string, message: string) {
  const r = await check(body);
  expect(r.valid, `expected ${message}`).toBe(false);
  if (!r.valid) {
    expect(r.error.code).toBe(code);
    expect(r.error.section).toBe('canon');
    expect(r.error.message).toBe(message);
  }
}

async function expectValid(body: string) {
  const r = await check(body);
  expect(r.valid, r.valid ? '' : r.error.message).toBe(true);
}

const IMPORT_F = (params: string, result = '') => `(import "f" (func $f ${params} ${result}))`;

describe('canon lift with `gc`: the core function type is checked against the component type', () => {
  const module = (param: string) => `(core module $m (type $a (array i16)) (type $s (struct (field i8) (field (ref $a)))) (func (export "f") (param ${param}) unreachable)) (core instance $i (instantiate $m))`;
  it('resolves the struct and array types in the module that defines the function', async () => {
    await expectValid(`${module('(ref $s)')} (type $r (record (field "a" u8) (field "b" string))) (export $r2 "r" (type $r)) (func (export "f") (param "x" $r2) (canon lift (core func $i "f") gc string-encoding=utf16))`);
  });
  it('a string field of the wrong code unit is named with the encoding it needed', async () => {
    await expectError(
      `${module('(ref $s)')} (type $r (record (field "a" u8) (field "b" string))) (export $r2 "r" (type $r)) (func (export "f") (param "x" $r2) (canon lift (core func $i "f") gc))`,
      'type-mismatch', 'expected to lower component `string` type to core `(ref null? (array (mut? i8)))` type, found `(ref 0)`',
    );
  });
  it('a packed field must hold a small integer, not a 32-bit one', async () => {
    await expectError(
      `${module('(ref $s)')} (type $r (record (field "a" u32) (field "b" string))) (export $r2 "r" (type $r)) (func (export "f") (param "x" $r2) (canon lift (core func $i "f") gc string-encoding=utf16))`,
      'type-mismatch', 'expected to lower component `u32` type to core `i32` type, found `i8`',
    );
  });
  it('counts parameters and results', async () => {
    await expectError(`${module('i32')} (func (export "f") (canon lift (core func $i "f") gc))`, 'type-mismatch',
      'declared `core-type` has 1 parameters, but component function has 0 parameters');
    await expectError(`${module('i32')} (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f") gc))`, 'type-mismatch',
      'declared `core-type` has 0 results, but component function has 1 results');
  });
  it('needs no memory or realloc, however many parameters', async () => {
    const params = Array.from({ length: 20 }, (_, i) => `(param "p${i}" string)`).join(' ');
    await expectValid(`(core module $m (type $a (array i8)) (func (export "f") (param ${Array(20).fill('(ref null $a)').join(' ')}) unreachable)) (core instance $i (instantiate $m)) (func (export "f") ${params} (canon lift (core func $i "f") gc))`);
  });
  it('a lift may not declare `core-type`', async () => {
    await expectError(`${module('i32')} (core type $t (func (param i32))) (func (export "f") (param "x" u32) (canon lift (core func $i "f") gc (core-type $t)))`,
      'invalid-canon-options', 'canonical option `core-type` is not allowed in `canon lift`');
  });
});

describe('canon lower with `gc` and `core-type`', () => {
  it('follows a struct type aliased from an outer component into the outer index space', async () => {
    // index 0 is the aliased struct inside, the array outside: resolving (ref $s) in the wrong space fails
    await expectValid('(core type $s (array i8)) (core type $r (struct (field (ref $s)))) (component (alias outer $C $r (core type $r)) (core type $ty (func (param (ref $r)))) (type $rec (record (field "a" string))) (import "i" (instance $i (export "t" (type $t (eq $rec))) (export "f" (func (param "x" $t))))) (core func (canon lower (func $i "f") gc (core-type $ty))))');
  });
  it('lists lower to arrays element by element, nested lists too', async () => {
    await expectValid(`(core type $inner (array i16)) (core type $outer (array (ref $inner))) (core type $ty (func (param (ref null $outer)))) ${IMPORT_F('(param "x" (list (list s16)))')} (core func (canon lower (func $f) gc (core-type $ty)))`);
    await expectError(`(core type $inner (array i8)) (core type $outer (array (ref $inner))) (core type $ty (func (param (ref null $outer)))) ${IMPORT_F('(param "x" (list (list s16)))')} (core func (canon lower (func $f) gc (core-type $ty)))`,
      'type-mismatch', 'expected to lower component `s16` type to core `i16` type, found `i8`');
  });
  it('resources, futures and streams are externref; error-context too', async () => {
    await expectValid(`(import "r" (type $r (sub resource))) (type $fu (future u8)) (core type $ty (func (param externref (ref extern)) (result externref))) ${IMPORT_F('(param "a" (borrow $r)) (param "b" $fu)', '(result (own $r))').replace('(func $f', '(func $f async')} (core func (canon lower (func $f) gc (core-type $ty)))`);
    await expectError(`(core type $ty (func (param funcref))) ${IMPORT_F('(param "e" error-context)')} (core func (canon lower (func $f) gc (core-type $ty)))`,
      'type-mismatch', 'expected to lower component `error-context` type into core `(ref null? extern)` type, but found `funcref`');
  });
  it('nullable bottom references print as wasmparser prints them', async () => {
    await expectError(`(core type $ty (func (param nullref))) ${IMPORT_F('(param "x" (option u8))')} (core func (canon lower (func $f) gc (core-type $ty)))`,
      'type-mismatch', 'expected to lower component `option` type to core `(ref null? (struct))`, but found `nullref`');
  });
  it('`core-type` must name a core function type, once', async () => {
    await expectError(`(core type $s (struct)) ${IMPORT_F('')} (core func (canon lower (func $f) gc (core-type $s)))`,
      'invalid-canon-options', 'canonical option `core type` must reference a core function type');
    await expectError(`(core type $t (func)) ${IMPORT_F('')} (core func (canon lower (func $f) gc (core-type $t) (core-type $t)))`,
      'invalid-canon-options', 'canonical option `core type` is specified more than once');
    await expectError(`${IMPORT_F('')} (core func (canon lower (func $f) gc (core-type 7)))`,
      'index-out-of-bounds', 'unknown type 7: type index out of bounds');
  });
  it('`gc` and `core-type` need the cm-gc feature', async () => {
    const r = await check(`(core type $t (func)) ${IMPORT_F('')} (core func (canon lower (func $f) gc (core-type $t)))`, ['gc']);
    expect(!r.valid && [r.error.code, r.error.message]).toEqual(['unsupported-feature', 'canonical option `gc` requires the `cm-gc` feature']);
  });
});

describe('built-ins with a declared core type', () => {
  it('task.return lowers its result as a parameter', async () => {
    await expectValid('(core type $a (array i8)) (core type $ty (func (param (ref $a)))) (core func (canon task.return (result string) gc (core-type $ty)))');
    await expectError('(core type $ty (func (param i32 i32))) (core func (canon task.return (result string) gc (core-type $ty)))',
      'type-mismatch', 'declared `core-type` has 2 parameters, but component function has 1 parameters');
  });
  it('stream.read must declare exactly its fixed signature', async () => {
    const lib = '(core module $libc (memory (export "m") 1)) (core instance $libc (instantiate $libc)) (alias core export $libc "m" (core memory $mem))';
    await expectValid(`${lib} (type $s (stream u8)) (core type $ty (func (param i32 i32 i32) (result i32))) (core func (canon stream.read $s async (memory $mem) gc (core-type $ty)))`);
    await expectError(`${lib} (type $s (stream u8)) (core type $ty (func (param i32 i32) (result i32))) (core func (canon stream.read $s async (memory $mem) gc (core-type $ty)))`,
      'type-mismatch', 'declared core type has `[I32, I32]` parameter types, but actual lowering has `[I32, I32, I32]` parameter types');
    await expectError(`${lib} (core type $ty (func (param i32 i32) (result i64))) (core func (canon error-context.new (memory $mem) gc (core-type $ty)))`,
      'type-mismatch', 'declared core type has `[I64]` result types, but actual lowering has `[I32]` result types');
  });
});

/** wasm-tools' tests/cli/component-model/gc/core-type.wat (not in the .wast corpus), whitespace collapsed: valid when no message. */
const CORE_TYPE_WAT: [string, string | undefined][] = [
  [`(component (import "f" (func $f (param "x" u32) (result u32))) (core func (canon lower (func $f) gc)))`, 'cannot specify `gc` without also specifying a `core-type` for lowerings'],
  [`(component (import "f" (func $f (param "x" u32) (result u32))) (core type $ty (func (param i32) (result i32))) (core func (canon lower (func $f) gc gc (core-type $ty))))`, 'canonical option `gc` is specified more than once'],
  [`(component (import "f" (func $f (param "x" u32) (result u32))) (core type $ty (func (param i32) (result i32))) (core func (canon lower (func $f) (core-type $ty))))`, 'cannot specify `core-type` without `gc`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (func (param i32 i32) (result i32))) (core func (canon lower (func $f) gc (core-type $ty))))`, undefined],
  [`(component (core module $m (memory (export "memory") 1) (func (export "f") (result i32) unreachable)) (core instance $i (instantiate $m)) (core type $ty (func (result i32))) (func (export "f") (result u32) (canon lift (core func $i "f") gc (core-type $ty))))`, 'canonical option `core-type` is not allowed in `canon lift`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (func (param i64 i32) (result i32))) (core func (canon lower (func $f) gc (core-type $ty))))`, 'expected to lower component `u32` type to core `i32` type, found `i64`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (func (param i32 i32) (result i64))) (core func (canon lower (func $f) gc (core-type $ty))))`, 'expected to lower component `u32` type to core `i32` type, found `i64`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core rec (type (func)) (type $ty (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $ty))) (core module $m (rec (type (func)) (type $ty (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, undefined],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (func (param i32 i32) (result i32))) (core func $f (canon lower (func $f) gc (core-type $ty))) (core module $m (rec (type (func)) (type $ty (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, 'type mismatch for export `b` of module instantiation argument `a`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $super_ty (sub (func (param i32 i32) (result i32)))) (core type $sub_ty (sub $super_ty (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $sub_ty))) (core module $m (type $super_ty (sub (func (param i32 i32) (result i32)))) (type $sub_ty (sub $super_ty (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $sub_ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, undefined],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $super_ty (sub (func (param i32 i32) (result i32)))) (core type $sub_ty (sub $super_ty (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $sub_ty))) (core module $m (type $super_ty (sub (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $super_ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, undefined],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (func (param i32 i32) (result i32))) (core func $f (canon lower (func $f) gc (core-type $ty))) (core module $m (type $super_ty (sub (func (param i32 i32) (result i32)))) (type $sub_ty (sub $super_ty (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $sub_ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, 'type mismatch for export `b` of module instantiation argument `a`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $super_ty (sub (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $super_ty))) (core module $m (type $super_ty (sub (func (param i32 i32) (result i32)))) (type $sub_ty (sub $super_ty (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $sub_ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, 'type mismatch for export `b` of module instantiation argument `a`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (sub final (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $ty))) (core module $m (type $ty (sub (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, 'type mismatch for export `b` of module instantiation argument `a`'],
  [`(component (import "f" (func $f (param "x" u32) (param "y" u32) (result u32))) (core type $ty (sub (func (param i32 i32) (result i32)))) (core func $f (canon lower (func $f) gc (core-type $ty))) (core module $m (type $ty (sub final (func (param i32 i32) (result i32)))) (import "a" "b" (func (type $ty)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $f)))))))`, 'type mismatch for export `b` of module instantiation argument `a`'],
];

describe('core type identity: recursion groups, subtyping and finality (gc/core-type.wat)', () => {
  it.each(CORE_TYPE_WAT.map(([text, message], i) => [i, text, message] as const))('case %i', async (_i, text, message) => {
    const r = validateComponent(await parse(text), { features: GC });
    if (message === undefined) expect(r.valid, r.valid ? '' : r.error.message).toBe(true);
    else expect(r.valid ? 'valid' : r.error.message).toContain(message);
  });

  const lowered = (refs: string) => `(core type $a (array i8)) (core type $ty (func (param (ref $a)))) ${IMPORT_F('(param "s" string)')} (core func $g (canon lower (func $f) gc (core-type $ty))) (core module $m ${refs} (import "a" "b" (func (type $t)))) (core instance (instantiate $m (with "a" (instance (export "b" (func $g))))))`;
  it('a concrete reference is the type it names, whatever its index', async () => {
    // the module's array type sits at index 1, the component's at 0
    await expectValid(lowered('(type (struct)) (type $a2 (array i8)) (type $t (func (param (ref $a2))))'));
  });
  it('a reference to a different array type is a different function type', async () => {
    const r = await check(lowered('(type $a2 (array i16)) (type $t (func (param (ref $a2))))'));
    expect(!r.valid && [r.error.code, r.error.message.split('\n')[0]]).toEqual(['type-mismatch', 'type mismatch for export `b` of module instantiation argument `a`']);
  });
  it('a function lifted without `gc` must have the lowered type: final, in a recursion group of its own', async () => {
    const lift = (type: string) => `(core module $m (type $t ${type}) (func (export "f") (type $t))) (core instance $i (instantiate $m)) (func (export "f") (canon lift (core func $i "f")))`;
    await expectValid(lift('(func)'));
    await expectError(lift('(sub (func))'), 'type-mismatch', 'lowered function type does not match the type of core function 0: the function types are written alike but are different types: expected is final, in a recursion group of its own; found is not final, in a recursion group of its own');
  });
  it('globals and tables match the very same value type, by identity for defined types', async () => {
    const link = (exporter: string, importer: string) => `(core module $x ${exporter}) (core instance $x (instantiate $x)) (core module $m ${importer}) (core instance (instantiate $m (with "a" (instance $x))))`;
    await expectValid(link('(type $s (struct)) (global (export "b") (ref null $s) (ref.null $s))', '(type (func)) (type $s (struct)) (import "a" "b" (global (ref null $s)))'));
    await expectValid(link('(table (export "b") 1 funcref)', '(import "a" "b" (table 1 (ref null func)))'));
    const other = await check(link('(type $s (struct)) (global (export "b") (ref null $s) (ref.null $s))', '(type $s (struct (field i32))) (import "a" "b" (global (ref null $s)))'));
    expect(!other.valid && other.error.message).toBe('type mismatch for export `b` of module instantiation argument `a`\nexpected global type (ref null $0), found (ref null $0) (the same type index names different types on the two sides)');
    // no subtyping for globals, even immutable ones (wasmparser compares them for equality)
    const sub = await check(link('(func $f) (elem declare func $f) (global (export "b") (ref func) (ref.func $f))', '(import "a" "b" (global funcref))'));
    expect(!sub.valid && sub.error.message).toBe('type mismatch for export `b` of module instantiation argument `a`\nexpected global type funcref, found (ref func)');
  });
  it('`funcref` and `(ref null func)` are one type', async () => {
    await expectValid('(core module $x (func (export "b") (param funcref))) (core instance $x (instantiate $x)) (core module $m (type $t (func (param (ref null func)))) (import "a" "b" (func (type $t)))) (core instance (instantiate $m (with "a" (instance $x))))');
  });
});
