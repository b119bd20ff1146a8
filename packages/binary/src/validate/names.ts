/**
 * Import/export name grammar of the component model (`Explainer.md#import-and-export-definitions`): kebab labels,
 * `[constructor]`/`[method]`/`[static]` annotations, interface names `ns:pkg/iface@ver`, dependency, url and integrity
 * names. `parseExternName` returns the parsed kind or a message; `nameKey` gives the strong-uniqueness key.
 */
import { isKebab, isKebabRange, semverProblem } from '@weld/core';

export { isKebab, semverProblem };

export type NameKind =
  | { kind: 'label'; label: string }
  | { kind: 'constructor'; resource: string }
  | { kind: 'method' | 'static'; resource: string; method: string }
  | { kind: 'interface'; namespace: string; pkg: string; iface: string; version?: string }
  | { kind: 'dependency' | 'url' | 'hash'; text: string };

function hasUpper(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/**
 * The common shapes (`label`, `[method]r.m`, `[static]r.m`, `[constructor]r`, `ns:pkg/iface[@semver]`) checked with
 * index arithmetic; undefined for anything else or anything invalid, which the full parser then reports.
 */
function parseCommonName(name: string): NameKind | undefined {
  const n = name.length;
  const c0 = name.charCodeAt(0);
  if (c0 === 91 /* [ */) {
    const close = name.indexOf(']');
    if (close === 12 && name.startsWith('[constructor]')) {
      return isKebabRange(name, 13, n) ? { kind: 'constructor', resource: name.slice(13) } : undefined;
    }
    if (close !== 7) return undefined;
    const kind = name.startsWith('[method]') ? 'method' : name.startsWith('[static]') ? 'static' : undefined;
    if (!kind) return undefined;
    const dot = name.indexOf('.', 8);
    if (dot < 0 || !isKebabRange(name, 8, dot) || !isKebabRange(name, dot + 1, n)) return undefined;
    return { kind, resource: name.slice(8, dot), method: name.slice(dot + 1) };
  }
  const colon = name.indexOf(':');
  if (colon < 0) return isKebabRange(name, 0, n) ? { kind: 'label', label: name } : undefined;
  if (name.indexOf('=') >= 0) return undefined; // dependency, url and integrity names
  const slash = name.indexOf('/', colon + 1);
  if (slash < 0) return undefined;
  const at = name.indexOf('@', slash + 1);
  const ifaceEnd = at < 0 ? n : at;
  const secondColon = name.indexOf(':', colon + 1);
  if (secondColon >= 0 && secondColon < slash) return undefined; // nested package names
  if (!isKebabRange(name, 0, colon) || hasUpper(name, 0, colon)) return undefined;
  if (!isKebabRange(name, colon + 1, slash) || hasUpper(name, colon + 1, slash)) return undefined;
  if (!isKebabRange(name, slash + 1, ifaceEnd)) return undefined;
  const out: NameKind = { kind: 'interface', namespace: name.slice(0, colon), pkg: name.slice(colon + 1, slash), iface: name.slice(slash + 1, ifaceEnd) };
  if (at >= 0) {
    const version = name.slice(at + 1);
    if (version.indexOf('>') >= 0) return undefined;
    out.version = version;
  }
  return out;
}


class NameParser {
  constructor(public next: string, private nested: boolean) {}
  eat(p: string): boolean {
    if (!this.next.startsWith(p)) return false;
    this.next = this.next.slice(p.length);
    return true;
  }
  expect(p: string): void {
    if (!this.eat(p)) throw new Error(`expected \`${p}\` at \`${this.next}\``);
  }
  kebab(s: string): string {
    if (!isKebab(s)) throw new Error(`\`${s}\` is not in kebab case`);
    return s;
  }
  takeUntil(c: string): string {
    const i = this.next.indexOf(c);
    if (i < 0) throw new Error(`failed to find \`${c}\` character`);
    const s = this.next.slice(0, i);
    this.next = this.next.slice(i + 1);
    return s;
  }
  takeUpTo(c: string): string {
    const i = this.next.indexOf(c);
    if (i < 0) throw new Error(`failed to find \`${c}\` character`);
    const s = this.next.slice(0, i);
    this.next = this.next.slice(i);
    return s;
  }
  rest(): string {
    const s = this.next;
    this.next = '';
    return s;
  }
  takeKebab(): string {
    const m = /[^a-zA-Z0-9-]/.exec(this.next);
    if (!m) return this.kebab(this.rest());
    const s = this.next.slice(0, m.index);
    this.next = this.next.slice(m.index);
    return this.kebab(s);
  }
  takeLowerKebab(): string {
    const k = this.takeKebab();
    const bad = /[A-Z]/.exec(k);
    if (bad) throw new Error(`character \`${bad[0]}\` is not lowercase in package name/namespace`);
    return k;
  }
  pkgPath(requireProjection: boolean): { namespace: string; pkg: string; iface: string } {
    const namespace = this.takeLowerKebab();
    this.expect(':');
    let pkg = this.takeLowerKebab();
    if (this.nested) while (this.next.startsWith(':')) { this.expect(':'); pkg += ':' + this.takeLowerKebab(); }
    let iface = '';
    if (this.next.startsWith('/')) {
      this.expect('/');
      iface = this.takeKebab();
      if (this.nested) while (this.next.startsWith('/')) { this.expect('/'); iface += '/' + this.takeKebab(); }
    } else if (requireProjection) {
      throw new Error('expected `/` after package name');
    }
    return { namespace, pkg, iface };
  }
  pkgName(isInterface: boolean): { namespace: string; pkg: string; iface: string; version?: string } {
    const p = this.pkgPath(isInterface);
    if (this.eat('@')) {
      const i = this.next.indexOf('>');
      const version = i >= 0 ? this.takeUpTo('>') : this.rest();
      const problem = isInterface ? undefined : semverProblem(version);
      if (problem !== undefined) throw new Error(`\`${version}\` is not a valid semver: ${problem}`);
      return { ...p, version };
    }
    return p;
  }
  /** `<integrity-metadata>` up to `>`: whitespace-separated `sha256|sha384|sha512-<base64>[?options]` (wasmparser's `parse_hash`). */
  hash(): void {
    const integrity = this.takeUpTo('>');
    const hashes = integrity.split(/\s+/).filter((h) => h.length > 0);
    if (hashes.length === 0) throw new Error('integrity hash cannot be empty');
    for (const hash of hashes) {
      const alg = /^(sha256|sha384|sha512)/.exec(hash);
      if (!alg) throw new Error(`unrecognized hash algorithm: \`${hash}\``);
      if (hash[alg[0].length] !== '-') throw new Error(`expected \`-\` after hash algorithm: ${hash}`);
      const rest = hash.slice(alg[0].length + 1);
      const q = rest.indexOf('?');
      const base64 = q < 0 ? rest : rest.slice(0, q);
      if (!isBase64(base64)) throw new Error(`not valid base64: \`${base64}\``);
    }
  }
  optionalHash(): void {
    if (this.eat(',')) {
      this.expect('integrity=<');
      this.hash();
      this.expect('>');
    }
  }
  /** wasmparser's `semver_range`: `*`, `>=v`, `<v` or `>=v <w`. */
  versionRange(range: string): void {
    if (range === '*') return;
    const semver = (v: string) => {
      const problem = semverProblem(v);
      if (problem !== undefined) throw new Error(`\`${v}\` is not a valid semver: ${problem}`);
    };
    if (range.startsWith('>=')) {
      const rest = range.slice(2);
      const space = rest.indexOf(' ');
      semver(space < 0 ? rest : rest.slice(0, space));
      if (space >= 0) {
        const upper = rest.slice(space + 1);
        if (!upper.startsWith('<')) throw new Error('expected `<` at start of version range upper bounds');
        semver(upper.slice(1));
      }
    } else if (range.startsWith('<')) semver(range.slice(1));
    else throw new Error('expected `>=` or `<` at start of version range');
  }

}

/** Parses an import/export name; throws an Error with wasmparser-like text when it is not valid. */
export function parseExternName(name: string, opts: { nested?: boolean } = {}): NameKind {
  const common = parseCommonName(name); // one `:` and one `/`: nested names parse the same
  if (common) return common;
  const p = new NameParser(name, opts.nested ?? false);
  let out: NameKind;
  if (p.eat('[constructor]')) {
    out = { kind: 'constructor', resource: p.kebab(p.rest()) };
  } else if (p.eat('[method]') || p.eat('[static]')) {
    const kind = name.startsWith('[method]') ? 'method' : 'static';
    const resource = p.kebab(p.takeUntil('.'));
    out = { kind, resource, method: p.kebab(p.rest()) };
  } else if (p.eat('unlocked-dep=')) {
    p.expect('<');
    p.pkgPath(false);
    if (p.eat('@')) {
      if (!p.eat('*')) {
        p.expect('{');
        const range = p.takeUpTo('}');
        p.expect('}');
        p.versionRange(range);
      }
    }
    p.expect('>');
    out = { kind: 'dependency', text: name };
  } else if (p.eat('locked-dep=')) {
    p.expect('<');
    p.pkgName(false);
    p.expect('>');
    p.optionalHash();
    out = { kind: 'dependency', text: name };
  } else if (p.eat('url=')) {
    p.expect('<');
    const url = p.takeUpTo('>');
    if (url.includes('<')) throw new Error('url cannot contain `<`');
    p.expect('>');
    p.optionalHash();
    out = { kind: 'url', text: name };
  } else if (p.eat('integrity=')) {
    p.expect('<');
    p.hash();
    p.expect('>');
    out = { kind: 'hash', text: name };
  } else if (name.includes(':')) {
    out = { kind: 'interface', ...p.pkgName(true) };
  } else {
    out = { kind: 'label', label: p.kebab(p.rest()) };
  }
  if (p.next) throw new Error(`trailing characters found: \`${p.next}\``);
  return out;
}

/** Key under which two names collide when they are not strongly unique (case-insensitive; `[method]a.a` ≡ `a`). */
export function nameKey(n: NameKind): string {
  switch (n.kind) {
    case 'label':
      return `l:${n.label.toLowerCase()}`;
    case 'constructor':
      return `c:${n.resource.toLowerCase()}`;
    case 'method':
    case 'static':
      if (n.resource.toLowerCase() === n.method.toLowerCase()) return `l:${n.resource.toLowerCase()}`;
      return `m:${n.resource.toLowerCase()}.${n.method.toLowerCase()}`;
    case 'interface':
      return `i:${n.namespace}:${n.pkg}/${n.iface}${n.version ? '@' + n.version : ''}`;
    default:
      return `${n.kind}:${n.text}`;
  }
}

/** wasmparser's `is_base64`: base64 characters, then at most two `=` (not first). */
function isBase64(s: string): boolean {
  if (s.length === 0) return false;
  let equals = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 43 || c === 47;
    if (alnum && equals === 0) continue;
    if (c === 61 && i > 0 && equals < 2) equals++;
    else return false;
  }
  return true;
}
