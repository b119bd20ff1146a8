import type {
  Attribute, Docs, ExternKind, FuncAst, Id, IncludeAst, InterfaceAst, InterfaceItem, NamedFunc, PackageFile, PackageNameAst,
  PrimitiveName, ResourceFunc, TypeAst, TypeDefAst, UseAst, UsePath, WorldAst, WorldItemAst, AstItem,
} from './ast.js';
import { IdNode } from './ast.js';
import { CODE, NAMES, type TokenKind, type Tokens, describeToken, scanString, tokenize, validateId } from './lexer.js';

const C_COMMENT = CODE.comment;
const C_ID = CODE.id;
const C_XID = CODE['explicit-id'];
const C_KW = CODE.keyword;
const C_INT = CODE.integer;
import type { SourceMap, Span } from './source.js';
import { WitError } from './wit-error.js';

const MAX_DEPTH = 100;
const NO_DOCS: Docs = Object.freeze({ lines: Object.freeze([]) as unknown as string[], span: Object.freeze({ start: -1, end: -1 }) });
const PRIMS: ReadonlySet<string> = new Set([
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string', 'error-context',
]);

const T = CODE;
const NO_ATTRIBUTES: Attribute[] = Object.freeze([]) as unknown as Attribute[];

function describeWanted(code: number, word?: string): string {
  const kind = NAMES[code]!;
  if (kind === 'keyword') return `keyword \`${word}\``;
  if (kind === 'integer') return 'an integer';
  if (kind === 'string') return 'a string literal';
  if (kind === '->' || kind === '@' || kind === '/' || kind === '+' || kind === '-' || kind === '*') return `\`${kind}\``;
  return `'${kind}'`;
}

/** Parses one WIT file (with its nested `package … { }` blocks) into the private AST. */
export function parseFile(text: string, offset: number, sources: SourceMap): PackageFile {
  return new Parser(tokenize(text, offset, sources), sources).file();
}

class Parser {
  private pos = 0;
  constructor(private readonly t: Tokens, private readonly sources: SourceMap) {}

  private err(span: Span, msg: string): never {
    throw new WitError('wit-syntax', msg, { span, sources: this.sources });
  }

  private skip(i: number): number {
    const k = this.t.kind;
    while (k[i] === C_COMMENT) i++;
    return i;
  }

  /** Index of the next significant token (may be past the end). */
  private peekIdx(): number {
    return this.skip(this.pos);
  }

  private peekIs(kind: number, word?: string, idx = this.peekIdx()): boolean {
    return this.t.kind[idx] === kind && (word === undefined || this.t.word[idx] === word);
  }

  private spanOf(i: number): Span {
    if (i >= this.t.count) return this.eofSpan();
    return { start: this.t.start[i]!, end: this.t.end[i]! };
  }

  private eofSpan(): Span {
    const end = this.t.offset + this.t.text.length;
    return { start: end, end };
  }

  private advance(): number {
    const i = this.peekIdx();
    this.pos = i + 1;
    return i;
  }

  private eat(kind: number, word?: string): boolean {
    const i = this.peekIdx();
    if (this.peekIs(kind, word, i)) {
      this.pos = i + 1;
      return true;
    }
    return false;
  }

  private expect(kind: number, word?: string): void {
    const i = this.peekIdx();
    if (this.peekIs(kind, word, i)) {
      this.pos = i + 1;
      return;
    }
    this.err(this.spanOf(i), `expected ${describeWanted(kind, word)}, found ${describeToken(this.t, i)}`);
  }

  private expectSpan(kind: number, word?: string): Span {
    const i = this.peekIdx();
    if (this.peekIs(kind, word, i)) {
      this.pos = i + 1;
      return this.spanOf(i);
    }
    this.err(this.spanOf(i), `expected ${describeWanted(kind, word)}, found ${describeToken(this.t, i)}`);
  }

  private errExpected(expected: string, i: number): never {
    this.err(this.spanOf(i), `expected ${expected}, found ${describeToken(this.t, i)}`);
  }

  private text(i: number): string {
    return this.t.text.slice(this.t.start[i]! - this.t.offset, this.t.end[i]! - this.t.offset);
  }

  private docs(): Docs {
    if (this.t.kind[this.pos] !== C_COMMENT) return NO_DOCS;
    const lines: string[] = [];
    let i = this.pos;
    let start = -1;
    let end = -1;
    while (this.t.kind[i] === C_COMMENT) {
      const s = this.text(i);
      if (start < 0) start = this.t.start[i]!;
      end = this.t.end[i]! - (s.length - s.trimEnd().length);
      lines.push(s);
      i++;
    }
    this.pos = i;
    return { lines, span: { start, end } };
  }

  private id(): Id {
    const i = this.advance();
    const kind = this.t.kind[i];
    if (kind === C_ID || kind === C_XID) {
      const name = kind === C_ID ? this.t.word[i]! : this.text(i).slice(1);
      const id = new IdNode(name, this.t.start[i]!, this.t.end[i]!);
      if (kind !== C_ID || this.t.simple[i] !== 1) {
        const problem = validateId(name);
        if (problem) this.err(id, problem);
      }
      return id;
    }
    this.errExpected('an identifier or string', i);
  }

  file(): PackageFile {
    const save = this.pos;
    const docs = this.docs();
    let packageId: PackageNameAst | undefined;
    if (this.eat(T['keyword'], 'package')) {
      const name = this.packageName(docs);
      if (this.eat(T[';'])) packageId = name;
      else this.pos = save;
    } else this.pos = save;
    const items = this.declList(undefined, 0);
    return { packageId, items };
  }

  private declList(end: number | undefined, depth: number): AstItem[] {
    const items: AstItem[] = [];
    let docs = this.docs();
    for (;;) {
      if (end) {
        if (this.eat(end)) break;
      } else if (this.peekIdx() >= this.t.count) break;
      items.push(this.astItem(docs, depth));
      docs = this.docs();
    }
    return items;
  }

  private astItem(docs: Docs, depth: number): AstItem {
    const attributes = this.attributes();
    const i = this.peekIdx();
    if (this.peekIs(T['keyword'], 'interface', i)) return { kind: 'interface', iface: this.interface(docs, attributes) };
    if (this.peekIs(T['keyword'], 'world', i)) return { kind: 'world', world: this.world(docs, attributes) };
    if (this.peekIs(T['keyword'], 'use', i)) return { kind: 'use', use: this.toplevelUse(attributes) };
    if (this.peekIs(T['keyword'], 'package', i)) {
      const span = this.expectSpan(T['keyword'], 'package');
      if (attributes.length > 0) this.err(span, 'cannot place attributes on nested packages');
      if (depth >= MAX_DEPTH) this.err(span, 'package nesting too deep');
      const packageId = this.packageName(docs);
      this.expect(T['{']);
      const items = this.declList(T['}'], depth + 1);
      return { kind: 'package', pkg: { packageId, items }, span: packageId.span };
    }
    this.errExpected('`world`, `interface` or `use`', i);
  }

  private packageName(docs: Docs): PackageNameAst {
    const namespace = this.id();
    this.expect(T[':']);
    const name = this.id();
    const version = this.optVersion();
    return { docs, namespace, name, version, span: { start: namespace.span.start, end: version ? version.span.end : name.span.end } };
  }

  private optVersion(): { span: Span; version: string } | undefined {
    return this.eat(T['@']) ? this.version() : undefined;
  }

  private version(): { span: Span; version: string } {
    const start = this.expectSpan(T['integer']).start;
    this.expect(T['.']);
    this.expect(T['integer']);
    this.expect(T['.']);
    let end = this.expectSpan(T['integer']).end;
    const eatIds = (prefix: number) => {
      if (!this.eat(prefix)) return;
      for (;;) {
        let i = this.peekIdx();
        const k = this.t.kind[i];
        if (k === C_ID || k === C_INT || k === CODE['-']) {
          end = this.t.end[i]!;
          this.pos = i + 1;
        } else if (k === CODE['.']) {
          i = this.skip(i + 1);
          const k2 = this.t.kind[i];
          if (k2 === C_ID || k2 === C_INT || k2 === CODE['-']) {
            end = this.t.end[i]!;
            this.pos = i + 1;
          } else return;
        } else return;
      }
    };
    eatIds(T['-']);
    eatIds(T['+']);
    const span = { start, end };
    const version = this.t.text.slice(start - this.t.offset, end - this.t.offset);
    const problem = checkSemver(version);
    if (problem) this.err(span, problem);
    return { span, version };
  }

  private toplevelUse(attributes: Attribute[]) {
    const span = this.expectSpan(T['keyword'], 'use');
    const item = this.usePath();
    const as = this.eat(T['keyword'], 'as') ? this.id() : undefined;
    this.expect(T[';']);
    return { span, attributes, item, as };
  }

  private usePath(): UsePath {
    const id = this.id();
    if (this.eat(T[':'])) {
      const pkgName = this.id();
      this.expect(T['/']);
      const name = this.id();
      const version = this.optVersion();
      return {
        kind: 'package',
        pkg: { docs: { lines: [], span: { start: -1, end: -1 } }, span: { start: id.span.start, end: pkgName.span.end }, namespace: id, name: pkgName, version },
        name,
      };
    }
    return { kind: 'id', id };
  }

  private world(docs: Docs, attributes: Attribute[]): WorldAst {
    this.expect(T['keyword'], 'world');
    const name = this.id();
    this.expect(T['{']);
    const items: WorldItemAst[] = [];
    for (;;) {
      const d = this.docs();
      if (this.eat(T['}'])) break;
      const attrs = this.attributes();
      items.push(this.worldItem(d, attrs));
    }
    return { docs, attributes, name, items };
  }

  private worldItem(docs: Docs, attributes: Attribute[]): WorldItemAst {
    const i = this.peekIdx();
    const w = this.t.kind[i] === C_KW ? this.t.word[i] : '';
    switch (w) {
      case 'import':
      case 'export':
        this.advance();
        return { kind: w, docs, attributes, extern: this.externKind() };
      case 'use':
        return { kind: 'use', use: this.use(attributes) };
      case 'type': case 'flags': case 'resource': case 'record': case 'variant': case 'enum':
        return { kind: 'type', def: this.typeDef(w, docs, attributes) };
      case 'include':
        return { kind: 'include', include: this.include(attributes) };
    }
    this.errExpected('`import`, `export`, `include`, `use`, or type definition', i);
  }

  private externKind(): ExternKind {
    const save = this.pos;
    const first = this.peekIdx();
    const k = this.t.kind[first];
    if (k === C_ID || k === C_XID) {
      const id = this.id();
      if (this.eat(T[':'])) {
        if (this.peekIs(T['keyword'], 'func') || this.peekIs(T['keyword'], 'async')) {
          const func = this.func();
          this.expect(T[';']);
          return { kind: 'func', name: id, func };
        }
        if (this.eat(T['keyword'], 'interface')) return { kind: 'interface', name: id, items: this.interfaceItems() };
        const afterColon = this.pos;
        const n = this.peekIdx();
        const nk = this.t.kind[n];
        const qualified = (nk === C_ID || nk === C_XID) && this.peekIs(T['/'], undefined, this.skip(n + 1)) && validateId(nk === C_ID ? this.text(n) : this.text(n).slice(1)) === undefined;
        if (!qualified) {
          this.pos = afterColon;
          const path = this.usePath();
          this.expect(T[';']);
          return { kind: 'named-path', name: id, path };
        }
      }
    }
    this.pos = save;
    const path = this.usePath();
    this.expect(T[';']);
    return { kind: 'path', path };
  }

  private include(attributes: Attribute[]): IncludeAst {
    this.expect(T['keyword'], 'include');
    const from = this.usePath();
    let names: IncludeAst['names'] = [];
    if (this.eat(T['keyword'], 'with')) {
      names = this.list(T['{'], T['}'], () => {
        const name = this.id();
        this.expect(T['keyword'], 'as');
        return { name, as: this.id() };
      });
    } else this.expect(T[';']);
    return { from, attributes, names };
  }

  private interface(docs: Docs, attributes: Attribute[]): InterfaceAst {
    this.expect(T['keyword'], 'interface');
    const name = this.id();
    return { docs, attributes, name, items: this.interfaceItems() };
  }

  private interfaceItems(): InterfaceItem[] {
    this.expect(T['{']);
    const items: InterfaceItem[] = [];
    for (;;) {
      const docs = this.docs();
      if (this.eat(T['}'])) break;
      const attrs = this.attributes();
      const i = this.peekIdx();
      const k = this.t.kind[i];
      const w = k === C_KW ? this.t.word[i] : '';
      if (w === 'type' || w === 'flags' || w === 'enum' || w === 'variant' || w === 'resource' || w === 'record') {
        items.push({ kind: 'type', def: this.typeDef(w, docs, attrs) });
      } else if (k === C_ID || k === C_XID) {
        items.push({ kind: 'func', func: this.namedFunc(docs, attrs) });
      } else if (w === 'use') {
        items.push({ kind: 'use', use: this.use(attrs) });
      } else this.errExpected('`type`, `resource` or `func`', i);
    }
    return items;
  }

  private use(attributes: Attribute[]): UseAst {
    this.expect(T['keyword'], 'use');
    const from = this.usePath();
    this.expect(T['.']);
    this.expect(T['{']);
    const names: UseAst['names'] = [];
    while (!this.eat(T['}'])) {
      const name = this.id();
      const as = this.eat(T['keyword'], 'as') ? this.id() : undefined;
      names.push({ name, as });
      if (!this.eat(T[','])) {
        this.expect(T['}']);
        break;
      }
    }
    this.expect(T[';']);
    return { attributes, from, names };
  }

  private namedFunc(docs: Docs, attributes: Attribute[]): NamedFunc {
    const name = this.id();
    this.expect(T[':']);
    const func = this.func();
    this.expect(T[';']);
    return { docs, attributes, name, func };
  }

  private func(): FuncAst {
    const isAsync = this.eat(T['keyword'], 'async');
    const span = this.expectSpan(T['keyword'], 'func');
    this.expect(T['(']);
    const params = this.params();
    const result = this.eat(T['->']) ? this.type(0) : undefined;
    return { span, async: isAsync, params, result };
  }

  /** `name: type` pairs up to and including `)`, trailing comma allowed (a loop, not a closure per function). */
  private params(): { name: Id; ty: TypeAst }[] {
    const items: { name: Id; ty: TypeAst }[] = [];
    for (;;) {
      if (this.t.kind[this.pos] === C_COMMENT) this.docs();
      if (this.eat(T[')'])) break;
      items.push(this.param());
      if (!this.eat(T[','])) {
        this.expect(T[')']);
        break;
      }
    }
    return items;
  }

  private param(): { name: Id; ty: TypeAst } {
    const name = this.id();
    this.expect(T[':']);
    return { name, ty: this.type(0) };
  }

  private typeDef(keyword: string, docs: Docs, attributes: Attribute[]): TypeDefAst {
    this.expect(T['keyword'], keyword);
    const name = this.id();
    let ty: TypeAst;
    switch (keyword) {
      case 'type':
        this.expect(T['=']);
        ty = this.type(0);
        this.expect(T[';']);
        break;
      case 'flags':
        ty = { kind: 'flags', span: name.span, flags: this.list(T['{'], T['}'], (d) => ({ docs: d, name: this.id() })) };
        break;
      case 'enum':
        ty = { kind: 'enum', span: name.span, cases: this.list(T['{'], T['}'], (d) => ({ docs: d, name: this.id() })) };
        break;
      case 'record':
        ty = {
          kind: 'record', span: name.span,
          fields: this.list(T['{'], T['}'], (d) => {
            const n = this.id();
            this.expect(T[':']);
            return { docs: d, name: n, ty: this.type(0) };
          }),
        };
        break;
      case 'variant':
        ty = {
          kind: 'variant', span: name.span,
          cases: this.list(T['{'], T['}'], (d) => {
            const n = this.id();
            let t: TypeAst | undefined;
            if (this.eat(T['('])) {
              t = this.type(0);
              this.expect(T[')']);
            }
            return { docs: d, name: n, ty: t };
          }),
        };
        break;
      default: {
        const funcs: ResourceFunc[] = [];
        if (this.eat(T['{'])) {
          while (!this.eat(T['}'])) {
            const d = this.docs();
            const attrs = this.attributes();
            funcs.push(this.resourceFunc(d, attrs));
          }
        } else this.expect(T[';']);
        ty = { kind: 'resource', span: name.span, funcs };
      }
    }
    return { docs, attributes, name, ty };
  }

  private resourceFunc(docs: Docs, attributes: Attribute[]): ResourceFunc {
    const i = this.peekIdx();
    if (this.peekIs(T['keyword'], 'constructor', i)) {
      const span = this.spanOf(i);
      this.advance();
      this.expect(T['(']);
      const params = this.params();
      const result = this.eat(T['->']) ? this.type(0) : undefined;
      this.expect(T[';']);
      return { kind: 'constructor', func: { docs, attributes, name: { name: 'constructor', span }, func: { span, async: false, params, result } } };
    }
    const k = this.t.kind[i];
    if (k === C_ID || k === C_XID) {
      const name = this.id();
      this.expect(T[':']);
      const kind = this.eat(T['keyword'], 'static') ? 'static' : 'method';
      const func = this.func();
      this.expect(T[';']);
      return { kind, func: { docs, attributes, name, func } };
    }
    this.errExpected('`constructor` or identifier', i);
  }

  private list<R>(open: number, close: number, item: (docs: Docs) => R): R[] {
    this.expect(open);
    return this.listTrailer(close, item);
  }

  private listTrailer<R>(close: number, item: (docs: Docs) => R): R[] {
    const items: R[] = [];
    for (;;) {
      const docs = this.docs();
      if (this.eat(close)) break;
      items.push(item(docs));
      if (!this.eat(T[','])) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private type(depth: number): TypeAst {
    const i = this.advance();
    const k = this.t.kind[i];
    if (k === C_ID || k === C_XID) {
      if (depth >= MAX_DEPTH) this.err(this.spanOf(i), 'type nesting too deep');
      this.pos = i;
      const id = this.id();
      return { kind: 'name', id, span: id.span };
    }
    const span = this.spanOf(i);
    if (depth >= MAX_DEPTH) this.err(span, 'type nesting too deep');
    if (k === C_KW) {
      const w = this.t.word[i]!;
      if (PRIMS.has(w)) return { kind: 'prim', name: w as PrimitiveName, span };
      switch (w) {
        case 'tuple':
          return { kind: 'tuple', span, types: this.list(T['<'], T['>'], () => this.type(depth + 1)) };
        case 'list': {
          this.expect(T['<']);
          const ty = this.type(depth + 1);
          if (this.eat(T[','])) {
            const n = this.advance();
            if (this.t.kind[n] !== C_INT) this.errExpected('fixed-length', n);
            const digits = this.text(n);
            const size = Number(digits);
            if (!(size <= 0xffffffff)) this.err(this.spanOf(n), 'invalid list size: number too large to fit in target type');
            this.expect(T['>']);
            return { kind: 'fixed-list', span, ty, size };
          }
          this.expect(T['>']);
          return { kind: 'list', span, ty };
        }
        case 'map': {
          this.expect(T['<']);
          const key = this.type(depth + 1);
          this.expect(T[',']);
          const value = this.type(depth + 1);
          this.expect(T['>']);
          return { kind: 'map', span, key, value };
        }
        case 'option': {
          this.expect(T['<']);
          const ty = this.type(depth + 1);
          this.expect(T['>']);
          return { kind: 'option', span, ty };
        }
        case 'result': {
          let ok: TypeAst | undefined;
          let err: TypeAst | undefined;
          if (this.eat(T['<'])) {
            if (this.eat(T['keyword'], '_')) {
              this.expect(T[',']);
              err = this.type(depth + 1);
            } else {
              ok = this.type(depth + 1);
              if (this.eat(T[','])) err = this.type(depth + 1);
            }
            this.expect(T['>']);
          }
          return { kind: 'result', span, ok, err };
        }
        case 'future':
        case 'stream': {
          let ty: TypeAst | undefined;
          if (this.eat(T['<'])) {
            ty = this.type(depth + 1);
            this.expect(T['>']);
          }
          return { kind: w, span, ty };
        }
        case 'own':
        case 'borrow': {
          this.expect(T['<']);
          const resource = this.id();
          this.expect(T['>']);
          return { kind: w, resource, span: resource.span };
        }
      }
    }
    this.errExpected('a type', i);
  }

  private attributes(): Attribute[] {
    // most items have no attributes: share one empty list rather than allocating one per item
    if (this.t.kind[this.peekIdx()] !== T['@']) return NO_ATTRIBUTES;
    const ret: Attribute[] = [];
    while (this.eat(T['@'])) {
      const id = this.id();
      switch (id.name) {
        case 'since':
        case 'deprecated': {
          this.expect(T['(']);
          this.eatId('version');
          this.expect(T['=']);
          const { version } = this.version();
          this.expect(T[')']);
          ret.push({ kind: id.name, span: id.span, version });
          break;
        }
        case 'unstable': {
          this.expect(T['(']);
          this.eatId('feature');
          this.expect(T['=']);
          const feature = this.id();
          this.expect(T[')']);
          ret.push({ kind: 'unstable', span: id.span, feature });
          break;
        }
        case 'external-id': {
          this.expect(T['(']);
          const s = this.expectSpan(T['string']);
          this.expect(T[')']);
          const { value } = scanString(this.t.text, s.start - this.t.offset, (at, msg) => this.err({ start: this.t.offset + at, end: this.t.offset + at + 1 }, msg));
          ret.push({ kind: 'external-id', span: id.span, id: value });
          break;
        }
        default:
          this.err(id.span, `unknown attribute \`${id.name}\``);
      }
    }
    return ret;
  }

  private eatId(expected: string): void {
    const id = this.id();
    if (id.name !== expected) this.err(id.span, `expected \`${expected}\`, found \`${id.name}\``);
  }
}

/** Validates a semver string the way the `semver` crate does; returns a message or undefined. */
export function checkSemver(v: string): string | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(v);
  if (!m) {
    if (/^\d+\.\d+\.\d+/.test(v) && /(^|\.)0\d/.test(v.split(/[-+]/)[0]!)) return 'invalid leading zero in version number';
    return `unexpected character in version \`${v}\``;
  }
  if (m[4]) {
    for (const part of m[4].split('.')) if (/^\d+$/.test(part) && part.length > 1 && part.startsWith('0')) return 'invalid leading zero in pre-release identifier';
  }
  for (let k = 1; k <= 3; k++) if (Number(m[k]) > Number.MAX_SAFE_INTEGER) return 'value of major version exceeds u64::MAX';
  return undefined;
}
