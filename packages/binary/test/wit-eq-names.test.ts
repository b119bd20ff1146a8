import { parse } from '@bytecodealliance/jco';
import { printPackage } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { extractWit, validateComponent } from '../src/index.js';
import type { Entity, RInstance } from '../src/validate/model.js';

// Shims like wit-component's: a nested component imports `(type (eq T))` names and re-exports them, and is
// instantiated with the types of other interfaces. Each `(eq)` import is its own name, bound to its own argument.

async function world(wat: string): Promise<string> {
  const x = extractWit(await parse(wat));
  if (x.kind !== 'component') throw new Error('decoded as a WIT package');
  return printPackage(x.resolve, x.resolve.worlds[x.world].package);
}

const instanceExports = (e: Entity | undefined): RInstance['exports'] => {
  if (e?.sort !== 'instance') throw new Error('not an instance');
  return e.type.exports;
};

const TWO_NAMES_OF_ONE_RECORD = `(component
  (type $one-t (instance (type $r (record (field "f" u8))) (export "t" (type (eq $r)))))
  (import "a:b/one" (instance $one (type $one-t)))
  (alias export $one "t" (type $t1))
  (type $two-t (instance (alias outer 1 $t1 (type $r)) (export "t" (type (eq $r)))))
  (import "a:b/two" (instance $two (type $two-t)))
  (alias export $two "t" (type $t2))
  (component $shim
    (type $r (record (field "f" u8)))
    (import "x-in" (type $x (eq $r)))
    (import "y-in" (type $y (eq $x)))
    (export "x" (type $x))
    (export "y" (type $y))
  )
  (instance $names (instantiate $shim (with "x-in" (type $t1)) (with "y-in" (type $t2))))
  (export "names" (instance $names))
)`;

describe('(eq) imports of a shim', () => {
  it('bind each name of one record to its own argument', async () => {
    const v = validateComponent(await parse(TWO_NAMES_OF_ONE_RECORD));
    if (!v.valid) throw v.error;
    const names = instanceExports(v.type.exports.get('names'));
    expect(names.get('x')?.type).toBe(instanceExports(v.type.imports.get('a:b/one')).get('t')?.type);
    expect(names.get('y')?.type).toBe(instanceExports(v.type.imports.get('a:b/two')).get('t')?.type);
  });

  it('re-export each name as a use of the interface it came from, even when that type is a use of another', async () => {
    const text = await world(TWO_NAMES_OF_ONE_RECORD);
    expect(text).toContain('  export names: interface {\n    use a:b/one.{t as x};\n    use a:b/two.{t as y};\n  }');
  });

  it('keep a handle type named by the interface that named it, not by a later import of the same type', async () => {
    const text = await world(`(component
  (import "a:b/h" (instance $hi (export "r" (type (sub resource))) (type (own 0)) (export "handle" (type (eq 1)))))
  (alias export $hi "r" (type $r))
  (alias export $hi "handle" (type $handle))
  (type $own (own $r))
  (component $shim
    (import "r-in" (type $r (sub resource)))
    (type $o (own $r))
    (import "handle-in" (type $h (eq $o)))
    (import "other-in" (type $h2 (eq $h)))
    (export "handle" (type $h))
  )
  (instance $names (instantiate $shim (with "r-in" (type $r)) (with "handle-in" (type $handle)) (with "other-in" (type $own))))
  (export "names" (instance $names))
)`);
    expect(text).toContain('  export names: interface {\n    use a:b/h.{handle};\n  }');
  });

  it('bind a second name of a resource to the name supplied, so it stays a use of that name', async () => {
    const text = await world(`(component
  (import "a:b/res" (instance $ri (export "r" (type (sub resource))) (export "h" (type (eq 0)))))
  (alias export $ri "r" (type $r))
  (alias export $ri "h" (type $h))
  (component $shim
    (import "r-in" (type $r (sub resource)))
    (import "h-in" (type $h (eq $r)))
    (export "h" (type $h))
  )
  (instance $names (instantiate $shim (with "r-in" (type $r)) (with "h-in" (type $h))))
  (export "names" (instance $names))
)`);
    expect(text).toContain('  export names: interface {\n    use a:b/res.{h};\n  }');
  });
});

describe('a component WIT cannot express', () => {
  it('an imported instance with a resource, exported again under another name, is refused as wit-parser refuses it', async () => {
    const reexport = `(component
      (type (instance (export "request" (type (sub resource)))))
      (import "impl:test/handler" (instance (type 0)))
      (export "wasi:http/handler@0.3.0" (instance 0)))`;
    const err = await parse(reexport).then((b) => {
      try {
        extractWit(b);
      } catch (e) {
        return e as Error & { code?: string };
      }
    });
    expect(err?.code).toBe('invalid-type');
    expect(err?.message).toBe('cannot represent this component in WIT: the type `request` appears more than once (for example, when an imported instance is re-exported under a new name)');
    // without a resource, or under the same name, it is fine
    expect(await world('(component (type (instance (export "f" (func)))) (import "a:b/c" (instance (type 0))) (export "a:b/d" (instance 0)))')).toContain('export a:b/d;');
  });
});
