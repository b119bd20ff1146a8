import { WaveError, type Span } from './errors.js';

/** wasm-wave's token kinds (lex.rs); the names appear in its `unexpected token: …` messages. */
export type TokenKind =
  | 'BraceOpen' | 'BraceClose' | 'ParenOpen' | 'ParenClose' | 'BracketOpen' | 'BracketClose'
  | 'Colon' | 'Comma' | 'Number' | 'LabelOrKeyword' | 'Char' | 'String' | 'MultilineString';

export interface Token extends Span {
  kind: TokenKind;
}

const PUNCT: Record<string, TokenKind> = {
  '{': 'BraceOpen', '}': 'BraceClose', '(': 'ParenOpen', ')': 'ParenClose', '[': 'BracketOpen', ']': 'BracketClose', ':': 'Colon', ',': 'Comma',
};

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
// A word may start with digits only after a hyphen; the alternatives are ordered so the longest label wins, as
// with wasm-wave's DFA lexer.
const LABEL_RE = /%?(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[0-9]*[a-z][a-z0-9]*|[0-9]*[A-Z][A-Z0-9]*|[0-9]+))*/y;
const SIMPLE_ESCAPES = `'"tnr\\`;
const HEX = /[0-9a-fA-F]/;
const ESCAPES_HELP = "\\\\ \\' \\\" \\t \\n \\r \\u{…}";
const CHAR_HELP = `malformed char: one character or escape (${ESCAPES_HELP}) between single quotes`;

/** The tokens of one WAVE text, as wasm-wave's logos lexer splits it (whitespace and `//` comments skipped). */
export class Lexer {
  /** Where the last token began and ended; at the end of the input, both are its length. */
  span: Span = { at: 0, end: 0 };

  constructor(
    readonly text: string,
    public pos = 0,
  ) {}

  /** The next token, undefined at the end of the input; throws `invalid token` where no token fits. */
  next(): Token | undefined {
    this.skip();
    const at = this.pos;
    if (at >= this.text.length) {
      this.span = { at, end: at };
      return undefined;
    }
    const kind = this.scan(at);
    const token = { kind, at, end: this.pos };
    this.span = token;
    return token;
  }

  /** The token after the current one, without consuming it; undefined at the end or before an invalid token. */
  peek(): TokenKind | undefined {
    const { pos, span } = this;
    try {
      return this.next()?.kind;
    } catch {
      return undefined;
    } finally {
      this.pos = pos;
      this.span = span;
    }
  }

  private skip(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && t[this.pos + 1] === '/') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private invalid(at: number, end: number, why = `unexpected ${describeChar(this.text, at)}`): never {
    const last = Math.max(end, at + (this.text.codePointAt(at)! > 0xffff ? 2 : 1));
    this.span = { at, end: last };
    throw new WaveError('invalid-token', { at, end: last }, undefined, this.text, why);
  }

  private scan(at: number): TokenKind {
    const t = this.text;
    const c = t[at]!;
    if (PUNCT[c]) {
      this.pos = at + 1;
      return PUNCT[c];
    }
    if (c === '"') return t.startsWith('"""', at) ? this.multiline(at) : this.string(at);
    if (c === "'") return this.char(at);
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (t.startsWith('-inf', at)) {
        this.pos = at + 4;
        return 'Number';
      }
      return this.sticky(NUMBER_RE, at, 'Number');
    }
    return this.sticky(LABEL_RE, at, 'LabelOrKeyword');
  }

  private sticky(re: RegExp, at: number, kind: TokenKind): TokenKind {
    re.lastIndex = at;
    if (!re.test(this.text)) this.invalid(at, at + 1);
    this.pos = re.lastIndex;
    return kind;
  }

  private multiline(at: number): TokenKind {
    const close = this.text.indexOf('"""', at + 3);
    if (close < 0) this.invalid(at, at + 3, 'unterminated multiline string (no closing """)');
    this.pos = close + 3;
    return 'MultilineString';
  }

  /** The length of an escape at `i` (a backslash), or 0; strings take any number of hex digits (checked later). */
  private escapeLength(i: number, maxHex: number): number {
    const t = this.text;
    if (SIMPLE_ESCAPES.includes(t[i + 1] ?? 'x')) return 2;
    if (t[i + 1] !== 'u' || t[i + 2] !== '{') return 0;
    let j = i + 3;
    while (j < t.length && HEX.test(t[j]!) && j - (i + 3) < maxHex) j++;
    return j > i + 3 && t[j] === '}' ? j + 1 - i : 0;
  }

  private string(at: number): TokenKind {
    const t = this.text;
    let i = at + 1;
    for (;;) {
      const c = t[i];
      if (c === '"') break;
      // A failed string is reported up to the end of its last complete character.
      if (c === undefined || c === '\n') this.invalid(at, i, 'unterminated string (a line break inside one is written \\n)');
      const n = c === '\\' ? this.escapeLength(i, Infinity) : 1;
      if (n === 0) this.invalid(at, i, `malformed escape ${t.slice(i, i + 2)} in a string; WAVE has ${ESCAPES_HELP}`);
      i += n;
    }
    this.pos = i + 1;
    return 'String';
  }

  private char(at: number): TokenKind {
    const t = this.text;
    if (t[at + 1] === '\\') {
      const n = this.escapeLength(at + 1, 6);
      if (n === 0 || t[at + 1 + n] !== "'") {
        // logos stops a failed `\u{…}` after its first hex digit.
        this.invalid(at, t.startsWith('\\u{', at + 1) && HEX.test(t[at + 4] ?? '') ? at + 5 : at + 1, CHAR_HELP);
      }
      this.pos = at + 2 + n;
      return 'Char';
    }
    let i = at + 1;
    const starts: number[] = [];
    while (starts.length < 5 && i < t.length && !`\\'\n`.includes(t[i]!)) {
      starts.push(i);
      i += t.codePointAt(i)! > 0xffff ? 2 : 1;
    }
    // logos reports a char with no closing quote up to (not including) the last character it read.
    if (t[i] !== "'" || starts.length === 0 || starts.length > 4) this.invalid(at, starts.length > 1 ? starts[starts.length - 1]! : at + 1, CHAR_HELP);
    this.pos = i + 1;
    if (starts.length > 1) {
      this.span = { at, end: this.pos };
      throw new WaveError('invalid-token', this.span, undefined, t, 'a char holds exactly one character; use "…" for a string');
    }
    return 'Char';
  }
}

function describeChar(text: string, at: number): string {
  const c = String.fromCodePoint(text.codePointAt(at)!);
  return c === '\n' ? 'a line break' : `'${c}'`;
}
