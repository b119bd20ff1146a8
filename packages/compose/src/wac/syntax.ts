import { spanAtLine } from '@weld/core';
import { GraphError, type Site } from '../graph/errors.js';

/**
 * The composition part of wac's language (LANGUAGE.md): `package`, `let`, `new` with named, inferred and spread
 * arguments and a trailing `...`, `.name` and `["name"]` access, `export` with `as` or `...`. Type statements
 * (`interface`, `world`, `type`) and `import` are parsed far enough to be reported as not supported, at their line.
 */
export interface Pos {
  line: number;
  col: number;
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

export type Statement =
  | { kind: 'let'; name: string; value: Expr; pos: Pos }
  | { kind: 'export'; value: Expr; as?: string; spread: boolean; pos: Pos }
  | { kind: 'unsupported'; what: string; pos: Pos };

export interface WacDocument {
  package: string;
  statements: Statement[];
}

type Token = { kind: 'id' | 'string' | 'punct' | 'eof'; text: string; pos: Pos };

const PUNCT = ['...', '->', ':', ';', ',', '.', '=', '{', '}', '(', ')', '[', ']', '@', '/', '<', '>'];

function lex(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): Pos => ({ line, col: i - lineStart + 1 });
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
  next();
  const pkg = packageName();
  doc.package = pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name;
  if (is('targets')) {
    doc.statements.push({ kind: 'unsupported', what: '`targets` (checking the composition against a world)', pos: peek().pos });
    next();
    while (!is(';') && peek().kind !== 'eof') next();
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
    } else if (is('import') || is('interface') || is('world') || is('type') || is('record') || is('variant') || is('enum') || is('flags') || is('resource')) {
      doc.statements.push({ kind: 'unsupported', what: `\`${t.text}\` statements`, pos: t.pos });
      skipStatement();
    } else fail('expected "let", "export" or "import"');
  }
  return doc;

  function skipStatement(): void {
    let depth = 0;
    while (peek().kind !== 'eof') {
      const t = next();
      if (t.text === '{') depth++;
      if (t.text === '}') depth--;
      if (depth <= 0 && (t.text === ';' || (t.text === '}' && !is(';')))) {
        if (is(';')) next();
        return;
      }
    }
  }
}
