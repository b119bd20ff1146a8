import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { type BinaryErrorCode, encodeComponent, type Feature, validateComponent, type Component, type Section } from '../src/index.js';

// Hand-written invalid components, each rejected with a specific error code. WAT goes through jco's parser (which
// does not validate), raw bytes cover what the text format cannot express.
const LIBC = `(core module $libc (memory (export "memory") 1) (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $libc (instantiate $libc))`;
const MEM = '(memory (core memory $libc "memory"))';
const REALLOC = '(realloc (core func $libc "realloc"))';

const wat: [string, string, BinaryErrorCode][] = [
  // index spaces
  ['func index out of bounds', '(export "f" (func 0))', 'index-out-of-bounds'],
  ['type index out of bounds', '(import "f" (func (type 3)))', 'index-out-of-bounds'],
  ['instance index out of bounds', '(alias export 0 "x" (func))', 'index-out-of-bounds'],
  ['core instance index out of bounds', '(alias core export 2 "x" (core func))', 'index-out-of-bounds'],
  ['component index out of bounds', '(instance (instantiate 0))', 'index-out-of-bounds'],
  ['core module index out of bounds', '(core instance (instantiate 0))', 'index-out-of-bounds'],
  ['core func index out of bounds', '(type (func)) (func (type 0) (canon lift (core func 9)))', 'index-out-of-bounds'],
  ['memory index out of bounds', '(type (func (param "s" string))) (import "f" (func $f (type 0))) (core func (canon lower (func $f) (memory 4)))', 'index-out-of-bounds'],
  ['value type refers to missing type', '(type (list 7))', 'index-out-of-bounds'],
  ['own of missing type', '(type (own 0))', 'index-out-of-bounds'],
  ['outer alias count too large', '(component (alias outer 5 0 (type)))', 'invalid-alias'],
  ['outer alias index out of bounds', '(component (alias outer 1 4 (type)))', 'index-out-of-bounds'],
  ['core export missing', '(core module $m) (core instance $i (instantiate $m)) (alias core export $i "nope" (core func))', 'missing-export'],
  ['instance export missing', '(import "i" (instance $i)) (alias export $i "nope" (func))', 'missing-export'],
  // sorts and types
  ['func import with a record type', '(type (record (field "a" u8))) (import "f" (func (type 0)))', 'invalid-type'],
  ['instance import with a func type', '(type (func)) (import "i" (instance (type 0)))', 'invalid-type'],
  ['component import with an instance type', '(type (instance)) (import "c" (component (type 0)))', 'invalid-type'],
  ['core module import with a func core type', '(core type (func)) (import "m" (core module (type 0)))', 'invalid-type'],
  ['own of a non-resource', '(type u8) (type (own 0))', 'invalid-type'],
  ['value type refers to a func type', '(type (func)) (type (list 0))', 'invalid-type'],
  ['empty record', '(type (record))', 'invalid-type'],
  ['empty variant', '(type (variant))', 'invalid-type'],
  ['empty tuple', '(type (tuple))', 'invalid-type'],
  ['empty enum', '(type (enum))', 'invalid-type'],
  ['33 flags', `(type (flags ${Array.from({ length: 33 }, (_, i) => `"f${i}"`).join(' ')}))`, 'invalid-type'],
  ['borrow in a result', '(type $r (resource (rep i32))) (type $b (borrow $r)) (type (func (result $b)))', 'invalid-type'],
  ['stream of char', '(type (stream char))', 'invalid-type'],
  ['resource in an instance type', '(type (instance (type (resource (rep i32)))))', 'invalid-type'],
  ['resource rep not i32', '(type (resource (rep f32)))', 'invalid-type'],
  ['resource dtor with wrong signature', '(core module $m (func (export "d"))) (core instance $i (instantiate $m)) (alias core export $i "d" (core func $d)) (type (resource (rep i32) (dtor (core func $d))))', 'type-mismatch'],
  ['zero-length fixed list', '(type (list u8 0))', 'invalid-type'],
  // names
  ['non-kebab import name', '(import "NotKebab_name" (func))', 'invalid-name'],
  ['empty export name', '(type (func)) (import "a" (func $a (type 0))) (export "" (func $a))', 'invalid-name'],
  ['duplicate import names', '(import "a" (func)) (import "a" (func))', 'duplicate-name'],
  ['import names differing in case', '(import "a-b" (func)) (import "A-B" (func))', 'duplicate-name'],
  ['duplicate export names', '(import "a" (func $a)) (export "x" (func $a)) (export "x" (func $a))', 'duplicate-name'],
  ['duplicate record fields', '(type (record (field "a" u8) (field "a" u8)))', 'duplicate-name'],
  ['duplicate variant cases', '(type (variant (case "a") (case "A")))', 'duplicate-name'],
  ['duplicate enum cases', '(type (enum "x" "x"))', 'duplicate-name'],
  ['duplicate flags', '(type (flags "x" "x"))', 'duplicate-name'],
  ['duplicate params', '(type (func (param "a" u8) (param "a" u8)))', 'duplicate-name'],
  ['non-kebab field name', '(type (record (field "a_b" u8)))', 'invalid-name'],
  ['interface name without interface', '(import "wasi:cli" (instance))', 'invalid-name'],
  ['bad interface version', '(import "wasi:cli/env@1.x" (instance))', 'invalid-name'],
  ['method without resource', '(import "[method]r.f" (func))', 'invalid-name'],
  ['constructor returning the wrong type', '(import "r" (type $r (sub resource))) (import "[constructor]r" (func (result u32)))', 'invalid-name'],
  ['method without a self borrow', '(import "r" (type $r (sub resource))) (import "[method]r.f" (func (param "x" u32)))', 'invalid-name'],
  ['bad integrity hash', '(import "integrity=<md5-abc>" (func))', 'invalid-name'],
  // instantiation
  ['missing instantiation argument', '(component $c (import "f" (func))) (instance (instantiate $c))', 'missing-argument'],
  ['argument of the wrong sort', '(component $c (import "f" (func))) (import "i" (instance $i)) (instance (instantiate $c (with "f" (instance $i))))', 'type-mismatch'],
  ['argument with wrong param type', '(component $c (import "f" (func (param "x" u32)))) (import "g" (func $g (param "x" string))) (instance (instantiate $c (with "f" (func $g))))', 'type-mismatch'],
  ['argument with wrong param name', '(component $c (import "f" (func (param "x" u32)))) (import "g" (func $g (param "y" u32))) (instance (instantiate $c (with "f" (func $g))))', 'type-mismatch'],
  ['argument with wrong record field', '(type $a (record (field "x" u8))) (type $b (record (field "y" u8))) (component $c (import "t" (type (eq $a)))) (instance (instantiate $c (with "t" (type $b))))', 'type-mismatch'],
  ['instance argument missing an export', '(component $c (import "i" (instance (export "f" (func))))) (instance $e) (instance (instantiate $c (with "i" (instance $e))))', 'type-mismatch'],
  ['resource identity mismatch', '(import "r1" (type $r1 (sub resource))) (import "r2" (type $r2 (sub resource))) (type $o1 (own $r1)) (type $o2 (own $r2)) (component $c (import "r" (type $r (sub resource))) (import "f" (func (param "x" (own $r))))) (import "g" (func $g (param "x" $o2))) (instance (instantiate $c (with "r" (type $r1)) (with "f" (func $g))))', 'type-mismatch'],
  ['core module argument missing', '(core module $m (import "env" "f" (func))) (core instance (instantiate $m))', 'missing-argument'],
  ['core argument export missing', '(core module $m (import "env" "f" (func))) (core instance $e) (core instance (instantiate $m (with "env" (instance $e))))', 'missing-export'],
  ['core argument wrong signature', '(core module $m (import "env" "f" (func (param i32)))) (core module $n (func (export "f"))) (core instance $e (instantiate $n)) (core instance (instantiate $m (with "env" (instance $e))))', 'type-mismatch'],
  ['duplicate core argument', '(core module $m) (core instance $e) (core instance (instantiate $m (with "a" (instance $e)) (with "a" (instance $e))))', 'duplicate-name'],
  // canon
  ['lift with wrong core signature', '(core module $m (func (export "f") (param i64))) (core instance $i (instantiate $m)) (func (param "x" u32) (canon lift (core func $i "f")))', 'type-mismatch'],
  ['lift of a string without memory', '(core module $m (func (export "f") (param i32 i32))) (core instance $i (instantiate $m)) (func (param "x" string) (canon lift (core func $i "f")))', 'invalid-canon-options'],
  ['lower of a string without memory', '(import "f" (func $f (param "x" string) (result string))) (core func (canon lower (func $f)))', 'invalid-canon-options'],
  ['two string encodings', `${LIBC} (import "f" (func $f (param "x" string))) (core func (canon lower (func $f) string-encoding=utf8 string-encoding=utf16 ${MEM} ${REALLOC}))`, 'invalid-canon-options'],
  ['memory given twice', `${LIBC} (import "f" (func $f (param "x" string))) (core func (canon lower (func $f) ${MEM} ${MEM}))`, 'invalid-canon-options'],
  ['realloc with wrong signature', `(core module $libc (memory (export "memory") 1) (func (export "realloc") (param i32) (result i32) unreachable)) (core instance $libc (instantiate $libc)) (import "f" (func $f (result string))) (core func (canon lower (func $f) ${MEM} ${REALLOC}))`, 'invalid-canon-options'],
  ['post-return on lower', `${LIBC} (import "f" (func $f)) (core func (canon lower (func $f) (post-return (core func $libc "realloc"))))`, 'invalid-canon-options'],
  ['callback without async', '(core module $m (func (export "f")) (func (export "cb") (param i32 i32 i32) (result i32) unreachable)) (core instance $i (instantiate $m)) (func (canon lift (core func $i "f") (callback (core func $i "cb"))))', 'invalid-canon-options'],
  ['resource.new of an imported resource', '(import "r" (type $r (sub resource))) (core func (canon resource.new $r))', 'invalid-resource-use'],
  ['resource.rep of a non-resource', '(type $t u8) (core func (canon resource.rep $t))', 'invalid-type'],
  ['stream.new of a future type', '(type $f (future u8)) (core func (canon stream.new $f))', 'invalid-type'],
  ['context.get slot out of range', '(core func (canon context.get i32 5))', 'invalid-canon-options'],
  ['context.get of f32', '(core func (canon context.get f32 0))', 'invalid-type'],
  // core modules, exports
  ['invalid core module body', '(core module (func (result i32)))', 'invalid-core-module'],
  ['export of an unnamed record', '(type $t (record (field "a" u8))) (type $u (record (field "t" $t))) (export "u" (type $u))', 'invalid-resource-use'],
  ['func export mentioning a local resource', '(type $r (resource (rep i32))) (core module $m (func (export "f") (param i32))) (core instance $i (instantiate $m)) (type $o (own $r)) (func $f (param "x" $o) (canon lift (core func $i "f"))) (export "f" (func $f))', 'invalid-resource-use'],
  ['export ascribed with an incompatible type', '(import "f" (func $f (param "x" u32))) (export "g" (func $f) (func (param "x" string)))', 'type-mismatch'],
  ['unconsumed value', '(import "v" (value string))', 'unsupported-feature'],
  // rules closed after the spec-test audit
  ['dependency name as an export', '(type (component (export "locked-dep=<a:b>" (func))))', 'invalid-name'],
  ['url name as an export', '(type (component (export "url=<x>" (func))))', 'invalid-name'],
  ['core module importing the same name twice', '(core module (import "" "a" (func)) (import "" "a" (func)))', 'duplicate-name'],
  ['async lower of a sync function type', '(import "f" (func $f)) (core func (canon lower (func $f) async))', 'invalid-canon-options'],
  ['core func type referring to a module type', '(core type $t (module)) (core type (func (param (ref $t))))', 'invalid-type'],
  ['core func type referring to a missing type', '(core type (func (param (ref 100))))', 'index-out-of-bounds'],
  ['import mentioning a locally defined resource', '(type $r (resource (rep i32))) (import "x" (func (result (own $r))))', 'invalid-resource-use'],
  ['import mentioning a resource the component type exports', '(type (component (export "x" (type $x (sub resource))) (import "f" (func (result (own $x))))))', 'invalid-resource-use'],
  ['import mentioning a record named by an export', '(type $t1 (record (field "f" u32))) (export $t2 "t1" (type $t1)) (import "i" (func (result $t2)))', 'invalid-resource-use'],
  ['memory larger than 4 GiB in a module type', '(core type (module (import "" "" (memory 70000))))', 'invalid-type'],
];

function section(s: Partial<Section> & Pick<Section, 'id' | 'kind'>): Section {
  return { offset: 0, size: 0, ...s } as Section;
}
const comp = (sections: Section[]): Component => ({ offset: 0, size: 0, version: 0x0d, layer: 1, sections });
const PRE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

const raw: [string, Uint8Array, BinaryErrorCode][] = [
  ['truncated section', new Uint8Array([...PRE, 0x07, 0x05, 0x01]), 'section-size-mismatch'],
  ['bytes after the last item', new Uint8Array([...PRE, 0x07, 0x03, 0x01, 0x73, 0x00]), 'section-size-mismatch'],
  ['unknown section id', new Uint8Array([...PRE, 0x0e, 0x00]), 'invalid-leading-byte'],
  ['unknown type opcode', new Uint8Array([...PRE, 0x07, 0x02, 0x01, 0x50]), 'invalid-leading-byte'],
  ['overlong LEB', new Uint8Array([...PRE, 0x07, 0x07, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x73]), 'invalid-leb'],
  ['bad UTF-8 in a name', new Uint8Array([...PRE, 0x0a, 0x06, 0x01, 0x00, 0x01, 0xc3, 0x01, 0x00]), 'invalid-utf8'],
  ['core module in place of a component', new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), 'not-a-component'],
  ['bad magic', new Uint8Array([0x00, 0x61, 0x73, 0x6e, 0x0d, 0x00, 0x01, 0x00]), 'bad-magic'],
  ['future version', new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0e, 0x00, 0x01, 0x00]), 'bad-version'],
  ['embedded core module with bad preamble', new Uint8Array([...PRE, 0x01, 0x08, 0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]), 'malformed-core-module'],
  ['variant case with refines byte', new Uint8Array([...PRE, 0x07, 0x06, 0x01, 0x71, 0x01, 0x01, 0x61, 0x00]), 'unexpected-end'],
  ['vector count larger than the section', new Uint8Array([...PRE, 0x07, 0x02, 0x7f, 0x00]), 'unexpected-end'],
  ['two start functions', encodeComponent(comp([
    section({ id: 7, kind: 'type', items: [{ kind: 'func', async: false, params: [] }] }),
    section({ id: 10, kind: 'import', items: [{ name: { name: 'f', form: 0 }, type: { kind: 'func', type: 0 } }] }),
    section({ id: 9, kind: 'start', start: { func: 0, args: [], results: 0 } }),
    section({ id: 9, kind: 'start', start: { func: 0, args: [], results: 0 } }),
  ] as Section[])), 'invalid-start'],
  ['start arity mismatch', encodeComponent(comp([
    section({ id: 7, kind: 'type', items: [{ kind: 'func', async: false, params: [{ name: 'a', type: 'u32' }] }] }),
    section({ id: 10, kind: 'import', items: [{ name: { name: 'f', form: 0 }, type: { kind: 'func', type: 0 } }] }),
    section({ id: 9, kind: 'start', start: { func: 0, args: [], results: 0 } }),
  ] as Section[])), 'invalid-start'],
];

const TOOLCHAIN_FEATURES: Feature[] = ['exceptions', 'gc', 'cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map'];

describe('invalid components are rejected with the right error', () => {
  it(`has at least 60 cases (${wat.length + raw.length})`, () => {
    expect(wat.length + raw.length).toBeGreaterThanOrEqual(60);
  });
  for (const [name, body, code] of wat) {
    it(`${code}: ${name}`, async () => {
      const bytes = await parse(`(component ${body})`);
      // the toolchain proposals on, as the cases were written against them (`cm-values` only where a case says so)
      const r = validateComponent(bytes, { features: name === 'start arity mismatch' ? ['cm-values'] : TOOLCHAIN_FEATURES });
      expect(r.valid, `expected ${code}`).toBe(false);
      if (!r.valid) {
        expect(r.error.code, r.error.message).toBe(code);
        expect(r.error.offset).toBeGreaterThanOrEqual(0);
        expect(r.error.section).toBeTruthy();
      }
    });
  }
  for (const [name, bytes, code] of raw) {
    it(`${code}: ${name}`, () => {
      const r = validateComponent(bytes, { features: ['cm-values', 'cm-async'] });
      expect(r.valid).toBe(false);
      if (!r.valid) expect(r.error.code, r.error.message).toBe(code);
    });
  }
  it('accepts the valid counterparts', async () => {
    for (const body of [
      '(import "a" (func)) (import "b" (func))',
      `${LIBC} (import "f" (func $f (param "x" string) (result string))) (core func (canon lower (func $f) ${MEM} ${REALLOC}))`,
      '(type $r (resource (rep i32))) (core func (canon resource.new $r))',
      '(type $t (record (field "a" u8))) (export $e "t" (type $t)) (type $u (record (field "t" $e))) (export "u" (type $u))',
      '(import "r" (type $r (sub resource))) (import "[constructor]r" (func (result (own $r)))) (import "[method]r.f" (func (param "self" (borrow $r))))',
      '(core type $t1 (sub (func (param eqref)))) (core type (sub $t1 (func (param anyref))))',
      `(type $t0 u8) ${Array.from({ length: 99 }, (_, i) => `(type $t${i + 1} (option $t${i}))`).join(' ')}`,
      Array.from({ length: 1000 }, () => '(instance)').join(' '),
      '(core module $m (memory (export "m") 1)) (core instance $i (instantiate $m)) (alias core export $i "m" (core memory $mem)) (core func (canon task.return (result string) (memory $mem)))',
      '(core type (module (import "" "" (memory 1 (pagesize 1)))))',
      // a component type exporting an instance names the instance's resource for later exports (wasmparser accepts;
      // found by differential fuzzing)
      '(type (component (export "x" (instance $i (export "t" (type $t (sub resource))))) (alias export $i "t" (type $t)) (export "f" (func (result (own $t))))))',
      `(core type $t0 (sub (struct))) ${Array.from({ length: 63 }, (_, i) => `(core type $t${i + 1} (sub $t${i} (struct)))`).join(' ')}`,
      '(type $t (resource (rep i32))) (export $t2 "t" (type $t)) (type $f (list (own $t2))) (export "f" (type $f))',
      '(type $t (resource (rep i32))) (instance $i (export "t" (type $t))) (export "i" (instance $i)) (type $f (list (own $t))) (export "f" (type $f))',
      '(component $C (type $t (record (field "f" u32))) (export "t" (type $t))) (instance $i (instantiate $C)) (alias export $i "t" (type $t)) (export $t2 "t" (type $t)) (core module $m (func (export "f") (param i32))) (core instance $ci (instantiate $m)) (func $f (param "f" $t2) (canon lift (core func $ci "f"))) (export "f" (func $f))',
      '(type $u (component (import "r" (type $r (sub resource))) (export "a" (type (eq $r))) (export "i" (instance (export "s" (type (sub resource))))))) (component (alias outer 1 $u (type $foo)))',
      '(core type $t1 (sub (struct (field i64)))) (core type (sub $t1 (struct (field i64) (field (mut f32)))))',
      '(core type $a (sub (struct))) (core type $t1 (sub (func (result anyref)))) (core type (sub $t1 (func (result (ref $a)))))',
    ]) {
      const r = validateComponent(await parse(`(component ${body})`));
      expect(r.valid, r.valid ? '' : `${body}\n${r.error.message}`).toBe(true);
    }
  });
});

// Rules closed in issue 5 (the last disagreements with wasm-tools' spec tests): each error names wasmparser's rule,
// the section, and the absolute byte offset of the offending item.
const located: { name: string; wat: string; features?: Feature[]; code: BinaryErrorCode; section: string; offset: number; message: string }[] = [
  {
    name: 'context.get and context.set share one context type across slots',
    wat: '(core func (canon context.set i32 0)) (core func (canon context.get i64 1))',
    features: ['cm-async', 'cm-threading', 'cm64'],
    // header 8, canon section id + size + count 3, first item 3 bytes
    code: 'type-mismatch', section: 'canon', offset: 14, message: '`context.get` type must match previous context type',
  },
  {
    name: 'a shared memory as the canonical ABI memory',
    wat: '(core module $m (memory (export "m") 1 1 shared) (func (export "f"))) (core instance $i (instantiate $m)) (func (canon lift (core func $i "f") (memory (core memory $i "m"))))',
    // the canon section starts at 90 (after the module, core instance, type and alias sections)
    code: 'type-mismatch', section: 'canon', offset: 93, message: 'mismatch in the shared flag for memories',
  },
  {
    name: 'a shared memory given to waitable-set.wait',
    wat: '(core module $m (memory (export "m") 1 1 shared)) (core instance $i (instantiate $m)) (alias core export $i "m" (core memory $mem)) (core func (canon waitable-set.wait (memory $mem)))',
    code: 'type-mismatch', section: 'canon', offset: 60, message: 'mismatch in the shared flag for memories',
  },
  {
    name: 'a core sub type of a final type',
    wat: '(core type $t1 (struct)) (core type (sub $t1 (struct)))',
    // core-type section at 8: id, size, count, then `(struct)` (2 bytes) at 11
    code: 'invalid-type', section: 'core-type', offset: 13, message: 'sub type cannot have a final super type',
  },
  {
    name: 'a sub type of a final type inside a module type',
    wat: '(core type (module (type $t1 (struct)) (type (sub $t1 (struct)))))',
    code: 'invalid-type', section: 'core-type', offset: 11, message: 'sub type cannot have a final super type',
  },
  {
    name: 'a struct sub type changing a field type',
    wat: '(core type $t1 (sub (struct (field i64)))) (core type (sub $t1 (struct (field i32))))',
    code: 'invalid-type', section: 'core-type', offset: 18, message: 'sub type must match super type',
  },
  {
    name: 'a func sub type narrowing a parameter (parameters are contravariant)',
    wat: '(core type $t1 (sub (func (param anyref)))) (core type (sub $t1 (func (param eqref))))',
    code: 'invalid-type', section: 'core-type', offset: 18, message: 'sub type must match super type',
  },
  {
    name: 'a constructor in a bag of exports (no resource has a name there)',
    wat: '(type $T (resource (rep i32))) (core module $m (func (export "a") (result i32) unreachable)) (core instance $i (instantiate $m)) (func $f (result (own $T)) (canon lift (core func $i "a"))) (instance (export "a" (type $T)) (export "[constructor]a" (func $f)))',
    code: 'invalid-name', section: 'instance', offset: 95, message: 'export name `[constructor]a` is not valid\nresource used in function does not have a name in this context',
  },
  {
    name: 'a method of a resource only named inside an imported instance',
    wat: '(import "i" (instance $i (export "t" (type (sub resource))))) (alias export $i "t" (type $t)) (import "[method]t.foo" (func (param "self" (borrow $t))))',
    // import section at 50, one item
    code: 'invalid-name', section: 'import', offset: 53, message: 'import name `[method]t.foo` is not valid\nresource used in function does not have a name in this context',
  },
  {
    name: 'a constructor naming another resource than the one it returns',
    wat: '(type (component (import "b" (type $T (sub resource))) (import "[constructor]a" (func (result (own $T))))))',
    code: 'invalid-name', section: 'type', offset: 11, message: 'import name `[constructor]a` is not valid\nfunction does not match expected resource name `b`',
  },
  {
    name: 'an outer alias into a nested component of a component type mentioning an outer resource',
    wat: '(type $t (resource (rep i32))) (type $u (component (export "a" (type (eq $t))))) (component (alias outer 1 $u (type $foo)))',
    // the nested component starts at 28; its alias section at 38
    code: 'invalid-resource-use', section: 'component[0] > alias', offset: 41,
    message: 'cannot alias outer type which transitively refers to resources not defined in the current component',
  },
  {
    name: 'an exported function using a record named only by an instantiated child',
    wat: '(component $C (type $t (record (field "f" u32))) (export "t" (type $t))) (instance $i (instantiate $C)) (alias export $i "t" (type $t)) (core module $m (func (export "f") (param i32))) (core instance $ci (instantiate $m)) (func $f (param "f" $t) (canon lift (core func $ci "f"))) (export "f" (func $f))',
    code: 'invalid-resource-use', section: 'export', offset: 158, message: 'func not valid to be used as export',
  },
  {
    name: 'a type import of an instance type whose exported record uses an unnamed record',
    wat: '(type $i (instance (type $t (record (field "f" u32))) (type $f (record (field "t" $t))) (export "f" (type (eq $f))))) (import "f" (type (eq $i)))',
    code: 'invalid-resource-use', section: 'import', offset: 35, message: 'type not valid to be used as import',
  },
  {
    name: 'an export mentioning a resource by its definition rather than its exported name',
    wat: '(type $t (resource (rep i32))) (export "t" (type $t)) (type $f (list (own $t))) (export "f" (type $f))',
    // the second export section starts at 30
    code: 'invalid-resource-use', section: 'export', offset: 33, message: 'type not valid to be used as export',
  },
  {
    name: 'a defined type nested deeper than 100',
    // `(type u8)` has depth 1, each option adds one: the 100th option is 101 deep. Options 1-64 take 2 bytes from
    // offset 13, the rest 3 (jco writes the type index as an s33), so the 100th starts at 13 + 128 + 35 * 3
    wat: `(type $t0 u8) ${Array.from({ length: 100 }, (_, i) => `(type $t${i + 1} (option $t${i}))`).join(' ')}`,
    code: 'invalid-type', section: 'type', offset: 246, message: 'type nesting is too deep',
  },
  {
    name: 'more than 1000 instances',
    wat: Array.from({ length: 1001 }, () => '(instance)').join(' '),
    // checked for the whole section before its items, as wasmparser does
    code: 'limit-exceeded', section: 'instance', offset: 8, message: 'instances count exceeds limit of 1000',
  },
  {
    name: 'an empty record field name',
    wat: '(type (record (field "" u8)))',
    code: 'invalid-name', section: 'type', offset: 11, message: 'record field name cannot be empty',
  },
  {
    name: 'a core sub type hierarchy deeper than 63',
    // item 0 `(sub (struct))` is 5 bytes from offset 12, each `(sub $prev (struct))` 6: the 65th starts at 12 + 5 + 63 * 6
    wat: `(core type $t0 (sub (struct))) ${Array.from({ length: 64 }, (_, i) => `(core type $t${i + 1} (sub $t${i} (struct)))`).join(' ')}`,
    code: 'invalid-type', section: 'core-type', offset: 395, message: 'sub type hierarchy too deep: found depth 64, cannot exceed depth 63',
  },
  {
    name: 'more than 10 canonical options',
    wat: `(import "f" (func $f)) (core func (canon lower (func $f) ${'string-encoding=utf8 '.repeat(11)}))`,
    code: 'limit-exceeded', section: 'canon', offset: 26, message: 'canonical options size is out of bounds',
  },
  {
    name: 'thread.new-indirect with a table of externref',
    wat: '(core type $start (func (param i32))) (core module $m (table (export "t") 1 externref)) (core instance $i (instantiate $m)) (alias core export $i "t" (core table $t)) (core func (canon thread.new-indirect $start (core table $t)))',
    features: ['cm-async', 'cm-threading'],
    code: 'type-mismatch', section: 'canon', offset: 67, message: 'expected table element type funcref, found externref',
  },
  {
    name: 'task.return of a string without memory',
    wat: '(core func (canon task.return (result string)))',
    code: 'invalid-canon-options', section: 'canon', offset: 11, message: 'canonical option `memory` is required',
  },
  {
    name: 'stream.read with a post-return option',
    wat: '(core module $m (memory (export "m") 1) (func (export "pr") (param i32))) (core instance $i (instantiate $m)) (alias core export $i "m" (core memory $mem)) (type $s (stream u8)) (core func (canon stream.read $s (memory $mem) (post-return (core func $i "pr"))))',
    code: 'invalid-canon-options', section: 'canon', offset: 97, message: 'canonical option `post-return` cannot be specified for lowerings',
  },
  {
    name: 'a type export of an instance type whose record uses a type named only inside the instance type',
    // wasmparser (checked through jco's componentWit) rejects this at the same offset, 0x2a
    wat: '(type $i (instance (type $t (record (field "f" u32))) (export "t" (type $t2 (eq $t))) (type $f (record (field "t" $t2))) (export "f" (type (eq $f))))) (export "f" (type $i))',
    code: 'invalid-resource-use', section: 'export', offset: 42, message: 'type not valid to be used as export',
  },
  {
    name: 'an import of a type equal to a local resource (found by differential fuzzing against jco\'s wasmparser)',
    wat: '(type $r (resource (rep i32))) (import "r1" (type (eq $r)))',
    code: 'invalid-resource-use', section: 'import', offset: 17, message: 'local resource type found in imports',
  },
  {
    name: 'a component type importing a resource it exports',
    // wasmparser reports the same offset (0xb)
    wat: '(type (component (export "r" (type $r (sub resource))) (import "x" (type (eq $r)))))',
    code: 'invalid-resource-use', section: 'type', offset: 11, message: 'local resource type found in imports',
  },
  {
    name: 'a module type importing a memory whose minimum exceeds its maximum',
    wat: '(core type (module (import "" "m" (memory 2 1))))',
    code: 'invalid-type', section: 'core-type', offset: 11, message: 'size minimum must not be greater than maximum',
  },
  {
    name: 'a module type importing a shared memory without a maximum',
    wat: '(core type (module (import "" "m" (memory 1 shared))))',
    code: 'invalid-type', section: 'core-type', offset: 11, message: 'shared memory must have maximum size',
  },
  {
    name: 'a method named after an exported resource whose self is the import it re-exports',
    // `c` names the export's new type index, not $T: wasmparser keys resource names by that index's identity
    wat: '(component (import "b" (type $T (sub resource))) (import "f" (func $f (param "self" (borrow $T)))) (export $c "c" (type $T)) (export "[method]c.foo" (func $f)))',
    code: 'invalid-name', section: 'component[0] > export', offset: 58,
    message: 'export name `[method]c.foo` is not valid\nresource used in function does not have a name in this context',
  },
  {
    name: 'a method of `b` whose self is the second name `x` of the same resource',
    // wasmparser: the same message, at the same offset (0x28)
    wat: '(import "b" (type $T (sub resource))) (import "x" (type $X (eq $T))) (import "[method]b.f" (func (param "self" (borrow $X))))',
    code: 'invalid-name', section: 'import', offset: 40, message: 'import name `[method]b.f` is not valid\nfunction does not match expected resource name `x`',
  },
  {
    name: 'a module type importing a memory with a 4-byte page',
    wat: '(core type (module (import "" "" (memory 1 (pagesize 2)))))',
    code: 'invalid-type', section: 'core-type', offset: 11, message: 'invalid custom page size',
  },
  {
    name: 'a module type importing a memory larger than 4 GiB (wasmparser\'s words and offset)',
    wat: '(core type (module (import "" "" (memory 70000))))',
    code: 'invalid-type', section: 'core-type', offset: 11, message: 'memory size must be at most 0x10000 65536-byte pages',
  },
];

describe('issue-5 rules: code, section and byte offset', () => {
  it('checks the code section framing of a core module the engine cannot validate (memory64)', async () => {
    const bytes = Buffer.from(await parse('(component (core module (memory i64 1) (func)))'));
    const code = bytes.indexOf(Buffer.from([0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b])); // code section: one body
    expect(validateComponent(new Uint8Array(bytes), { features: ['cm64'] }).valid).toBe(true);
    bytes[code + 2] = 2; // two bodies declared, one function
    const r = validateComponent(new Uint8Array(bytes), { features: ['cm64'] });
    expect(!r.valid && [r.error.code, r.error.section, r.error.offset, r.error.message]).toEqual(
      ['invalid-core-module', 'core-module', code + 3, 'core module is invalid: function and code section have inconsistent lengths']);
  });
  it('says how to fix a type mentioned by an export but not exported itself', async () => {
    const r = validateComponent(await parse('(component (type $t (resource (rep i32))) (export "t" (type $t)) (type $f (list (own $t))) (export "f" (type $f)))'));
    expect(!r.valid && r.error.hint).toContain('`(export $t2 "t" (type $t))` and then `$t2`');
  });
  it('accepts thread.yield with the retired cancellable flag without cm-threading, as wasmparser does', () => {
    const bytes = encodeComponent(comp([section({ id: 8, kind: 'canon', items: [{ op: 'thread.yield', cancellable: true }] })] as Section[]));
    const r = validateComponent(bytes, { features: ['cm-async'] });
    expect(r.valid, r.valid ? '' : r.error.message).toBe(true);
  });
  for (const c of located) {
    it(`${c.code}: ${c.name}`, async () => {
      const r = validateComponent(await parse(`(component ${c.wat})`), { features: c.features ?? TOOLCHAIN_FEATURES });
      expect(r.valid, `expected ${c.code}`).toBe(false);
      if (!r.valid) expect([r.error.code, r.error.section, r.error.offset, r.error.message]).toEqual([c.code, c.section, c.offset, c.message]);
    });
  }
});
