import { WaveError, debugQuote, type Span } from './errors.js';
import { Lexer, type Token, type TokenKind } from './lex.js';

/**
 * Untyped WAVE (https://github.com/bytecodealliance/wasm-tools/tree/main/crates/wasm-wave), parsed as wasm-wave's
 * parser.rs does: the keywords `true`, `false`, `some`, `none`, `ok`, `err` make bools, options and results, and a
 * `%`-prefixed label is always a plain label (an enum or variant case such as `%none`). Char and string literals
 * keep only their span; they are decoded when typed.
 */
export type WaveNode = Span &
  (
    | { kind: 'bool'; value: boolean }
    | { kind: 'number'; text: string }
    | { kind: 'char' }
    | { kind: 'string'; multiline: boolean }
    | { kind: 'tuple'; items: WaveNode[] }
    | { kind: 'list'; items: WaveNode[] }
    | { kind: 'record'; fields: Array<Span & { name: string; value: WaveNode }> }
    | { kind: 'label'; name: string; payload?: WaveNode }
    | { kind: 'option'; payload?: WaveNode }
    | { kind: 'result'; ok: boolean; payload?: WaveNode }
    | { kind: 'flags'; names: string[] }
  );

/** `target(args…)`: the function named as the caller wrote it, and its arguments. */
export interface WaveCall {
  target: string;
  args: WaveNode[];
  /** Where the target is written. */
  targetSpan: Span;
  /** The parenthesized arguments; undefined for `target()`. */
  argsSpan?: Span;
}

/** wasm-wave's limit; it also keeps the recursive descent far from the JavaScript stack's. */
export const MAX_DEPTH = 100;

const CLOSER_TEXT: Partial<Record<TokenKind, string>> = { ParenClose: ')', BracketClose: ']', BraceClose: '}' };
const TOKEN_TEXT: Partial<Record<TokenKind, string>> = {
  BraceOpen: "'{'", BraceClose: "'}'", ParenOpen: "'('", ParenClose: "')'", BracketOpen: "'['", BracketClose: "']'",
  Colon: "':'", Comma: "','", Number: 'a number', LabelOrKeyword: 'a label', Char: 'a char', String: 'a string', MultilineString: 'a string',
};

class Parser {
  private token!: Token;
  private depth = 0;
  readonly lex: Lexer;

  constructor(
    readonly text: string,
    pos = 0,
  ) {
    this.lex = new Lexer(text, pos);
  }

  advance(): Token {
    const t = this.lex.next();
    if (!t) throw new WaveError('unexpected-end', this.lex.span, undefined, this.text, 'the value is incomplete');
    this.token = t;
    return t;
  }

  expect(kind: TokenKind, wanted: string): void {
    if (this.token.kind !== kind) this.unexpected(wanted);
  }

  unexpected(wanted = 'a value'): never {
    const t = this.token;
    throw new WaveError('unexpected-token', t, t.kind, this.text, `expected ${wanted}, found ${TOKEN_TEXT[t.kind] ?? t.kind}`);
  }

  slice(span: Span = this.token): string {
    return this.text.slice(span.at, span.end);
  }

  node(): WaveNode {
    if (this.depth >= MAX_DEPTH) {
      throw new WaveError('nesting-too-deep', this.lex.span, undefined, this.text, `values nest at most ${MAX_DEPTH} deep`);
    }
    this.depth++;
    try {
      return this.nodeInner();
    } finally {
      this.depth--;
    }
  }

  private nodeInner(): WaveNode {
    const t = this.advance();
    const leaf = { at: t.at, end: t.end };
    switch (t.kind) {
      case 'Number': return { kind: 'number', text: this.slice(), ...leaf };
      case 'Char': return { kind: 'char', ...leaf };
      case 'String': return { kind: 'string', multiline: false, ...leaf };
      case 'MultilineString': return { kind: 'string', multiline: true, ...leaf };
      case 'ParenOpen': return this.tuple();
      case 'BracketOpen': return { kind: 'list', ...this.sequence('BracketClose') };
      case 'BraceOpen': return this.recordOrFlags();
      case 'LabelOrKeyword': break;
      default: return this.unexpected();
    }
    switch (this.slice()) {
      case 'true': return { kind: 'bool', value: true, ...leaf };
      case 'false': return { kind: 'bool', value: false, ...leaf };
      case 'inf': case 'nan': return { kind: 'number', text: this.slice(), ...leaf };
      case 'some': {
        this.advance();
        this.expect('ParenOpen', "'(' after some");
        return { kind: 'option', payload: this.payload(), at: t.at, end: this.token.end };
      }
      case 'none': return { kind: 'option', ...leaf };
      case 'ok': case 'err': {
        const payload = this.lex.peek() === 'ParenOpen' ? (this.advance(), this.payload()) : undefined;
        return { kind: 'result', ok: this.slice(t) === 'ok', payload, at: t.at, end: this.token.end };
      }
    }
    const name = labelName(this.slice());
    if (this.lex.peek() !== 'ParenOpen') return { kind: 'label', name, ...leaf };
    this.advance();
    return { kind: 'label', name, payload: this.payload(), at: t.at, end: this.token.end };
  }

  /** The value after `(` and the `)` closing it. */
  private payload(): WaveNode {
    const v = this.node();
    this.advance();
    this.expect('ParenClose', "')'");
    return v;
  }

  tuple(): WaveNode {
    const seq = this.sequence('ParenClose');
    if (seq.items.length === 0) throw new WaveError('empty-tuple', seq, undefined, this.text, 'a tuple has at least one element');
    return { kind: 'tuple', ...seq };
  }

  /** Comma-separated values up to `close` (the opening token is current); a trailing comma is allowed. */
  private sequence(close: TokenKind): Span & { items: WaveNode[] } {
    const at = this.token.at;
    const items: WaveNode[] = [];
    if (this.lex.peek() === close) {
      this.advance();
      return { items, at, end: this.token.end };
    }
    for (;;) {
      items.push(this.node());
      if (this.advance().kind === 'Comma') {
        if (this.lex.peek() !== close) continue;
        this.advance();
        break;
      }
      this.expect(close, `',' or '${CLOSER_TEXT[close]}'`);
      break;
    }
    return { items, at, end: this.token.end };
  }

  private recordOrFlags(): WaveNode {
    const at = this.token.at;
    this.advance();
    if (this.token.kind === 'Colon') {
      this.advance();
      this.expect('BraceClose', "'}' after '{:'");
      return { kind: 'record', fields: [], at, end: this.token.end };
    }
    if (this.token.kind === 'BraceClose') return { kind: 'flags', names: [], at, end: this.token.end };
    return this.lex.peek() === 'Colon' ? this.record(at) : this.flags(at);
  }

  private label(): Span & { name: string } {
    this.expect('LabelOrKeyword', 'a label');
    return { name: labelName(this.slice()), at: this.token.at, end: this.token.end };
  }

  private record(at: number): WaveNode {
    const fields: Array<Span & { name: string; value: WaveNode }> = [];
    const seen = new Set<string>();
    for (;;) {
      const label = this.label();
      if (seen.has(label.name)) throw new WaveError('duplicate-field', label, debugQuote(label.name), this.text, `${label.name} is given twice`);
      seen.add(label.name);
      this.advance();
      this.expect('Colon', `':' after field ${label.name}`);
      fields.push({ ...label, value: this.node() });
      if (this.advance().kind === 'Comma') this.advance();
      if (this.token.kind === 'BraceClose') break;
    }
    return { kind: 'record', fields, at, end: this.token.end };
  }

  private flags(at: number): WaveNode {
    const names: string[] = [];
    for (;;) {
      const label = this.label();
      if (names.includes(label.name)) throw new WaveError('duplicate-flag', label, debugQuote(label.name), this.text, `${label.name} is given twice`);
      names.push(label.name);
      if (this.advance().kind === 'Comma') this.advance();
      if (this.token.kind === 'BraceClose') break;
    }
    return { kind: 'flags', names, at, end: this.token.end };
  }

  /** Refuses anything but whitespace and comments after what was parsed. */
  finish(what: string): void {
    const { pos } = this.lex;
    let span: Span;
    try {
      if (!this.lex.next()) return;
      span = this.lex.span;
    } catch {
      span = this.lex.span;
    }
    this.lex.pos = pos;
    throw new WaveError('trailing-characters', span, undefined, this.text, `unexpected ${JSON.stringify(this.slice(span))} after ${what}`);
  }
}

function labelName(raw: string): string {
  return raw.startsWith('%') ? raw.slice(1) : raw;
}

/** Parses one WAVE value (surrounding whitespace and comments allowed). */
export function parseWaveValue(text: string): WaveNode {
  const p = new Parser(text);
  const v = p.node();
  p.finish('the value');
  return v;
}

/**
 * Parses a call `iface.func(arg, …)`. The target is everything before the first `(` (it may hold `:`, `/`, `@`,
 * `.` and `#`), so `demo:calc/calc@0.1.0.add(1, 2)` and `calc.add(1, 2)` both parse.
 */
export function parseWaveCall(text: string): WaveCall {
  const open = text.indexOf('(');
  const lead = text.length - text.trimStart().length;
  const targetSpan = { at: lead, end: lead + text.slice(lead, open < 0 ? undefined : open).trimEnd().length };
  if (open < 0) throw new WaveError('unexpected-end', { at: text.length, end: text.length }, undefined, text, "expected '(' and the arguments, e.g. calc.add(1, 2)");
  if (targetSpan.end === targetSpan.at) throw new WaveError('invalid-params', { at: open, end: open + 1 }, undefined, text, 'expected a function name before (');
  const p = new Parser(text, open);
  p.advance();
  let call: WaveCall = { target: text.slice(targetSpan.at, targetSpan.end), args: [], targetSpan };
  if (p.lex.peek() === 'ParenClose') p.advance();
  else {
    const tuple = p.tuple() as WaveNode & { kind: 'tuple' };
    call = { ...call, args: tuple.items, argsSpan: { at: tuple.at, end: tuple.end } };
  }
  p.finish('the call');
  return call;
}
