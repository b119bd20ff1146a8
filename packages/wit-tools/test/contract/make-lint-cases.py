#!/usr/bin/env python3
"""Writes the lint cases: one folder per case with wit/ (and wit/deps/), case.json (config, expected rules).
The test lints wit/, compares the rules with case.json and the problems with problems.txt; cases with fixes also
round-trip: --fix output matches fixed/ and re-linting it reports none of the fixed rules."""
import json, os, shutil
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lint')
cases = []
def case(name, text, rules, config=None, deps=None):
    cases.append(dict(name=name, text=text, rules=sorted(rules), config=config or {}, deps=deps or {}))

case('clean', 'package t:clean@1.0.0;\n\n/// Docs.\n@since(version = 1.0.0)\ninterface api {\n  /// A point.\n  @since(version = 1.0.0)\n  record point { x: s32 }\n  /// Moves.\n  @since(version = 1.0.0)\n  move: func(p: point) -> point;\n}\n', [], {'missing-docs': 'warn'})
case('naming-kebab-case', 'package t:names;\n\ninterface api {\n  record POINT { X: s32, y: s32 }\n  enum mode { FAST, slow }\n  get-URL: func(INPUT: string) -> POINT;\n  m: func(m: mode);\n}\n', ['naming-kebab-case'] * 4)
case('naming-stutter', 'package wasi:http;\n\ninterface http-client {\n  client-send: func();\n}\n\ninterface handler {\n  handler-run: func();\n  resource request {\n    request-body: func() -> string;\n  }\n}\n\nworld proxy-http {\n  import handler;\n}\n', ['naming-stutter'] * 4)
case('unused-use', 'package t:uses;\n\ninterface types {\n  record a { x: u8 }\n  record b { x: u8 }\n  record c { x: u8 }\n}\n\ninterface api {\n  use types.{a, b, c as see};\n  f: func(x: b);\n}\n\ninterface other {\n  use types.{a};\n  g: func();\n}\n', ['unused-use'] * 3)
case('unused-use-reexported', 'package t:reexport;\n\ninterface types {\n  record a { x: u8 }\n}\n\ninterface middle {\n  use types.{a};\n}\n\ninterface api {\n  use middle.{a};\n  f: func(x: a);\n}\n', [])
case('unused-type', 'package t:types;\n\ninterface api {\n  record used { x: u8 }\n  record unused { x: u8 }\n  enum also-unused { one }\n  resource handle {\n    get: func() -> u8;\n  }\n  f: func(x: used);\n}\n\ninterface other {\n  use api.{also-unused};\n  g: func(x: also-unused);\n}\n', ['unused-type'])
case('missing-since', 'package t:stable@1.2.0;\n\ninterface api {\n  record point { x: s32 }\n  @since(version = 1.0.0)\n  f: func(p: point);\n  g: func();\n  @unstable(feature = fancy)\n  h: func();\n}\n\n@unstable(feature = preview)\ninterface preview {\n  p: func();\n}\n\nworld w {\n  import api;\n  export run: func();\n}\n', ['missing-since'] * 6)
case('missing-since-zero-x', 'package t:early@0.3.0;\n\ninterface api {\n  f: func();\n}\n', [])
case('missing-since-zero-x-gated', 'package t:wasi-like@0.2.1;\n\n@since(version = 0.2.0)\ninterface api {\n  @since(version = 0.2.0)\n  f: func();\n  g: func();\n}\n', ['missing-since'])
case('unversioned-dependency', 'package t:app@1.0.0;\n\n@since(version = 1.0.0)\ninterface api {\n  @since(version = 1.0.0)\n  use t:io/streams.{chunk};\n  @since(version = 1.0.0)\n  f: func() -> chunk;\n}\n\n@since(version = 1.0.0)\nworld w {\n  @since(version = 1.0.0)\n  import t:io/streams;\n}\n', ['unversioned-dependency'] * 2, deps={'io.wit': 'package t:io@0.2.1;\n\ninterface streams {\n  record chunk { data: list<u8> }\n}\n'})
case('missing-docs', 'package t:docs;\n\n/// Documented.\ninterface api {\n  // not a doc comment\n  f: func();\n  /// Documented.\n  g: func();\n  record r { x: u8 }\n  h: func(x: r);\n}\n\nworld w {\n  export api;\n}\n', ['missing-docs'] * 4, {'missing-docs': 'warn'})
case('missing-docs-default-off', 'package t:nodocs;\n\ninterface api {\n  f: func();\n}\n', [])
case('shadowing', 'package t:shadow;\n\ninterface errors {\n  record error { code: u32 }\n  record detail { text: string }\n}\n\ninterface api {\n  use errors.{detail as error};\n  record detail { x: u8 }\n  f: func(e: error, d: detail);\n}\n', ['shadowing'] * 2 + ['unused-type'])
case('deprecated-without-hint', 'package t:dep@1.1.0;\n\n@since(version = 1.0.0)\ninterface api {\n  /// Old.\n  @since(version = 1.0.0)\n  @deprecated(version = 1.1.0)\n  f: func();\n  /// Old; use `g2` instead.\n  @since(version = 1.0.0)\n  @deprecated(version = 1.1.0)\n  g: func();\n  @since(version = 1.1.0)\n  g2: func();\n}\n', ['deprecated-without-hint'])
case('rules-configured', 'package t:cfg;\n\ninterface cfg-api {\n  record UNUSED { x: u8 }\n}\n', ['naming-kebab-case'], {'unused-type': 'off', 'naming-stutter': 'off', 'naming-kebab-case': 'error'})
case('rules-as-errors', 'package t:err;\n\ninterface api {\n  record unused { x: u8 }\n}\n', ['unused-type'], {'unused-type': 'error'})
case('fix-many', 'package t:fixes@1.0.0;\n\ninterface types {\n  record a { x: u8 }\n  record b { x: u8 }\n}\n\ninterface api {\n  use types.{a};\n  use types.{b};\n  use t:io/streams.{chunk};\n  f: func(x: b) -> chunk;\n}\n', ['missing-since'] * 8 + ['unused-use', 'unversioned-dependency'], deps={'io.wit': 'package t:io@0.2.1;\n\ninterface streams {\n  record chunk { data: list<u8> }\n}\n'})

shutil.rmtree(ROOT, ignore_errors=True)
for c in cases:
    d = os.path.join(ROOT, c['name'])
    os.makedirs(os.path.join(d, 'wit'))
    open(os.path.join(d, 'wit', 'main.wit'), 'w').write(c['text'])
    if c['deps']:
        os.makedirs(os.path.join(d, 'wit', 'deps'))
        for f, t in c['deps'].items(): open(os.path.join(d, 'wit', 'deps', f), 'w').write(t)
    json.dump({'config': c['config'], 'rules': c['rules']}, open(os.path.join(d, 'case.json'), 'w'), indent=2)
    open(os.path.join(d, 'case.json'), 'a').write('\n')
print(len(cases), 'lint cases')
