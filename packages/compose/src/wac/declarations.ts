import { decodeWasmPackageInto, encodeWitItem, extractWit, importsComponent, type Component, type Section } from '@weld/binary';
import { isWeldError, type SourceSpan } from '@weld/core';
import { parseGroup, pushGroups, Resolve, type PackageId as WitPackageId, type WorldId } from '@weld/wit-tools';
import { GraphError, type Site } from '../graph/errors.js';
import type { CompositionGraph, PackageId } from '../graph/graph.js';
import { ImportTypes, type ImportType, type TypeDefinition } from '../graph/import-types.js';
import { shortName } from '../graph/names.js';
import { siteOf, type Pos, type Statement, type WacDocument } from './syntax.js';
import type { PackageResolver } from './evaluate.js';

type ImportStatement = Extract<Statement, { kind: 'import' }>;
type Declaration = Extract<Statement, { kind: 'declaration' }>;

export interface DeclaredImport {
  /** the import's name in the result */
  name: string;
  type: ImportType;
}

/** The world a `.wac` file `targets`: the composition's imports must be among its imports, its exports cover its exports. */
export interface WacTarget {
  resolve: Resolve;
  world: WorldId;
  /** `ns:pkg/world[@version]` as written */
  name: string;
  site: Site;
}

export interface WacDeclarations {
  imports: Map<ImportStatement, DeclaredImport>;
  /** the type statements, each as the type the result defines and exports (wac exports them all) */
  definitions: Map<Declaration, TypeDefinition>;
  targets?: WacTarget;
}

export interface DeclarationContext {
  file: string;
  text: string;
  graph: CompositionGraph;
  resolvePackage: PackageResolver;
  /** registers a component package with the graph (once) */
  packageId: (name: string, version: string | undefined, site: Site) => Promise<PackageId>;
}

/** The world weld adds to the document's WIT to declare its imports (not a name WIT users write). */
const IMPORTS_WORLD = 'weld-wac-imports';

/**
 * Reads the WIT of a `.wac` document — its `interface`, `world` and type statements, and the types of its `import`
 * statements — with wit-tools, as one WIT package of the document's name whose world `weld-wac-imports` imports
 * what the document imports; packages named by path are found like `new` packages (a binary WIT package, or a WIT
 * folder). The world becomes one imports-only component, so imports share the interfaces their types use. An
 * import of an item of a component package (`import x: ns:comp/export`) takes that export's type instead. WIT errors
 * point at the `.wac` line.
 */
export async function readDeclarations(doc: WacDocument, cx: DeclarationContext): Promise<WacDeclarations> {
  const imports = doc.statements.filter((s): s is ImportStatement => s.kind === 'import');
  const declarations = doc.statements.filter((s): s is Declaration => s.kind === 'declaration');
  const out: WacDeclarations = { imports: new Map(), definitions: new Map() };
  if (imports.length === 0 && declarations.length === 0 && !doc.targets) return out;
  const at = (pos: Pos) => siteOf(cx.file, cx.text, pos);

  // `type f = func(...)` (wac has function type aliases, WIT has not): declared to WIT as a function import of the
  // world, and what imports `f` by name imports that function type
  const funcAliases = new Map<string, { declaration: Declaration; text: string; pos: Pos; carrierName: string }>();
  for (const d of declarations) {
    const m = d.what === 'type' ? /^type\s+%?[a-z][a-z0-9-]*\s*=\s*((?:async\s+)?func\b[\s\S]*);$/.exec(cx.text.slice(d.range.start, d.range.end)) : null;
    if (!m) continue;
    const start = d.range.end - m[1]!.length - 1;
    funcAliases.set(d.name, { declaration: d, text: m[1]!, pos: posAt(cx.text, start), carrierName: `weld-function-type-${funcAliases.size}` });
  }

  // packages named by the imports' paths: a WIT package joins the document's WIT; a component's export is imported as is
  const resolve = new Resolve();
  const packages = new Map<string, 'wit' | 'component'>();
  const loadPackage = async (name: string, version: string | undefined, site: Site): Promise<'wit' | 'component'> => {
    const key = version ? `${name}@${version}` : name;
    const known = packages.get(key);
    if (known) return known;
    const input = await cx.resolvePackage(name, version, site);
    let kind: 'wit' | 'component';
    try {
      kind = extractWit(input.bytes).kind === 'package' ? 'wit' : 'component';
      if (kind === 'wit') decodeWasmPackageInto(input.bytes, input.source ?? key, resolve);
    } catch (e) {
      if (!isWeldError(e)) throw e;
      throw new GraphError('package-invalid', `package ${key} (${input.source ?? key}) cannot be read: ${e.message}`, { site, cause: e });
    }
    packages.set(key, kind);
    return kind;
  };
  if (doc.targets) {
    const t = doc.targets;
    const own = doc.package.replace(/@.*$/, '') === t.package;
    if (!own && (await loadPackage(t.package, t.version, at(t.pos))) === 'component') {
      throw new GraphError('type-invalid', `targets ${t.text}: ${t.package} is a component; a target is a world of a WIT package`, { site: at(t.pos) });
    }
  }
  const viaComponent = new Set<ImportStatement>();
  for (const s of imports) {
    if (s.source.kind !== 'path') continue;
    if ((await loadPackage(s.source.package, s.source.version, at(s.source.pos))) === 'component') viaComponent.add(s);
  }
  for (const s of viaComponent) {
    if (s.source.kind !== 'path') continue;
    const site = at(s.source.pos);
    const pkg = await cx.packageId(s.source.package, s.source.version, site);
    const exports = [...cx.graph.allPackages[pkg]!.type.exports.keys()];
    const item = s.source.path.join('/');
    const byShort = exports.filter((n) => shortName(n) === item);
    const exportName = exports.includes(item) ? item : byShort.length === 1 ? byShort[0]! : undefined;
    if (!exportName) throw new GraphError('export-not-found', `component ${s.source.package} has no export ${item} (it exports ${exports.join(', ') || 'nothing'})`, { site });
    out.imports.set(s, { name: s.as ?? exportName, type: cx.graph.exportType(pkg, exportName, site) });
  }

  // names are checked here, at the statement, before they meet in one WIT world
  const seen = new Map<string, ImportStatement>();
  for (const s of imports) {
    const name = out.imports.get(s)?.name ?? s.as ?? (s.source.kind === 'path' ? s.source.text : s.name);
    if (seen.has(name)) throw new GraphError('import-duplicate', `the composition already imports ${name} (line ${seen.get(name)!.pos.line})`, { data: { name }, site: at(s.namePos) });
    seen.set(name, s);
  }

  const wit = new WitText(cx.text, doc);
  for (const d of declarations) if (d.what !== 'type') wit.keep(d.range.start, d.range.end);
  wit.openWorld(IMPORTS_WORLD);
  for (const d of declarations) {
    if (d.what !== 'type') continue;
    const f = funcAliases.get(d.name);
    if (!f) wit.append(cx.text.slice(d.range.start, d.range.end), d.range.pos);
    else (wit.appendLine(`import %${f.carrierName}:`, d.pos), wit.append(`${f.text};`, f.pos));
  }
  const placeholders = new Map<string, { statement: ImportStatement; name: string }>();
  imports.forEach((s, n) => {
    if (viaComponent.has(s)) return;
    const placeholder = `weld-import-${n}`;
    if (s.source.kind === 'path' && s.as === undefined) {
      wit.append(`import ${s.source.text};`, s.source.pos);
      placeholders.set(s.source.text, { statement: s, name: s.source.text });
      return;
    }
    const name = s.as ?? s.name;
    wit.appendLine(`import %${placeholder}:`, s.namePos);
    if (s.source.kind === 'path') wit.append(`${s.source.text};`, s.source.pos);
    else {
      // WIT ends an inline interface with its `}`, a function type or a name with `;`
      const written = cx.text.slice(s.source.range.start, s.source.range.end);
      const alias = s.source.form === 'name' ? funcAliases.get(written.replace(/;$/, '').trim().replace(/^%/, '')) : undefined;
      if (alias) wit.append(`${alias.text};`, alias.pos);
      else wit.append(s.source.form === 'interface' ? written.replace(/;$/, '') : written, s.source.range.pos);
    }
    placeholders.set(placeholder, { statement: s, name });
  });
  wit.closeWorld();

  let main: WitPackageId;
  try {
    const group = parseGroup(resolve, [{ path: cx.file, text: wit.text }]);
    for (const [key, dep] of group.main.foreignDeps) {
      if (resolve.packageNames.has(key)) continue;
      const site = wit.site(cx.file, resolve.sources.sourceSpan(dep.span)) ?? at(doc.statements[0]?.pos ?? { line: 1, col: 1 });
      if ((await loadPackage(`${dep.name.namespace}:${dep.name.name}`, dep.name.version, site)) === 'component') {
        throw new GraphError('not-implemented', `using types of component package ${key} is not supported by weld's .wac reader yet (only WIT packages)`, { site });
      }
    }
    main = pushGroups(resolve, group, []);
  } catch (e) {
    if (!isWeldError(e) || e instanceof GraphError) throw e;
    throw new GraphError('type-invalid', e.message, { site: wit.site(cx.file, e.span), hint: e.hint, cause: e });
  }
  if (doc.targets) {
    const t = doc.targets;
    const own = doc.package.replace(/@.*$/, '') === t.package;
    out.targets = targetWorld(resolve, own ? main : resolve.packageNames.get(t.version ? `${t.package}@${t.version}` : t.package)!, t, at(t.pos));
  }
  const topLevelTypes = declarations.filter((d) => d.what === 'type');
  if (placeholders.size === 0 && topLevelTypes.length === 0 && declarations.length === 0) return out;

  for (const d of declarations) {
    if (d.what === 'type') continue;
    try {
      out.definitions.set(d, { kind: 'component-type', def: encodeWitItem(resolve, main, d.what, d.name) });
    } catch (e) {
      if (!isWeldError(e)) throw e;
      throw new GraphError('type-invalid', `${d.what} ${d.name} cannot be encoded: ${e.message}`, { site: at(d.pos), cause: e });
    }
  }
  if (placeholders.size === 0 && topLevelTypes.length === 0) return out;
  // the imports and the top-level types (world-level types: imports with an `(eq T)` bound, which the result defines)
  const first = placeholders.size > 0 ? imports[0]!.pos : topLevelTypes[0]!.pos;
  const world = resolve.packages[main]!.worlds.get(IMPORTS_WORLD)!;
  let component: Component;
  try {
    component = renameImports(importsComponent(resolve, world), new Map([...placeholders].map(([k, v]) => [k, v.name])));
  } catch (e) {
    if (!isWeldError(e)) throw e;
    throw new GraphError('type-invalid', `the imports cannot be declared: ${e.message}`, { site: at(first), cause: e });
  }
  const types = new ImportTypes(component, at(first));
  for (const { statement, name } of placeholders.values()) out.imports.set(statement, { name, type: { kind: 'declared', types } });
  for (const d of topLevelTypes) {
    const f = funcAliases.get(d.name);
    out.definitions.set(d, f ? { kind: 'function-type', types, declaredAs: f.carrierName } : { kind: 'declared', types });
  }
  return out;
}

function targetWorld(resolve: Resolve, id: WitPackageId, t: NonNullable<WacDocument['targets']>, site: Site): WacTarget {
  const key = t.version ? `${t.package}@${t.version}` : t.package;
  const pkg = resolve.packages[id]!;
  const world = t.path.length === 1 ? pkg.worlds.get(t.path[0]!) : undefined;
  if (world === undefined) {
    throw new GraphError('unknown-name', `targets ${t.text}: package ${key} has no world ${t.path.join('/')} (its worlds: ${[...pkg.worlds.keys()].join(', ') || 'none'})`, { site });
  }
  return { resolve, world, name: t.text, site };
}

function posAt(text: string, offset: number): Pos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1, offset };
}

/** The component with its imports renamed (the WIT world names them by placeholders where WIT cannot say the name). */
function renameImports(c: Component, names: Map<string, string>): Component {
  const sections = c.sections.map((s): Section => {
    if (s.kind !== 'import') return s;
    return { ...s, items: s.items.map((i) => ({ ...i, name: { name: names.get(i.name.name) ?? i.name.name, form: 0 as const } })) };
  });
  return { ...c, sections };
}

/**
 * The WIT text of a `.wac` document: the text blanked except its `package` header and the statements kept in place
 * (so WIT errors there have the `.wac` line and column), then a world of appended chunks, each remembered with the
 * `.wac` position it came from.
 */
class WitText {
  private readonly chars: string[];
  private tail = '';
  private readonly chunks: { line: number; pos: Pos }[] = [];
  private readonly baseLines: number;

  constructor(private readonly source: string, doc: WacDocument) {
    this.chars = [...source].map((c) => (c === '\n' || c === '\r' ? c : ' '));
    // the header where the document's `package` statement is (it is at least as long: the same name, maybe `targets`)
    const header = `package ${doc.package};`;
    const at = doc.packageAt ?? 0;
    for (let i = 0; i < header.length; i++) this.chars[at + i] = header[i]!;
    this.baseLines = source.split('\n').length;
  }

  keep(start: number, end: number): void {
    for (let i = start; i < end; i++) this.chars[i] = this.source[i]!;
  }

  openWorld(name: string): void {
    this.tail += `\nworld %${name} {\n`;
  }

  closeWorld(): void {
    this.tail += '}\n';
  }

  /** Text from `.wac` position `pos`, on lines of its own, indented to its column. */
  append(text: string, pos: Pos): void {
    this.chunks.push({ line: this.baseLines + this.tail.split('\n').length - 1, pos });
    this.tail += ' '.repeat(Math.max(0, pos.col - 1)) + text + '\n';
  }

  appendLine(text: string, pos: Pos): void {
    this.append(text, { line: pos.line, col: 1 });
  }

  get text(): string {
    return this.chars.join('') + this.tail;
  }

  /** The `.wac` site of a WIT error's span. */
  site(file: string, span: SourceSpan | undefined): Site | undefined {
    if (!span) return undefined;
    let line = span.line;
    if (line > this.baseLines) {
      // appended chunks keep their columns (they are indented to them); lines inside a chunk follow its first
      const chunk = [...this.chunks].reverse().find((c) => c.line <= line);
      if (!chunk) return undefined;
      line = chunk.pos.line + (line - chunk.line);
    }
    return siteOf(file, this.source, { line, col: span.column, len: span.length });
  }
}
