/**
 * The model back to canonical WIT text, laid out like wit-component's printer (`printing.rs`):
 * two-space indents, interfaces before worlds, `use` lines before type definitions, docs as `///`.
 */
import { KEYWORDS } from './lexer.js';
import {
  type InterfaceId, type PackageId, type Resolve, type Stability, type Type, type TypeId, type TypeOwner, type WitFunction,
  type WorldId, type WorldItem, type WorldKey,
} from './model.js';
import type { Span } from './source.js';
import { docsText } from './unresolved.js';

const EXTRA_KEYWORDS = new Set(['float32', 'float64']);

function escapeName(name: string): string {
  return KEYWORDS.has(name) || EXTRA_KEYWORDS.has(name) ? `%${name}` : name;
}

class Out {
  private indent = 0;
  private needsIndent = false;
  text = '';

  private indentIfNeeded(): void {
    if (this.needsIndent) {
      this.text += '  '.repeat(this.indent);
      this.needsIndent = false;
    }
  }

  str(s: string): void {
    this.indentIfNeeded();
    this.text += s;
  }

  newline(): void {
    this.text += '\n';
    this.needsIndent = true;
  }

  semicolon(): void {
    this.text += ';';
    this.newline();
  }

  indentStart(): void {
    this.text += ' {';
    this.indent++;
    this.newline();
  }

  indentEnd(): void {
    this.indent = Math.max(0, this.indent - 1);
    this.indentIfNeeded();
    this.text += '}';
    this.newline();
  }

  doc(line: string): void {
    this.indentIfNeeded();
    this.text += line.length > 0 ? `/// ${line}` : '///';
    this.newline();
  }
}

export interface PrintOptions {
  /** print doc comments (default true) */
  docs?: boolean;
  /** only print interfaces and worlds whose definition span satisfies this (used by `fmt` per file) */
  include?: (span: Span) => boolean;
  /**
   * Blank lines between items. `wit-printer` (the default) is wit-component's `WitPrinter` exactly: a blank line after
   * each interface of the main package, none between worlds, nested packages with no blank line before the first and
   * two between the others. `file` (the default when `include` is given, i.e. for `fmt`) separates every item by one
   * blank line and ends without one.
   */
  layout?: 'wit-printer' | 'file';
}

class Printer {
  readonly out = new Out();
  private anyItems = false;

  readonly fileLayout: boolean;

  constructor(private readonly r: Resolve, private readonly opts: PrintOptions) {
    this.fileLayout = (opts.layout ?? (opts.include ? 'file' : 'wit-printer')) === 'file';
  }

  private newItem(): void {
    if (this.anyItems) this.out.newline();
    this.anyItems = true;
  }

  private docs(d: string | undefined): void {
    if (this.opts.docs === false || d === undefined) return;
    const lines = rustLines(d);
    if (docsText(lines.map((l) => (l.length > 0 ? `/// ${l}` : '///'))) !== d && !d.includes('*/') && !d.includes('/*') && docsText([`/**${d}*/`]) === d) {
      // Deliberately unlike WitPrinter: `///` lines would lose this text's common indentation or trailing spaces on
      // re-parsing (WitPrinter's output is lossy there); a block comment keeps it
      this.out.str(`/**${d}*/`);
      this.out.newline();
      return;
    }
    for (const line of lines) this.out.doc(line);
  }

  private stability(s: Stability): void {
    if (s.tag === 'unknown') return;
    if (s.tag === 'stable') this.out.str(`@since(version = ${s.since})`);
    else this.out.str(`@unstable(feature = ${s.feature})`);
    this.out.newline();
    if (s.deprecated !== undefined) {
      this.out.str(`@deprecated(version = ${s.deprecated})`);
      this.out.newline();
    }
  }

  private externalId(id: string | undefined): void {
    if (id === undefined) return;
    let s = '';
    for (const ch of id) {
      if (/[A-Za-z0-9\-_./: ]/.test(ch)) s += ch;
      else if (ch === '\\') s += '\\\\';
      else if (ch === '"') s += '\\"';
      else if (ch === '\n') s += '\\n';
      else if (ch === '\r') s += '\\r';
      else if (ch === '\t') s += '\\t';
      else s += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    }
    this.out.str(`@external-id("${s}")`);
    this.out.newline();
  }

  packageHeader(pkg: PackageId): void {
    const p = this.r.packages[pkg]!;
    this.docs(p.docs);
    this.out.str(`package ${escapeName(p.name.namespace)}:${escapeName(p.name.name)}${p.name.version !== undefined ? `@${p.name.version}` : ''}`);
  }

  printPackage(pkg: PackageId, isMain: boolean, header = true): void {
    const p = this.r.packages[pkg]!;
    const include = this.opts.include ?? (() => true);
    if (header) {
      this.packageHeader(pkg);
      if (isMain) {
        this.out.semicolon();
        this.out.newline();
      } else this.out.indentStart();
    }
    const file = this.fileLayout;
    let first = true;
    const separate = () => {
      if (file && !first) this.out.newline();
      first = false;
    };
    for (const [name, id] of p.interfaces) {
      const iface = this.r.interfaces[id]!;
      if (!include(iface.span)) continue;
      separate();
      this.docs(iface.docs);
      this.stability(iface.stability);
      this.out.str(`interface ${escapeName(name)}`);
      this.out.indentStart();
      this.printInterface(id);
      this.out.indentEnd();
      if (isMain && !file) this.out.newline();
    }
    for (const [name, id] of p.worlds) {
      const world = this.r.worlds[id]!;
      if (!include(world.span)) continue;
      separate();
      this.docs(world.docs);
      this.stability(world.stability);
      this.out.str(`world ${escapeName(name)}`);
      this.out.indentStart();
      this.printWorld(id);
      this.out.indentEnd();
    }
    if (header && !isMain) this.out.indentEnd();
  }

  private printInterface(id: InterfaceId): void {
    const prev = this.anyItems;
    this.anyItems = false;
    const iface = this.r.interfaces[id]!;
    const resourceFuncs = new Map<TypeId, WitFunction[]>();
    const freestanding: WitFunction[] = [];
    for (const f of iface.functions.values()) {
      if ('resource' in f.kind) {
        const list = resourceFuncs.get(f.kind.resource) ?? [];
        list.push(f);
        resourceFuncs.set(f.kind.resource, list);
      } else freestanding.push(f);
    }
    this.printTypes({ tag: 'interface', id }, [...iface.types], resourceFuncs);
    for (const f of freestanding) {
      this.newItem();
      this.docs(f.docs);
      this.stability(f.stability);
      this.externalId(f.externalId);
      this.out.str(`${escapeName(itemName(f))}: `);
      this.printFunction(f);
      this.out.semicolon();
    }
    this.anyItems = prev;
  }

  private printTypes(owner: TypeOwner, types: [string, TypeId][], resourceFuncs: Map<TypeId, WitFunction[]>): void {
    const toDeclare: TypeId[] = [];
    const toImport: { owner: InterfaceId; ty: TypeId; names: [string, string][] }[] = [];
    for (const [name, id] of types) {
      const ty = this.r.types[id]!;
      if (ty.kind.tag === 'type' && typeof ty.kind.type === 'number') {
        const other = this.r.types[ty.kind.type]!;
        if (other.owner.tag !== 'none' && !sameOwner(other.owner, owner)) {
          const otherName = other.name!;
          const last = toImport[toImport.length - 1];
          const lastTy = last ? this.r.types[last.ty]! : undefined;
          if (last && other.owner.tag === 'interface' && last.owner === other.owner.id
            && JSON.stringify(ty.stability) === JSON.stringify(lastTy!.stability) && ty.externalId === lastTy!.externalId) {
            last.names.push([name, otherName]);
            continue;
          }
          toImport.push({ owner: (other.owner as { id: number }).id, ty: id, names: [[name, otherName]] });
          continue;
        }
      }
      toDeclare.push(id);
    }
    const myPkg = owner.tag === 'interface' ? this.r.interfaces[owner.id]!.package! : this.r.worlds[(owner as { id: number }).id]!.package!;
    for (const imp of toImport) {
      this.anyItems = true;
      const ty = this.r.types[imp.ty]!;
      this.stability(ty.stability);
      this.externalId(ty.externalId);
      this.out.str(`use ${this.pathToInterface(imp.owner, myPkg)}.{`);
      this.out.str(imp.names.map(([mine, other]) => (mine === other ? escapeName(mine) : `${escapeName(other)} as ${escapeName(mine)}`)).join(', '));
      this.out.str('}');
      this.out.semicolon();
    }
    for (const id of toDeclare) {
      this.newItem();
      const ty = this.r.types[id]!;
      this.docs(ty.docs);
      this.stability(ty.stability);
      this.externalId(ty.externalId);
      if (ty.kind.tag === 'resource') this.printResource(id, resourceFuncs.get(id) ?? []);
      else this.declareType(id);
    }
  }

  private printResource(id: TypeId, funcs: WitFunction[]): void {
    this.out.str(`resource ${escapeName(this.r.types[id]!.name!)}`);
    if (funcs.length === 0) {
      this.out.semicolon();
      return;
    }
    this.out.indentStart();
    for (const f of funcs) {
      this.docs(f.docs);
      this.stability(f.stability);
      this.externalId(f.externalId);
      if (f.kind.tag === 'method' || f.kind.tag === 'async-method') this.out.str(`${escapeName(itemName(f))}: `);
      else if (f.kind.tag === 'static' || f.kind.tag === 'async-static') this.out.str(`${escapeName(itemName(f))}: static `);
      this.printFunction(f);
      this.out.semicolon();
    }
    this.out.indentEnd();
  }

  private printFunction(f: WitFunction): void {
    const k = f.kind.tag;
    if (k.startsWith('async-')) this.out.str('async ');
    this.out.str(k === 'constructor' ? 'constructor(' : 'func(');
    const params = k === 'method' || k === 'async-method' ? f.params.slice(1) : f.params;
    this.out.str(params.map((p) => `${escapeName(p.name)}: ${this.typeName(p.type)}`).join(', '));
    this.out.str(')');
    if (k === 'constructor' && typeof f.result === 'number') {
      const rk = this.r.types[f.result]!.kind;
      if (rk.tag === 'handle' && rk.handle === 'own' && rk.resource === (f.kind as { resource: number }).resource) return;
    }
    if (f.result !== undefined) this.out.str(` -> ${this.typeName(f.result)}`);
  }

  private printWorld(id: WorldId): void {
    const prev = this.anyItems;
    this.anyItems = false;
    const world = this.r.worlds[id]!;
    const pkg = world.package!;
    const types: [string, TypeId][] = [];
    const resourceFuncs = new Map<TypeId, WitFunction[]>();
    const funcImports: [WorldKey, WorldItem][] = [];
    for (const [name, item] of world.imports) {
      if (item.tag === 'type') types.push([name as string, item.id]);
      else if (item.tag === 'function') {
        if ('resource' in item.func.kind) {
          const list = resourceFuncs.get(item.func.kind.resource) ?? [];
          list.push(item.func);
          resourceFuncs.set(item.func.kind.resource, list);
        } else funcImports.push([name, item]);
      } else {
        this.printWorldItem(name, item, pkg, 'import');
        this.anyItems = true;
      }
    }
    this.printTypes({ tag: 'world', id }, types, resourceFuncs);
    for (const [name, item] of funcImports) {
      this.printWorldItem(name, item, pkg, 'import');
      this.anyItems = true;
    }
    if (world.exports.size > 0) this.newItem();
    for (const [name, item] of world.exports) this.printWorldItem(name, item, pkg, 'export');
    this.anyItems = prev;
  }

  private printWorldItem(key: WorldKey, item: WorldItem, pkg: PackageId, kw: 'import' | 'export'): void {
    if (item.tag === 'interface') {
      if (item.docs !== undefined) this.docs(item.docs);
      else if (typeof key === 'string') this.docs(this.r.interfaces[item.id]!.docs);
      this.stability(item.stability);
      this.externalId(item.externalId);
    } else if (item.tag === 'function') {
      this.docs(item.func.docs);
      this.stability(item.func.stability);
      this.externalId(item.func.externalId);
    }
    this.out.str(`${kw} `);
    if (typeof key === 'string') {
      if (item.tag === 'interface') {
        this.out.str(`${escapeName(key)}: `);
        if (this.r.interfaces[item.id]!.name === undefined) {
          this.out.str('interface');
          this.out.indentStart();
          this.printInterface(item.id);
          this.out.indentEnd();
        } else {
          this.out.str(this.pathToInterface(item.id, pkg));
          this.out.semicolon();
        }
      } else if (item.tag === 'function') {
        this.out.str(`${escapeName(item.func.name)}: `);
        this.printFunction(item.func);
        this.out.semicolon();
      }
    } else {
      this.out.str(this.pathToInterface(key, pkg));
      this.out.semicolon();
    }
  }

  private pathToInterface(id: InterfaceId, cur: PackageId): string {
    const iface = this.r.interfaces[id]!;
    if (iface.package === cur) return escapeName(iface.name!);
    const p = this.r.packages[iface.package!]!.name;
    return `${escapeName(p.namespace)}:${escapeName(p.name)}/${escapeName(iface.name!)}${p.version !== undefined ? `@${p.version}` : ''}`;
  }

  typeName(t: Type): string {
    if (typeof t === 'string') return t;
    const ty = this.r.types[t]!;
    if (ty.name !== undefined) return escapeName(ty.name);
    const k = ty.kind;
    switch (k.tag) {
      case 'handle': return this.handle(k.handle, k.resource, false);
      case 'tuple': return `tuple<${k.types.map((x) => this.typeName(x)).join(', ')}>`;
      case 'option': return `option<${this.typeName(k.type)}>`;
      case 'result': return this.resultType(k.ok, k.err);
      case 'list': return `list<${this.typeName(k.type)}>`;
      case 'map': return `map<${this.typeName(k.key)}, ${this.typeName(k.value)}>`;
      case 'fixed-length-list': return `list<${this.typeName(k.type)}, ${k.size}>`;
      case 'type': return this.typeName(k.type);
      case 'future': case 'stream': return k.type === undefined ? k.tag : `${k.tag}<${this.typeName(k.type)}>`;
      default: throw new Error(`unnamed ${k.tag} type cannot be printed`);
    }
  }

  private handle(h: 'own' | 'borrow', resource: TypeId, force: boolean): string {
    const name = escapeName(this.r.types[resource]!.name!);
    return h === 'borrow' || force ? `${h}<${name}>` : name;
  }

  private resultType(ok: Type | undefined, err: Type | undefined): string {
    if (ok !== undefined && err !== undefined) return `result<${this.typeName(ok)}, ${this.typeName(err)}>`;
    if (err !== undefined) return `result<_, ${this.typeName(err)}>`;
    if (ok !== undefined) return `result<${this.typeName(ok)}>`;
    return 'result';
  }

  private declareType(id: TypeId): void {
    const ty = this.r.types[id]!;
    const name = escapeName(ty.name!);
    const k = ty.kind;
    const alias = (rhs: string) => {
      this.out.str(`type ${name} = ${rhs}`);
      this.out.semicolon();
    };
    const body = (kw: string, lines: { docs?: string; text: string }[]) => {
      this.out.str(`${kw} ${name}`);
      this.out.indentStart();
      for (const l of lines) {
        this.docs(l.docs);
        this.out.str(`${l.text},`);
        this.out.newline();
      }
      this.out.indentEnd();
    };
    switch (k.tag) {
      case 'handle': return alias(this.handle(k.handle, k.resource, true));
      case 'record': return body('record', k.fields.map((f) => ({ docs: f.docs, text: `${escapeName(f.name)}: ${this.typeName(f.type)}` })));
      case 'flags': return body('flags', k.flags.map((f) => ({ docs: f.docs, text: escapeName(f.name) })));
      case 'variant':
        return body('variant', k.cases.map((c) => ({ docs: c.docs, text: c.type === undefined ? escapeName(c.name) : `${escapeName(c.name)}(${this.typeName(c.type)})` })));
      case 'enum': return body('enum', k.cases.map((c) => ({ docs: c.docs, text: escapeName(c.name) })));
      case 'tuple': return alias(`tuple<${k.types.map((x) => this.typeName(x)).join(', ')}>`);
      case 'option': return alias(`option<${this.typeName(k.type)}>`);
      case 'result': return alias(this.resultType(k.ok, k.err));
      case 'list': return alias(`list<${this.typeName(k.type)}>`);
      case 'map': return alias(`map<${this.typeName(k.key)}, ${this.typeName(k.value)}>`);
      case 'fixed-length-list': return alias(`list<${this.typeName(k.type)}, ${k.size}>`);
      case 'future': case 'stream': return alias(k.type === undefined ? k.tag : `${k.tag}<${this.typeName(k.type)}>`);
      case 'type': return alias(this.typeName(k.type));
      default: throw new Error(`cannot declare ${k.tag}`);
    }
  }
}

/** Rust's `str::lines`: split at `\n`, drop one `\r` before it, no empty last line after a final `\n`. */
function rustLines(s: string): string[] {
  if (s.length === 0) return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function sameOwner(a: TypeOwner, b: TypeOwner): boolean {
  return a.tag === b.tag && (a.tag === 'none' || a.id === (b as { id: number }).id);
}

/** The function's name as written in WIT (`[method]r.m` → `m`). */
export function itemName(f: WitFunction): string {
  const close = f.name.indexOf(']');
  if (!f.name.startsWith('[') || close < 0) return f.name;
  const rest = f.name.slice(close + 1);
  const dot = rest.indexOf('.');
  return dot >= 0 ? rest.slice(dot + 1) : rest;
}

/** Prints one package as a file: `package a:b;` then its interfaces and worlds, then `nested` packages as `package x:y { … }` blocks. */
export function printPackage(resolve: Resolve, pkg: PackageId, options: PrintOptions & { nested?: PackageId[] } = {}): string {
  const p = new Printer(resolve, options);
  p.printPackage(pkg, true);
  (options.nested ?? []).forEach((n, i) => {
    if (p.fileLayout) p.out.newline();
    else if (i > 0) {
      p.out.newline();
      p.out.newline();
    }
    p.printPackage(n, false);
  });
  return p.out.text;
}

/** Prints a whole `Resolve` as one file: `main` (default: the last package) first, every other package nested. */
export function printResolve(resolve: Resolve, main: PackageId = resolve.packages.length - 1, options: PrintOptions = {}): string {
  const nested = canonicalPackageOrder(resolve).filter((i) => i !== main);
  return printPackage(resolve, main, { ...options, nested });
}

/** Prints the WIT syntax of a type use (`list<u8>`, `borrow<r>`, a type name). */
export function printTypeName(resolve: Resolve, ty: Type): string {
  return new Printer(resolve, {}).typeName(ty);
}

/** Prints a package's definitions without its header (for files of a multi-file package that have no `package` line). */
export function printPackageBody(resolve: Resolve, pkg: PackageId, options: PrintOptions = {}): string {
  const p = new Printer(resolve, options);
  p.printPackage(pkg, true, false);
  return p.out.text;
}

/** Package ids in the order a re-parse of the printed text adds them: by name, each after its dependencies. */
export function canonicalPackageOrder(resolve: Resolve): PackageId[] {
  const deps = resolve.packages.map(() => [] as PackageId[]);
  const note = (from: PackageId | undefined, iface: InterfaceId) => {
    const to = resolve.interfaces[iface]!.package;
    if (from !== undefined && to !== undefined && to !== from && !deps[from]!.includes(to)) deps[from]!.push(to);
  };
  for (const t of resolve.types) {
    if (t.kind.tag !== 'type' || typeof t.kind.type !== 'number') continue;
    const other = resolve.types[t.kind.type]!.owner;
    if (other.tag !== 'interface') continue;
    const from = t.owner.tag === 'interface' ? resolve.interfaces[t.owner.id]!.package : t.owner.tag === 'world' ? resolve.worlds[t.owner.id]!.package : undefined;
    note(from, other.id);
  }
  for (const w of resolve.worlds) for (const items of [w.imports, w.exports]) for (const item of items.values()) if (item.tag === 'interface') note(w.package, item.id);
  const byName = resolve.packages.map((_, i) => i).sort((a, b) => {
    const x = resolve.packages[a]!.name;
    const y = resolve.packages[b]!.name;
    const kx = `${x.namespace}\0${x.name}`;
    const ky = `${y.namespace}\0${y.name}`;
    if (kx !== ky) return kx < ky ? -1 : 1;
    return (x.version ?? '').localeCompare(y.version ?? '', 'en', { numeric: true });
  });
  const order: PackageId[] = [];
  const seen = new Set<PackageId>();
  const visit = (p: PackageId) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const d of deps[p]!) visit(d);
    order.push(p);
  };
  for (const p of byName) visit(p);
  return order;
}
