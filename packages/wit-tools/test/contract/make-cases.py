#!/usr/bin/env python3
"""Writes the breaking-change cases (one folder per case: old/, new/, case.json with the hand-written expectation).
Run once to (re)create the folders; the test reads the folders, and findings.txt goldens come from `vitest -u`."""
import json, os, shutil
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'breaking')
cases = []
def case(name, old, new, codes, required, ok, old_v='1.0.0', new_v=None, old_deps=None, new_deps=None, pkg='t:p', new_file='main.wit'):
    if new_v is None: new_v = {'major': '2.0.0', 'minor': '1.1.0', 'patch': '1.0.1', 'none': '1.0.0'}[required] if old_v == '1.0.0' else old_v
    cases.append(dict(name=name, old=old, new=new, codes=sorted(codes), required=required, ok=ok, old_v=old_v, new_v=new_v, old_deps=old_deps or {}, new_deps=new_deps or {}, pkg=pkg, new_file=new_file))
def iface(body, name='api'):
    return f'interface {name} {{\n{body}\n}}\n'
F = '  f: func(a: u32) -> u32;'
# functions
case('function-removed', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'major', False, new_v='1.1.0')
case('function-removed-major-bump', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'major', True)
case('function-added', iface(F), iface(F + '\n  g: func();'), ['function-added'], 'minor', True)
case('function-added-patch-bump', iface(F), iface(F + '\n  g: func();'), ['function-added'], 'minor', False, new_v='1.0.1')
case('param-added', iface(F), iface('  f: func(a: u32, b: u32) -> u32;'), ['param-added'], 'major', True)
case('param-removed', iface('  f: func(a: u32, b: u32) -> u32;'), iface(F), ['param-removed'], 'major', True)
case('param-renamed', iface(F), iface('  f: func(x: u32) -> u32;'), ['param-renamed'], 'major', True)
case('param-type-changed', iface(F), iface('  f: func(a: u64) -> u32;'), ['param-type-changed'], 'major', True)
case('param-order-changed', iface('  f: func(a: u32, b: string);'), iface('  f: func(b: string, a: u32);'), ['param-order-changed'], 'major', True)
case('result-added', iface('  f: func(a: u32);'), iface(F), ['result-changed'], 'major', True)
case('result-removed', iface(F), iface('  f: func(a: u32);'), ['result-changed'], 'major', True)
case('result-type-changed', iface(F), iface('  f: func(a: u32) -> s32;'), ['result-changed'], 'major', True)
case('async-changed', iface(F), iface('  f: async func(a: u32) -> u32;'), ['function-async-changed'], 'major', True)
case('list-element-changed', iface('  f: func() -> list<u8>;'), iface('  f: func() -> list<u16>;'), ['result-changed'], 'major', True)
case('option-changed', iface('  f: func(a: option<string>);'), iface('  f: func(a: option<u32>);'), ['param-type-changed'], 'major', True)
case('result-err-removed', iface('  f: func() -> result<u32, string>;'), iface('  f: func() -> result<u32>;'), ['result-changed'], 'major', True)
case('tuple-changed', iface('  f: func(a: tuple<u32, u32>);'), iface('  f: func(a: tuple<u32, u32, u32>);'), ['param-type-changed'], 'major', True)
case('same-anonymous-types', iface('  f: func(a: list<option<tuple<u8, string>>>) -> result<u32, string>;'), iface('  f: func(a: list<option<tuple<u8, string>>>) -> result<u32, string>;'), [], 'none', True)
# named types
R = '  record point { x: s32, y: s32 }\n  f: func(p: point);'
case('record-field-added', iface(R), iface(R.replace('y: s32 }', 'y: s32, z: s32 }')), ['record-field-added'], 'major', True)
case('record-field-removed', iface(R), iface(R.replace('x: s32, ', '')), ['record-field-removed'], 'major', True)
case('record-field-type-changed', iface(R), iface(R.replace('y: s32', 'y: s64')), ['record-field-type-changed'], 'major', True)
case('record-field-order-changed', iface(R), iface(R.replace('x: s32, y: s32', 'y: s32, x: s32')), ['record-field-order-changed'], 'major', True)
V = '  variant shape { circle(f32), square(f32), none }\n  f: func(s: shape);'
case('variant-case-added', iface(V), iface(V.replace('none }', 'none, dot }')), ['variant-case-added'], 'major', True)
case('variant-case-removed', iface(V), iface(V.replace('square(f32), ', '')), ['variant-case-removed'], 'major', True)
case('variant-case-type-changed', iface(V), iface(V.replace('circle(f32)', 'circle(f64)')), ['variant-case-type-changed'], 'major', True)
case('variant-case-payload-added', iface(V), iface(V.replace('none }', 'none(u8) }')), ['variant-case-type-changed'], 'major', True)
case('variant-case-order-changed', iface(V), iface(V.replace('circle(f32), square(f32)', 'square(f32), circle(f32)')), ['variant-case-order-changed'], 'major', True)
E = '  enum color { red, green }\n  f: func(c: color);'
case('enum-case-added', iface(E), iface(E.replace('green }', 'green, blue }')), ['enum-case-added'], 'major', True)
case('enum-case-removed', iface(E), iface(E.replace('red, ', '')), ['enum-case-removed'], 'major', True)
case('enum-case-order-changed', iface(E), iface(E.replace('red, green', 'green, red')), ['enum-case-order-changed'], 'major', True)
FL = '  flags perms { read, write }\n  f: func(p: perms);'
case('flag-added', iface(FL), iface(FL.replace('write }', 'write, exec }')), ['flag-added'], 'major', True)
case('flag-removed', iface(FL), iface(FL.replace('read, ', '')), ['flag-removed'], 'major', True)
case('flag-order-changed', iface(FL), iface(FL.replace('read, write', 'write, read')), ['flag-order-changed'], 'major', True)
case('type-kind-changed', iface(R), iface('  variant point { x(s32), y(s32) }\n  f: func(p: point);'), ['type-kind-changed'], 'major', True)
case('alias-target-changed', iface('  type id = u32;\n  f: func(i: id);'), iface('  type id = u64;\n  f: func(i: id);'), ['type-changed'], 'major', True)
case('list-alias-changed', iface('  type bytes = list<u8>;\n  f: func(b: bytes);'), iface('  type bytes = list<u16>;\n  f: func(b: bytes);'), ['type-changed'], 'major', True)
case('world-type-changed', 'world w {\n  type id = u32;\n  import f: func(a: id);\n}\n', 'world w {\n  type id = u64;\n  import f: func(a: id);\n}\n', ['type-changed'], 'major', True)
case('stream-payload-changed', iface('  f: func() -> stream<u8>;'), iface('  f: func() -> stream<u16>;'), ['result-changed'], 'major', True)
case('map-value-changed', iface('  f: func() -> list<tuple<string, u8>>;'), iface('  f: func() -> list<tuple<string, u16>>;'), ['result-changed'], 'major', True)
case('unused-type-added', iface(F), iface('  record extra { a: u8 }\n' + F), ['type-added'], 'minor', True)
case('type-removed', iface('  record extra { a: u8 }\n' + F), iface(F), ['type-removed'], 'major', True)
case('type-renamed', iface(R), iface(R.replace('point', 'pt')), ['param-type-changed', 'type-added', 'type-removed'], 'major', True)
U_OLD = iface('  record t { a: u8 }', 'a') + iface('  record t { a: u8 }', 'b') + iface('  use a.{t};\n  f: func(x: t);', 'api')
case('use-target-changed', U_OLD, U_OLD.replace('use a.{t}', 'use b.{t}'), ['use-target-changed'], 'major', True)
case('use-removed', iface('  record t { a: u8 }', 'a') + iface('  use a.{t};\n  f: func();', 'api'), iface('  record t { a: u8 }', 'a') + iface('  f: func();', 'api'), ['type-removed'], 'major', True)
case('type-used-twice-changed', iface('  record t { a: u8 }\n  f: func(x: t);\n  g: func() -> t;'), iface('  record t { a: u16 }\n  f: func(x: t);\n  g: func() -> t;'), ['record-field-type-changed'], 'major', True)
# resources
RES = '  resource counter {\n    constructor(start: u32);\n    get: func() -> u32;\n    make: static func() -> counter;\n  }\n  use-it: func(c: borrow<counter>);'
case('method-added', iface(RES), iface(RES.replace('get: func() -> u32;', 'get: func() -> u32;\n    reset: func();')), ['method-added'], 'minor', True)
case('method-removed', iface(RES), iface(RES.replace('    get: func() -> u32;\n', '')), ['method-removed'], 'major', True)
case('constructor-added', iface(RES.replace('    constructor(start: u32);\n', '')), iface(RES), ['constructor-added'], 'minor', True)
case('constructor-removed', iface(RES), iface(RES.replace('    constructor(start: u32);\n', '')), ['constructor-removed'], 'major', True)
case('static-added', iface(RES), iface(RES.replace('make: static', 'zero: static func() -> counter;\n    make: static')), ['method-added'], 'minor', True)
case('method-result-changed', iface(RES), iface(RES.replace('get: func() -> u32', 'get: func() -> u64')), ['result-changed'], 'major', True)
case('borrow-to-own', iface(RES), iface(RES.replace('borrow<counter>', 'own<counter>')), ['handle-kind-changed'], 'major', True)
case('method-to-static', iface(RES), iface(RES.replace('get: func() -> u32', 'get: static func() -> u32')), ['function-kind-changed'], 'major', True)
case('resource-removed', iface(RES + '\n  other: func();'), iface('  other: func();\n  use-it: func();'), ['constructor-removed', 'method-removed', 'method-removed', 'param-removed', 'type-removed', 'item-order-changed'], 'major', True)
case('resource-added', iface(F), iface('  resource r {\n    go: func();\n  }\n' + F), ['type-added', 'method-added'], 'minor', True)
case('method-param-renamed', iface(RES), iface(RES.replace('constructor(start: u32)', 'constructor(begin: u32)')), ['param-renamed'], 'major', True)
# interfaces and worlds
case('interface-added', iface(F), iface(F) + iface('  g: func();', 'more'), ['interface-added'], 'minor', True)
case('interface-removed', iface(F) + iface('  g: func();', 'more'), iface(F), ['interface-removed'], 'major', True)
W = 'world w {\n  import api;\n  export run: func();\n}\n'
case('world-added', iface(F), iface(F) + W, ['world-added'], 'minor', True)
case('world-removed', iface(F) + W, iface(F), ['world-removed'], 'major', True)
case('world-import-added', iface(F) + W, iface(F) + W.replace('  import api;', '  import api;\n  import log: func(m: string);'), ['world-import-added'], 'major', True)
case('world-import-removed', iface(F) + W, iface(F) + W.replace('  import api;\n', ''), ['world-import-removed'], 'minor', True)
case('world-export-added', iface(F) + W, iface(F) + W.replace('  export run: func();', '  export run: func();\n  export stop: func();'), ['world-export-added'], 'minor', True)
case('world-export-removed', iface(F) + W, iface(F) + W.replace('  export run: func();\n', ''), ['world-export-removed'], 'major', True)
case('world-export-interface-added', iface(F) + W, iface(F) + W.replace('  export run: func();', '  export run: func();\n  export api;').replace('  import api;\n', '  import log: func();\n'), ['world-import-removed', 'world-import-added', 'world-export-added'], 'major', True)
case('world-item-kind-changed', W.replace('  import api;\n', '  import log: func();\n'), W.replace('  import api;\n', '  import log: interface {\n    write: func();\n  }\n'), ['world-item-kind-changed'], 'major', True)
case('world-function-param-changed', W.replace('  import api;\n', '').replace('run: func()', 'run: func(n: u32)'), W.replace('  import api;\n', '').replace('run: func()', 'run: func(n: u64)'), ['param-type-changed'], 'major', True)
case('world-inline-interface-grows', 'world w {\n  export x: interface {\n    f: func();\n  }\n}\n', 'world w {\n  export x: interface {\n    f: func();\n    g: func();\n  }\n}\n', ['function-added'], 'minor', True)
INC = 'world base {\n  import log: func(m: string);\n}\nworld w {\n  include base;\n  export run: func();\n}\n'
case('include-gains-import', INC, INC.replace('import log: func(m: string);', 'import log: func(m: string);\n  import clock: func() -> u64;'), ['world-import-added', 'world-import-added'], 'major', True)
case('include-renamed', INC, INC.replace('include base;', 'include base with { log as logger }'), ['world-import-added', 'world-import-removed'], 'major', True)
case('include-removed', INC, INC.replace('  include base;\n', ''), ['world-import-removed'], 'minor', True)
case('include-added', INC.replace('  include base;\n', ''), INC, ['world-import-added'], 'major', True)
case('interface-used-by-world-changed', iface(F) + W, iface('  f: func(a: u64) -> u32;') + W, ['param-type-changed'], 'major', True)
# gates
case('since-new-item', iface('  @since(version = 1.0.0)\n  f: func();'), iface('  @since(version = 1.0.0)\n  f: func();\n  @since(version = 1.1.0)\n  g: func();'), ['function-added'], 'minor', True)
case('unstable-item-added', iface(F), iface(F + '\n  @unstable(feature = fancy)\n  g: func();'), ['function-added'], 'none', True)
case('unstable-item-changed', iface('  @unstable(feature = fancy)\n  g: func(a: u32);'), iface('  @unstable(feature = fancy)\n  g: func(a: u64);'), ['param-type-changed'], 'none', True)
case('unstable-item-removed', iface(F + '\n  @unstable(feature = fancy)\n  g: func();'), iface(F), ['function-removed'], 'none', True)
case('stabilized', iface('  @since(version = 1.0.0)\n  f: func();\n  @unstable(feature = fancy)\n  g: func();'), iface('  @since(version = 1.0.0)\n  f: func();\n  @since(version = 1.1.0)\n  g: func();'), ['item-stabilized'], 'minor', True)
case('destabilized', iface('  @since(version = 1.0.0)\n  f: func();\n  @since(version = 1.0.0)\n  g: func();'), iface('  @since(version = 1.0.0)\n  f: func();\n  @unstable(feature = fancy)\n  g: func();'), ['item-destabilized'], 'major', True)
case('deprecated-added', iface('  @since(version = 1.0.0)\n  f: func();'), iface('  @since(version = 1.0.0)\n  @deprecated(version = 1.1.0)\n  f: func();'), ['deprecated-added'], 'minor', True)
case('deprecated-removed', iface('  @since(version = 1.0.0)\n  @deprecated(version = 1.0.0)\n  f: func();'), iface('  @since(version = 1.0.0)\n  f: func();'), ['deprecated-removed'], 'patch', True)
case('since-changed', iface('  @since(version = 0.9.0)\n  f: func();'), iface('  @since(version = 1.0.0)\n  f: func();'), ['since-changed'], 'patch', True)
case('unstable-interface-changed', '@unstable(feature = x)\n' + iface(F), '@unstable(feature = x)\n' + iface('  f: func(a: u64) -> u32;'), ['param-type-changed'], 'none', True)
# no type change
case('docs-changed', iface('  /// adds\n' + F), iface('  /// adds one\n' + F), ['docs-changed'], 'patch', True)
case('docs-changed-same-version', iface('  /// adds\n' + F), iface('  /// adds one\n' + F), ['docs-changed'], 'patch', False, new_v='1.0.0')
case('item-order-changed', iface(F + '\n  g: func();'), iface('  g: func();\n' + F), ['item-order-changed'], 'patch', True)
case('comments-only', iface(F) + '// a comment\n', iface(F) + '// another comment\n', ['source-changed'], 'patch', True)
case('comments-only-same-version', iface(F) + '// a comment\n', iface(F) + '// another comment\n', ['source-changed'], 'patch', False, new_v='1.0.0')
case('identical', iface(F), iface(F), [], 'none', True)
case('file-renamed', iface(F) + '// a comment\n', iface(F) + '// a comment\n', [], 'none', True, new_file='api.wit')
case('file-renamed-comments-changed', iface(F) + '// a comment\n', iface(F) + '// another comment\n', ['source-changed'], 'patch', True, new_file='api.wit')
# versions
case('version-lowered', iface(F), iface(F), [], 'none', False, old_v='1.1.0', new_v='1.0.0')
case('zero-minor-breaking-minor-bump', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'minor', True, old_v='0.2.0', new_v='0.3.0')
case('zero-minor-breaking-patch-bump', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'minor', False, old_v='0.2.0', new_v='0.2.1')
case('zero-minor-additive-patch-bump', iface(F), iface(F + '\n  g: func();'), ['function-added'], 'patch', True, old_v='0.2.0', new_v='0.2.1')
case('zero-minor-additive-same-version', iface(F), iface(F + '\n  g: func();'), ['function-added'], 'patch', False, old_v='0.2.0', new_v='0.2.0')
case('zero-zero-breaking-patch-bump', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'patch', True, old_v='0.0.1', new_v='0.0.2')
case('zero-zero-breaking-same-version', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'patch', False, old_v='0.0.1', new_v='0.0.1')
case('zero-to-one', iface(F + '\n  g: func();'), iface(F), ['function-removed'], 'minor', True, old_v='0.9.0', new_v='1.0.0')
case('major-bump-without-changes', iface(F), iface(F), [], 'none', True, new_v='2.0.0')
case('package-renamed', iface(F), iface(F), ['package-renamed'], 'major', True, pkg='t:q')
case('unversioned-change', iface(F), iface(F + '\n  g: func();'), ['function-added'], 'minor', False, old_v=None, new_v=None)
# dependencies
def io(ver, extra=''):
    return {'io.wit': f'package t:io@{ver};\n\ninterface streams {{\n  record chunk {{ data: list<u8>{extra} }}\n  record unrelated {{ a: u8 }}\n  read: func() -> chunk;\n}}\n'}
DU = 'interface api {{\n  use t:io/streams@{v}.{{chunk}};\n  f: func() -> chunk;\n}}\n'
case('dep-compatible-upgrade', DU.format(v='0.2.0'), DU.format(v='0.2.1'), ['source-changed'], 'patch', True, old_deps=io('0.2.0'), new_deps=io('0.2.1'))
case('dep-reached-type-changed', DU.format(v='0.2.0'), DU.format(v='0.2.1'), ['record-field-added'], 'major', True, old_deps=io('0.2.0'), new_deps=io('0.2.1', ', len: u32'))
case('dep-unreached-change', DU.format(v='0.2.0'), DU.format(v='0.2.1'), ['source-changed'], 'patch', True, old_deps=io('0.2.0'), new_deps={'io.wit': io('0.2.1')['io.wit'].replace('record unrelated { a: u8 }', 'record unrelated { a: u16 }').replace('read: func() -> chunk;', 'read: func() -> chunk;\n  write: func(c: chunk);')})
case('dep-incompatible-upgrade', DU.format(v='0.2.0'), DU.format(v='0.3.0'), ['dependency-incompatible'], 'major', True, old_deps=io('0.2.0'), new_deps=io('0.3.0'))
DW = 'world w {{\n  import t:io/streams@{v};\n}}\n'
case('dep-world-import-shrinks', DW.format(v='0.2.0'), DW.format(v='0.2.1'), ['function-removed'], 'major', True, old_deps=io('0.2.0'), new_deps={'io.wit': io('0.2.1')['io.wit'].replace('  read: func() -> chunk;\n', '')})
case('dep-world-import-incompatible', DW.format(v='0.2.0'), DW.format(v='0.3.0'), ['dependency-incompatible'], 'major', True, old_deps=io('0.2.0'), new_deps=io('0.3.0'))
case('dep-world-import-grows', DW.format(v='0.2.0'), DW.format(v='0.2.1'), ['function-added'], 'minor', True, old_deps=io('0.2.0'), new_deps={'io.wit': io('0.2.1')['io.wit'].replace('read: func() -> chunk;', 'read: func() -> chunk;\n  skip: func(n: u64);')})

shutil.rmtree(ROOT, ignore_errors=True)
for c in cases:
    d = os.path.join(ROOT, c['name'])
    for side, body, ver, deps in (('old', c['old'], c['old_v'], c['old_deps']), ('new', c['new'], c['new_v'], c['new_deps'])):
        os.makedirs(os.path.join(d, side), exist_ok=True)
        pkg = c['pkg'] if side == 'new' else 't:p'
        header = f'package {pkg}@{ver};' if ver else f'package {pkg};'
        open(os.path.join(d, side, c['new_file'] if side == 'new' else 'main.wit'), 'w').write(f'{header}\n\n{body}')
        if deps:
            os.makedirs(os.path.join(d, side, 'deps'), exist_ok=True)
            for f, t in deps.items(): open(os.path.join(d, side, 'deps', f), 'w').write(t)
    json.dump({'codes': c['codes'], 'requiredBump': c['required'], 'ok': c['ok']}, open(os.path.join(d, 'case.json'), 'w'), indent=2)
    open(os.path.join(d, 'case.json'), 'a').write('\n')
print(len(cases), 'cases')
