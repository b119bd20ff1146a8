/**
 * `lintWit`: style and compatibility rules over one package's WIT files. Pure: takes file texts (and optionally
 * the resolved package, for the rules that need dependencies), returns problems with locations and, where the
 * fix is mechanical, the text edits that fix them.
 */
import { isLowerKebab } from '@weld/core';
import type * as ast from '../../ast.js';
import type { PackageId, Resolve } from '../../model.js';
import { parseFile } from '../../parser.js';
import { SourceMap, type Span } from '../../source.js';
import type { Location } from '../findings.js';
import type { Problem } from '../problems.js';
import type { TextEdit } from './fix.js';
import { type LintConfig, type LintRule, LINT_RULES, levelOf } from './rules.js';

export interface LintProblem {
  rule: LintRule;
  level: 'warn' | 'error';
  message: string;
  location: Location;
  fix?: TextEdit[];
}

export interface LintReport {
  package?: string;
  problems: LintProblem[];
  errors: number;
  warnings: number;
  fixable: number;
}

export interface LintOptions {
  config?: LintConfig;
  /** the package resolved with its deps/ (for `shadowing`; a package that does not resolve is still linted) */
  resolved?: { resolve: Resolve; package: PackageId };
  /** the WIT files of deps/, one list per dependency package (for the versions `unversioned-dependency` adds) */
  deps?: { path: string; text: string }[][];
}

type Attrs = ast.Attribute[];
const gated = (a: Attrs) => a.some((x) => x.kind === 'since' || x.kind === 'unstable');
const hasDocs = (d: ast.Docs) => d.lines.some((l) => l.startsWith('///') || l.startsWith('/**'));
const HINT = /\b(instead|replace[sd]?|replacement|superseded|use\s+`?[a-z]|see\s)/i;

/** Names a type expression refers to. */
function typeRefs(t: ast.TypeAst | undefined, out: Set<string>): void {
  if (!t) return;
  switch (t.kind) {
    case 'name': out.add(t.id.name); break;
    case 'own': case 'borrow': out.add(t.resource.name); break;
    case 'list': case 'option': case 'fixed-list': typeRefs(t.ty, out); break;
    case 'future': case 'stream': typeRefs(t.ty, out); break;
    case 'map': typeRefs(t.key, out); typeRefs(t.value, out); break;
    case 'result': typeRefs(t.ok, out); typeRefs(t.err, out); break;
    case 'tuple': t.types.forEach((x) => typeRefs(x, out)); break;
    case 'record': t.fields.forEach((f) => typeRefs(f.ty, out)); break;
    case 'variant': t.cases.forEach((c) => typeRefs(c.ty, out)); break;
    case 'resource': t.funcs.forEach((f) => funcRefs(f.func.func, out)); break;
    default: break;
  }
}

function funcRefs(f: ast.FuncAst, out: Set<string>): void {
  f.params.forEach((p) => typeRefs(p.ty, out));
  typeRefs(f.result, out);
}

function pathSpan(p: ast.UsePath): Span {
  return p.kind === 'id' ? p.id.span : p.pkg.span;
}

class Linter {
  readonly sources = new SourceMap();
  readonly problems: LintProblem[] = [];
  pkgName?: ast.PackageNameAst;
  /** names other interfaces/worlds of the package `use` from each interface */
  readonly usedFrom = new Map<string, Set<string>>();

  /** `ns:name` → versions of it in deps/ */
  readonly depVersions = new Map<string, string[]>();

  constructor(readonly config: LintConfig, readonly resolved?: LintOptions['resolved']) {}

  file(span: Span) {
    return this.sources.fileAt(span.start)!;
  }

  locate(span: Span): Location {
    const l = this.sources.locate(span)!;
    return { path: l.path, line: l.line, col: l.col };
  }

  report(rule: LintRule, span: Span, message: string, fix?: TextEdit[]): void {
    const level = levelOf(rule, this.config);
    if (level === 'off') return;
    this.problems.push({ rule, level, message, location: this.locate(span), ...(fix && fix.length > 0 ? { fix } : {}) });
  }

  /** An edit inserting `@since(...)` on its own line above the line `span` starts on, indented alike. */
  sinceFix(span: Span, version: string): TextEdit[] {
    const f = this.file(span);
    const rel = span.start - f.offset;
    const lineStart = f.text.lastIndexOf('\n', rel - 1) + 1;
    const indent = /^[ \t]*/.exec(f.text.slice(lineStart))![0];
    return [{ path: f.path, start: lineStart, end: lineStart, text: `${indent}@since(version = ${version})\n` }];
  }

  /** Lowercase kebab-case, with uppercase words allowed as acronyms beside lowercase ones (`HTTP-request-denied`, as WASI writes them). */
  name(id: ast.Id, what: string): void {
    if (isLowerKebab(id.name)) return;
    const words = id.name.split('-');
    if (words.some((w) => /^[a-z]/.test(w))) return;
    this.report('naming-kebab-case', id.span, `${what} \`${id.name}\` is all uppercase; WIT names are lowercase kebab-case (uppercase words only as acronyms)`);
  }

  stutter(id: ast.Id, what: string, owner: string | undefined, ownerWhat: string): void {
    if (owner === undefined) return;
    if (id.name.startsWith(`${owner}-`) || id.name.endsWith(`-${owner}`)) {
      this.report('naming-stutter', id.span, `${what} \`${id.name}\` repeats the ${ownerWhat} name \`${owner}\``);
    }
  }

  /** the package uses `@since` somewhere: it promises per-item stability, as WASI 0.2 does */
  usesSince = false;

  /** A stable release: a version without pre-release that is 1.0.0 or later, or that already gates items with @since. */
  get releasedVersion(): string | undefined {
    const v = this.pkgName?.version?.version;
    if (v === undefined || v.includes('-')) return undefined;
    return !v.startsWith('0.') || this.usesSince ? v : undefined;
  }

  /** inside an `@unstable` interface or world, whose items need no gate of their own */
  unstableScope = false;

  since(attrs: Attrs, span: Span, what: string): void {
    const v = this.releasedVersion;
    if (v === undefined || gated(attrs) || this.unstableScope) return;
    this.report('missing-since', span, `${what} has no @since (the package is released as ${v})`, this.sinceFix(span, v));
  }

  docs(docs: ast.Docs, span: Span, what: string): void {
    if (!hasDocs(docs)) this.report('missing-docs', span, `${what} has no doc comment`);
  }

  deprecated(attrs: Attrs, docs: ast.Docs, span: Span, what: string): void {
    if (attrs.some((a) => a.kind === 'deprecated') && !HINT.test(docs.lines.join('\n'))) {
      this.report('deprecated-without-hint', span, `${what} is @deprecated but its docs do not say what to use instead`);
    }
  }

  /** A reference to another package without a version: fix with the version deps/ resolves it to. */
  versioned(path: ast.UsePath): void {
    if (path.kind !== 'package' || path.pkg.version !== undefined) return;
    const full = `${path.pkg.namespace.name}:${path.pkg.name.name}`;
    const versions = this.depVersions.get(full) ?? [];
    const f = this.file(path.name.span);
    // only one version in deps/ makes the fix mechanical
    const fix = versions.length === 1 ? [{ path: f.path, start: path.name.span.end - f.offset, end: path.name.span.end - f.offset, text: `@${versions[0]}` }] : undefined;
    this.report('unversioned-dependency', path.pkg.span, `\`${full}/${path.name.name}\` names no version${versions.length > 0 ? ` (deps/ has ${versions.join(', ')})` : ''}`, fix);
  }

  /** Edits removing name `i` of a `use` list, or the whole statement when it is the only one. */
  removeUseName(use: ast.UseAst, i: number): TextEdit[] {
    const n = use.names[i]!;
    const f = this.file(n.name.span);
    const end = (k: number) => (use.names[k]!.as ?? use.names[k]!.name).span.end - f.offset;
    const start = (k: number) => use.names[k]!.name.span.start - f.offset;
    if (use.names.length === 1) {
      const from = pathSpan(use.from).start - f.offset;
      const kw = f.text.lastIndexOf('use', from);
      const lineStart = f.text.lastIndexOf('\n', kw - 1) + 1;
      const semi = f.text.indexOf(';', end(i));
      const lineEnd = f.text.indexOf('\n', semi);
      const onlyStatement = f.text.slice(lineStart, kw).trim() === '' && f.text.slice(semi + 1, lineEnd < 0 ? undefined : lineEnd).trim() === '';
      return [onlyStatement ? { path: f.path, start: lineStart, end: lineEnd < 0 ? f.text.length : lineEnd + 1, text: '' } : { path: f.path, start: kw, end: semi + 1, text: '' }];
    }
    return [i < use.names.length - 1 ? { path: f.path, start: start(i), end: start(i + 1), text: '' } : { path: f.path, start: end(i - 1), end: end(i), text: '' }];
  }

  /** Unused names brought in by `use` and unused type definitions of one scope. */
  unused(scope: string, uses: ast.UseAst[], defs: ast.TypeDefAst[], refs: Set<string>): void {
    const external = this.usedFrom.get(scope) ?? new Set<string>();
    for (const use of uses) {
      use.names.forEach((n, i) => {
        const local = (n.as ?? n.name).name;
        if (!refs.has(local) && !external.has(local)) this.report('unused-use', (n.as ?? n.name).span, `\`${local}\` is brought in by \`use\` but never used in ${scope}`, this.removeUseName(use, i));
      });
    }
    for (const d of defs) {
      if (d.ty.kind === 'resource' && d.ty.funcs.length > 0) continue;
      if (!refs.has(d.name.name) && !external.has(d.name.name)) this.report('unused-type', d.name.span, `type \`${d.name.name}\` is not used by any function or type of the package`);
    }
  }

  interfaceItems(scope: string, items: ast.InterfaceItem[]): void {
    const refs = new Set<string>();
    const uses: ast.UseAst[] = [];
    const defs: ast.TypeDefAst[] = [];
    for (const item of items) {
      if (item.kind === 'use') {
        uses.push(item.use);
        this.versioned(item.use.from);
        this.since(item.use.attributes, pathSpan(item.use.from), `\`use\` in ${scope}`);
        item.use.names.forEach((n) => n.as && this.name(n.as, 'use alias'));
      } else if (item.kind === 'type') {
        const d = item.def;
        defs.push(d);
        typeRefs(d.ty, refs);
        this.typeDef(d, scope);
      } else {
        const f = item.func;
        funcRefs(f.func, refs);
        this.func(f, scope, `function \`${f.name.name}\` in ${scope}`);
      }
    }
    this.unused(scope, uses, defs, refs);
  }

  func(f: ast.NamedFunc, owner: string, what: string): void {
    this.name(f.name, 'function');
    this.stutter(f.name, 'function', owner, 'interface');
    f.func.params.forEach((p) => this.name(p.name, 'parameter'));
    this.since(f.attributes, f.name.span, what);
    this.docs(f.docs, f.name.span, what);
    this.deprecated(f.attributes, f.docs, f.name.span, what);
  }

  typeDef(d: ast.TypeDefAst, scope: string): void {
    const what = `type \`${d.name.name}\` in ${scope}`;
    this.name(d.name, 'type');
    this.stutter(d.name, 'type', scope, 'interface');
    this.since(d.attributes, d.name.span, what);
    this.docs(d.docs, d.name.span, what);
    this.deprecated(d.attributes, d.docs, d.name.span, what);
    const t = d.ty;
    if (t.kind === 'record') t.fields.forEach((f) => this.name(f.name, 'field'));
    else if (t.kind === 'variant' || t.kind === 'enum') t.cases.forEach((c) => this.name(c.name, 'case'));
    else if (t.kind === 'flags') t.flags.forEach((f) => this.name(f.name, 'flag'));
    else if (t.kind === 'resource') {
      for (const rf of t.funcs) {
        const label = rf.kind === 'constructor' ? `constructor of \`${d.name.name}\`` : `${rf.kind} \`${d.name.name}.${rf.func.name.name}\``;
        if (rf.kind !== 'constructor') {
          this.name(rf.func.name, 'method');
          this.stutter(rf.func.name, 'method', d.name.name, 'resource');
          this.docs(rf.func.docs, rf.func.name.span, label);
        }
        rf.func.func.params.forEach((p) => this.name(p.name, 'parameter'));
        this.since(rf.func.attributes, rf.func.name.span, label);
        this.deprecated(rf.func.attributes, rf.func.docs, rf.func.name.span, label);
      }
    }
  }

  world(w: ast.WorldAst, pkg: string | undefined): void {
    const what = `world \`${w.name.name}\``;
    this.name(w.name, 'world');
    this.stutter(w.name, 'world', pkg, 'package');
    this.since(w.attributes, w.name.span, what);
    this.docs(w.docs, w.name.span, what);
    this.deprecated(w.attributes, w.docs, w.name.span, what);
    const refs = new Set<string>();
    const uses: ast.UseAst[] = [];
    const defs: ast.TypeDefAst[] = [];
    this.unstableScope = w.attributes.some((a) => a.kind === 'unstable');
    for (const item of w.items) {
      if (item.kind === 'use') {
        uses.push(item.use);
        this.versioned(item.use.from);
        this.since(item.use.attributes, pathSpan(item.use.from), `\`use\` in ${what}`);
      } else if (item.kind === 'type') {
        defs.push(item.def);
        typeRefs(item.def.ty, refs);
        this.typeDef(item.def, w.name.name);
      } else if (item.kind === 'include') {
        this.versioned(item.include.from);
        this.since(item.include.attributes, pathSpan(item.include.from), `include in ${what}`);
        item.include.names.forEach((n) => this.name(n.as, 'include alias'));
      } else {
        const ext = item.extern;
        const span = ext.kind === 'path' ? pathSpan(ext.path) : ext.name.span;
        const label = `${item.kind} ${ext.kind === 'path' ? (ext.path.kind === 'id' ? ext.path.id.name : `${ext.path.pkg.namespace.name}:${ext.path.pkg.name.name}/${ext.path.name.name}`) : ext.name.name} of ${what}`;
        this.since(item.attributes, span, label);
        if (ext.kind !== 'path') this.name(ext.name, item.kind);
        if (ext.kind === 'path' || ext.kind === 'named-path') this.versioned(ext.path);
        if (ext.kind === 'func') funcRefs(ext.func, refs);
        if (ext.kind === 'interface') this.interfaceItems(`${w.name.name}.${ext.name.name}`, ext.items);
      }
    }
    this.unused(what, uses, defs, refs);
  }
}

/** Interface names a `use` path names inside this package (`iface` or `own:pkg/iface`). */
function localTarget(path: ast.UsePath, pkg: ast.PackageNameAst | undefined): string | undefined {
  if (path.kind === 'id') return path.id.name;
  if (pkg && path.pkg.namespace.name === pkg.namespace.name && path.pkg.name.name === pkg.name.name) return path.name.name;
  return undefined;
}

export function lintWit(files: { path: string; text: string }[], options: LintOptions = {}): LintReport {
  const l = new Linter(options.config ?? {}, options.resolved);
  const parsed = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => parseFile(f.text, l.sources.add(f.path, f.text), l.sources));
  l.pkgName = parsed.find((p) => p.packageId)?.packageId;
  for (const group of options.deps ?? []) {
    const scratch = new SourceMap();
    for (const f of group) {
      const file = parseFile(f.text, scratch.add(f.path, f.text), scratch);
      const names = [file.packageId, ...file.items.flatMap((i) => (i.kind === 'package' ? [i.pkg.packageId] : []))];
      for (const n of names) {
        if (!n?.version) continue;
        const key = `${n.namespace.name}:${n.name.name}`;
        const list = l.depVersions.get(key) ?? [];
        if (!list.includes(n.version.version)) list.push(n.version.version);
        l.depVersions.set(key, list);
      }
    }
  }
  l.usesSince = files.some((f) => /@since\s*\(/.test(f.text));
  const items = parsed.flatMap((p) => p.items);
  // what each interface gives to the rest of the package through `use`
  const allUses: ast.UseAst[] = items.flatMap((i) =>
    i.kind === 'interface' ? i.iface.items.flatMap((x) => (x.kind === 'use' ? [x.use] : []))
      : i.kind === 'world' ? i.world.items.flatMap((x) => (x.kind === 'use' ? [x.use] : [])) : []);
  for (const use of allUses) {
    const target = localTarget(use.from, l.pkgName);
    if (target === undefined) continue;
    const set = l.usedFrom.get(target) ?? new Set<string>();
    use.names.forEach((n) => set.add(n.name.name));
    l.usedFrom.set(target, set);
  }
  const pkg = l.pkgName?.name.name;
  for (const item of items) {
    if (item.kind === 'interface') {
      const i = item.iface;
      const what = `interface \`${i.name.name}\``;
      l.name(i.name, 'interface');
      l.stutter(i.name, 'interface', pkg, 'package');
      l.since(i.attributes, i.name.span, what);
      l.docs(i.docs, i.name.span, what);
      l.deprecated(i.attributes, i.docs, i.name.span, what);
      l.unstableScope = i.attributes.some((a) => a.kind === 'unstable');
      l.interfaceItems(i.name.name, i.items);
      l.unstableScope = false;
      shadowing(l, i);
    } else if (item.kind === 'world') {
      l.unstableScope = false;
      l.world(item.world, pkg);
    } else if (item.kind === 'use') {
      l.versioned(item.use.item);
    }
  }
  const problems = l.problems.sort((a, b) => (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : (a.location.line! - b.location.line!) || (a.location.col! - b.location.col!)));
  return {
    package: l.pkgName ? `${l.pkgName.namespace.name}:${l.pkgName.name.name}${l.pkgName.version ? `@${l.pkgName.version.version}` : ''}` : undefined,
    problems,
    errors: problems.filter((p) => p.level === 'error').length,
    warnings: problems.filter((p) => p.level === 'warn').length,
    fixable: problems.filter((p) => p.fix).length,
  };
}

/** A type defined (or renamed in by `use`) with the name of another type in an interface this one uses from. */
function shadowing(l: Linter, i: ast.InterfaceAst): void {
  const r = l.resolved;
  if (!r) return;
  const local = new Map<string, Span>();
  for (const x of i.items) {
    if (x.kind === 'type') local.set(x.def.name.name, x.def.name.span);
    if (x.kind === 'use') x.use.names.forEach((n) => n.as && local.set(n.as.name, n.as.span));
  }
  for (const x of i.items) {
    if (x.kind !== 'use') continue;
    const source = sourceInterface(r.resolve, r.package, x.use.from);
    if (!source) continue;
    const imported = new Set(x.use.names.map((n) => n.name.name));
    for (const [name, span] of local) {
      if (source.types.has(name) && !(imported.has(name) && !x.use.names.find((n) => n.name.name === name)?.as)) {
        l.report('shadowing', span, `\`${name}\` in \`${i.name.name}\` shadows \`${source.label}.${name}\`, which it uses from`);
      }
    }
  }
}

function sourceInterface(resolve: Resolve, own: PackageId, path: ast.UsePath): { types: Map<string, number>; label: string } | undefined {
  if (path.kind === 'id') {
    const id = resolve.packages[own]!.interfaces.get(path.id.name);
    return id === undefined ? undefined : { types: resolve.interfaces[id]!.types, label: path.id.name };
  }
  const want = `${path.pkg.namespace.name}:${path.pkg.name.name}`;
  const pkg = resolve.packages.find((p) => `${p.name.namespace}:${p.name.name}` === want && (path.pkg.version === undefined || p.name.version === path.pkg.version.version));
  const id = pkg?.interfaces.get(path.name.name);
  return id === undefined ? undefined : { types: resolve.interfaces[id]!.types, label: `${want}/${path.name.name}` };
}

/** Lint problems as CI problems (GitHub annotations, SARIF). */
export function lintProblems(report: LintReport): Problem[] {
  return report.problems.map((p) => ({ code: p.rule, level: p.level === 'error' ? 'error' : 'warning', message: p.message, location: p.location }));
}

export const LINT_RULE_INFO = Object.entries(LINT_RULES).map(([id, r]) => ({ id, description: r.description }));
