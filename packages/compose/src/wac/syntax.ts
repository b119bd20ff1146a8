import { spanAtLine } from '@weld/core';
import { GraphError, type Site } from '../graph/errors.js';

/**
 * wac's language (LANGUAGE.md): `package` (with `targets`), `import` (by package path, inline interface, function type
 * or a declared name; `as` renames), `let`, `new` with named, inferred and spread arguments and a trailing `...`,
 * `.name` and `["name"]` access, `export` with `as` or `...`. Type statements (`interface`, `world`, `type`, `record`,
 * `variant`, `enum`, `flags`) are WIT: they are kept as text ranges for the WIT reader (see `wac/declarations.ts`).
 */
export interface Pos {
  line: number;
  col: number;
  /** character offset in the text */
  offset?: number;
  /** characters of the token, for the caret */
  len?: number;
  /** set by front-ends that are not `.wac` text (weld.yaml): the span to report as is */
  span?: Site;
}

export type Expr =
  | { kind: 'new'; package: string; version?: string; args: Arg[]; implicit: boolean; pos: Pos }
  | { kind: 'name'; name: string; pos: Pos }
  | { kind: 'access'; target: Expr; name: string; exact: boolean; pos: Pos };

export type Arg =
  | { kind: 'named'; name: string; exact: boolean; value: Expr; pos: Pos }
  | { kind: 'inferred'; name: string; pos: Pos }
  | { kind: 'spread'; name: string; pos: Pos };

/** A range of the text: a type statement or an import's type, handed to the WIT reader as written. */
export interface TextRange {
  start: number;
  end: number;
  pos: Pos;
}

/** What an `import` statement imports: an item of a package (`ns:pkg/iface[@version]`), or WIT written in place. */
export type ImportSource =
  | { kind: 'path'; package: string; version?: string; path: string[]; text: string; pos: Pos }
  /** `func(...)`, `interface { ... }` or the name of a declared interface or type */
  | { kind: 'wit'; form: 'func' | 'interface' | 'name'; range: TextRange };

export type Statement =
  | { kind: 'let'; name: string; value: Expr; pos: Pos }
  | { kind: 'export'; value: Expr; as?: string; spread: boolean; pos: Pos }
  /** `as`: the import's name in the result; by default the package path, else the local name */
  | { kind: 'import'; name: string; as?: string; source: ImportSource; pos: Pos; namePos: Pos }
  /** `interface`/`world` (and their names) or a top-level type definition, as WIT text */
  | { kind: 'declaration'; what: 'interface' | 'world' | 'type'; name: string; range: TextRange; pos: Pos }
  | { kind: 'unsupported'; what: string; pos: Pos };

export interface WacDocument {
  package: string;
  /** the offset of the `package` statement in the text */
  packageAt?: number;
  /** `package … targets ns:pkg/world`: the world the composition must satisfy */
  targets?: { package: string; version?: string; path: string[]; text: string; pos: Pos };
  statements: Statement[];
}

type Token = { kind: 'id' | 'string' | 'punct' | 'eof'; text: string; pos: Pos };

const PUNCT = ['...', '->', ':', ';', ',', '.', '=', '{', '}', '(', ')', '[', ']', '@', '/', '<', '>', '_'];

function lex(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): Pos => ({ line, col: i - lineStart + 1, offset: i });
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw syntax(file, pos(), 'unterminated block comment');
      for (let j = i; j < end; j++) if (text[j] === '\n') (line++, (lineStart = j + 1));
      i = end + 2;
      continue;
    }
    const before = out.length;
    const startIndex = i;
    if (lexToken()) {
      if (out.length > before) out.at(-1)!.pos.len = i - startIndex;
      continue;
    }
    throw syntax(file, pos(), `unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ kind: 'eof', text: 'end of file', pos: pos() });
  return out;

  function lexToken(): boolean {
    const c = text[i]!;
    if (c === '"') {
      const start = pos();
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) throw syntax(file, start, 'unterminated string');
      out.push({ kind: 'string', text: text.slice(i + 1, end), pos: start });
      i = end + 1;
      return true;
    }
    // ids and versions share a token: `1.0.0-rc.1` is read after `@` by the parser from raw tokens
    const word = /^%?[A-Za-z0-9][A-Za-z0-9-]*/.exec(text.slice(i, i + 256));
    if (word) {
      out.push({ kind: 'id', text: word[0].replace(/^%/, ''), pos: pos() });
      i += word[0].length;
      return true;
    }
    const p = PUNCT.find((q) => text.startsWith(q, i));
    if (!p) return false;
    out.push({ kind: 'punct', text: p, pos: pos() });
    i += p.length;
    return true;
  }
}

let currentText = '';

function syntax(file: string, pos: Pos, message: string): GraphError {
  return new GraphError('syntax', message, { site: siteOf(file, currentText, pos) });
}

/** The span of a position in a `.wac` text, with its source line for the caret. */
export function siteOf(file: string, text: string, pos: Pos): Site {
  return spanAtLine(file, text, pos.line, pos.col, pos.len ?? 1) as Site;
}

/** Parses a `.wac` document; throws `GraphError` (`syntax`) at the offending token. */
export function parseWac(text: string, file: string): WacDocument {
  currentText = text;
  const toks = lex(text, file);
  let k = 0;
  const peek = () => toks[k]!;
  const next = () => toks[k++]!;
  const fail = (message: string, t = peek()): never => {
    throw syntax(file, t.pos, `${message}, found ${t.kind === 'eof' ? 'end of file' : JSON.stringify(t.text)}`);
  };
  const is = (text: string) => peek().kind !== 'string' && peek().text === text;
  const expect = (text: string) => (is(text) ? next() : fail(`expected ${JSON.stringify(text)}`));
  const id = (what: string) => (peek().kind === 'id' ? next().text : fail(`expected ${what}`));

  const version = (): string => {
    let v = '';
    // `1.2.3`, `0.2.0-rc.1`: ids and dots until something else
    while (peek().kind === 'id' || (is('.') && v !== '')) {
      const t = next();
      v += t.text;
      if (!is('.') || toks[k + 1]?.kind !== 'id') break;
      v += next().text;
    }
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) fail(`expected a semver version`);
    return v;
  };
  /** `ns:pkg/a/b[@version]` (`path` = [a, b]) */
  const packagePath = (): { package: string; version?: string; path: string[]; text: string; pos: Pos } => {
    const start = peek().pos;
    let name = id('a package path');
    expect(':');
    name += ':' + id('a package path');
    while (is(':')) name += ':' + (next(), id('a package path'));
    const path: string[] = [];
    if (!is('/')) fail('expected "/" and an item name (a package path is ns:pkg/item)');
    while (is('/')) (next(), path.push(id('an item name')));
    const v = is('@') ? (next(), version()) : undefined;
    const text = `${name}/${path.join('/')}${v ? `@${v}` : ''}`;
    return { package: name, version: v, path, text, pos: { ...start, len: text.length } };
  };
  const packageName = (): { name: string; version?: string } => {
    let name = id('a package name');
    expect(':');
    name += ':' + id('a package name');
    while (is(':')) name += ':' + (next(), id('a package name'));
    if (is('@')) {
      next();
      return { name, version: version() };
    }
    return { name };
  };

  const primary = (): Expr => {
    const t = peek();
    if (is('new')) {
      next();
      const pkg = packageName();
      expect('{');
      const args: Arg[] = [];
      let implicit = false;
      while (!is('}')) {
        const at = peek().pos;
        if (is('...')) {
          next();
          if (peek().kind === 'id') args.push({ kind: 'spread', name: next().text, pos: at });
          else {
            implicit = true;
            if (!is('}')) fail('expected "}" after "..."');
            break;
          }
        } else if (peek().kind === 'string') {
          const name = next().text;
          expect(':');
          args.push({ kind: 'named', name, exact: true, value: expr(), pos: at });
        } else {
          const name = id('an argument');
          if (is(':')) {
            next();
            args.push({ kind: 'named', name, exact: false, value: expr(), pos: at });
          } else args.push({ kind: 'inferred', name, pos: at });
        }
        if (!is('}')) expect(',');
      }
      expect('}');
      return { kind: 'new', package: pkg.name, version: pkg.version, args, implicit, pos: t.pos };
    }
    if (is('(')) {
      next();
      const e = expr();
      expect(')');
      return e;
    }
    if (t.kind === 'id') return { kind: 'name', name: next().text, pos: t.pos };
    return fail('expected an expression');
  };
  const expr = (): Expr => {
    let e = primary();
    for (;;) {
      if (is('.') && toks[k + 1]?.kind === 'id') {
        const at = next().pos;
        e = { kind: 'access', target: e, name: next().text, exact: false, pos: at };
      } else if (is('[')) {
        const at = next().pos;
        const t = peek().kind === 'string' ? next() : fail('expected a string');
        expect(']');
        e = { kind: 'access', target: e, name: t.text, exact: true, pos: at };
      } else return e;
    }
  };

  const doc: WacDocument = { package: '', statements: [] };
  if (!is('package')) fail('expected "package" (a .wac file starts with its package name)');
  doc.packageAt = next().pos.offset;
  const pkg = packageName();
  doc.package = pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name;
  if (is('targets')) {
    next();
    doc.targets = packagePath();
  }
  expect(';');
  while (peek().kind !== 'eof') {
    const t = peek();
    if (is('let')) {
      next();
      const name = id('a name');
      expect('=');
      doc.statements.push({ kind: 'let', name, value: expr(), pos: t.pos });
      expect(';');
    } else if (is('export')) {
      next();
      const value = expr();
      let as: string | undefined;
      let spread = false;
      if (is('...')) (next(), (spread = true));
      else if (is('as')) {
        next();
        as = peek().kind === 'string' || peek().kind === 'id' ? next().text : fail('expected a name after "as"');
      }
      doc.statements.push({ kind: 'export', value, as, spread, pos: t.pos });
      expect(';');
    } else if (is('import')) {
      next();
      const namePos = peek().pos;
      const name = id('a name');
      let as: string | undefined;
      if (is('as')) {
        next();
        as = peek().kind === 'string' || peek().kind === 'id' ? next().text : fail('expected a name after "as"');
      }
      expect(':');
      const at = peek();
      let source: ImportSource;
      if (at.kind === 'id' && toks[k + 1]?.text === ':') source = { kind: 'path', ...packagePath() };
      else {
        const form = is('func') || is('async') ? 'func' : is('interface') ? 'interface' : at.kind === 'id' ? 'name' : fail('expected a package path, `func`, `interface` or a name');
        source = { kind: 'wit', form, range: skipStatement(at) };
      }
      if (source.kind === 'path') expect(';');
      doc.statements.push({ kind: 'import', name, as, source, pos: t.pos, namePos });
    } else if (is('interface') || is('world') || is('type') || is('record') || is('variant') || is('enum') || is('flags')) {
      const what = is('interface') ? 'interface' : is('world') ? 'world' : 'type';
      const name = toks[k + 1]?.kind === 'id' ? toks[k + 1]!.text : fail(`expected a name after "${t.text}"`, toks[k + 1]);
      doc.statements.push({ kind: 'declaration', what, name, range: skipStatement(t), pos: t.pos });
    } else if (is('resource') || is('use') || is('include')) {
      doc.statements.push({ kind: 'unsupported', what: `top-level \`${t.text}\` statements`, pos: t.pos });
      skipStatement(t);
    } else fail('expected "let", "export", "import" or a type statement');
  }
  return doc;

  /** Skips to the end of a statement: its `;` or closing `}` (and a `;` after it) at depth 0; returns the text range. */
  function skipStatement(first: Token): TextRange {
    let depth = 0;
    let last = first;
    while (peek().kind !== 'eof') {
      const t = next();
      last = t;
      if (t.text === '{' && t.kind === 'punct') depth++;
      if (t.text === '}' && t.kind === 'punct') depth--;
      if (depth <= 0 && t.kind === 'punct' && (t.text === ';' || t.text === '}')) {
        if (t.text === '}' && is(';')) last = next();
        const end = (last.pos.offset ?? 0) + (last.pos.len ?? last.text.length);
        return { start: first.pos.offset ?? 0, end, pos: first.pos };
      }
    }
    return fail('expected ";" or "}" to end the statement');
  }
}
