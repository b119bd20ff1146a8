import { RunError } from '../errors.js';

/**
 * Untyped WAVE syntax (https://github.com/bytecodealliance/wasm-tools/tree/main/crates/wasm-wave). Bools, enums,
 * variants, options and results all parse as a `label` case; the WIT type decides what it means.
 */
export type WaveNode =
  | { kind: 'number'; text: string; at: number }
  | { kind: 'char'; value: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'label'; name: string; payload?: WaveNode; at: number }
  | { kind: 'tuple'; items: WaveNode[]; at: number }
  | { kind: 'list'; items: WaveNode[]; at: number }
  | { kind: 'record'; fields: Array<{ name: string; value: WaveNode; at: number }>; at: number }
  | { kind: 'flags'; names: string[]; at: number };

/** `target(args…)`: the function named as the caller wrote it, and its arguments. */
export interface WaveCall {
  target: string;
  args: WaveNode[];
}

const LABEL_RE = /^%?[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*/;

/** Position-aware reader over one WAVE text; errors carry the column and a caret under it. */
class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw waveSyntaxError(this.text, at, message);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && this.text[this.pos + 1] === '/') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(ch: string, what: string): void {
    if (!this.eat(ch)) this.fail(`expected ${what}, found ${this.describeHere()}`);
  }

  describeHere(): string {
    const c = this.peek();
    return c === undefined ? 'the end of the input' : `'${c}'`;
  }

  label(): string {
    this.skipSpace();
    const m = LABEL_RE.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a label, found ${this.describeHere()}`);
    this.pos += m[0].length;
    return m[0].startsWith('%') ? m[0].slice(1) : m[0];
  }

  value(): WaveNode {
    const c = this.peek();
    const at = this.pos;
    if (c === undefined) this.fail('expected a value, found the end of the input');
    if (c === '"') return { kind: 'string', value: this.string(), at };
    if (c === "'") return { kind: 'char', value: this.char(), at };
    if (c === '(') return { kind: 'tuple', items: this.sequence('(', ')'), at };
    if (c === '[') return { kind: 'list', items: this.sequence('[', ']'), at };
    if (c === '{') return this.braces();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === '%' || /[a-zA-Z]/.test(c)) {
      const name = this.label();
      if (name === 'inf' || name === 'nan') return { kind: 'number', text: name, at };
      const payload = this.peek() === '(' ? this.parenthesized() : undefined;
      return { kind: 'label', name, payload, at };
    }
    return this.fail(`expected a value, found '${c}'`);
  }

  private parenthesized(): WaveNode {
    this.expect('(', "'('");
    const v = this.value();
    this.expect(')', "')'");
    return v;
  }

  sequence(open: string, close: string): WaveNode[] {
    this.expect(open, `'${open}'`);
    const items: WaveNode[] = [];
    while (!this.eat(close)) {
      items.push(this.value());
      if (!this.eat(',')) {
        this.expect(close, `',' or '${close}'`);
        break;
      }
    }
    return items;
  }

  private braces(): WaveNode {
    const at = this.pos;
    this.expect('{', "'{'");
    if (this.eat(':')) {
      this.expect('}', "'}' after '{:'");
      return { kind: 'record', fields: [], at };
    }
    if (this.eat('}')) return { kind: 'flags', names: [], at };
    const firstAt = this.pos;
    const first = this.label();
    if (this.eat(':')) {
      const fields = [{ name: first, value: this.value(), at: firstAt }];
      while (this.eat(',')) {
        if (this.peek() === '}') break;
        const fieldAt = this.pos;
        const name = this.label();
        this.expect(':', `':' after field ${name}`);
        fields.push({ name, value: this.value(), at: fieldAt });
      }
      this.expect('}', "',' or '}'");
      return { kind: 'record', fields, at };
    }
    const names = [first];
    while (this.eat(',')) {
      if (this.peek() === '}') break;
      names.push(this.label());
    }
    this.expect('}', "',' or '}'");
    return { kind: 'flags', names, at };
  }

  private number(): WaveNode {
    const at = this.pos;
    if (this.text.startsWith('-inf', this.pos)) {
      this.pos += 4;
      return { kind: 'number', text: '-inf', at };
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a number, found ${this.describeHere()}`);
    this.pos += m[0].length;
    return { kind: 'number', text: m[0], at };
  }

  private escape(): string {
    const at = this.pos;
    const c = this.text[this.pos++];
    switch (c) {
      case "'": case '"': case '\\': return c;
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'u': {
        const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(this.pos));
        const cp = m ? parseInt(m[1]!, 16) : NaN;
        if (!m || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('invalid \\u{…} escape: expected a Unicode scalar value in hex', at - 1);
        this.pos += m[0].length;
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(`unknown escape \\${c ?? ''}`, at - 1);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') this.fail('unterminated string', start);
      this.pos++;
      if (c === '"') return out;
      out += c === '\\' ? this.escape() : c;
    }
  }

  private char(): string {
    const start = this.pos;
    this.pos++;
    let value: string;
    if (this.text[this.pos] === '\\') {
      this.pos++;
      value = this.escape();
    } else {
      const cp = this.text.codePointAt(this.pos);
      if (cp === undefined || cp === 0x27 || cp === 0x0a) this.fail('expected one character between quotes', start);
      value = String.fromCodePoint(cp);
      this.pos += value.length;
    }
    if (this.text[this.pos] !== "'") this.fail('a char holds exactly one character; use "…" for a string', start);
    this.pos++;
    return value;
  }
}

export function waveSyntaxError(text: string, at: number, message: string): RunError {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return new RunError('wave-invalid', `${message} (column ${at - lineStart + 1})`, {
    detail: `  ${line}\n  ${' '.repeat(at - lineStart)}^`,
  });
}

/** Parses one WAVE value (surrounding whitespace and comments allowed). */
export function parseWaveValue(text: string): WaveNode {
  const r = new Reader(text);
  const v = r.value();
  if (r.peek() !== undefined) r.fail(`unexpected ${r.describeHere()} after the value`);
  return v;
}

/**
 * Parses a call `iface.func(arg, …)`. The target is everything before the first `(` (it may hold `:`, `/`, `@`,
 * `.` and `#`), so `demo:calc/calc@0.1.0.add(1, 2)` and `calc.add(1, 2)` both parse.
 */
export function parseWaveCall(text: string): WaveCall {
  const open = text.indexOf('(');
  if (open < 0) throw waveSyntaxError(text, text.length, "expected '(' and the arguments, e.g. calc.add(1, 2)");
  const target = text.slice(0, open).trim();
  if (!target) throw waveSyntaxError(text, open, 'expected a function name before (');
  const r = new Reader(text);
  r.pos = open;
  const args = r.sequence('(', ')');
  if (r.peek() !== undefined) r.fail(`unexpected ${r.describeHere()} after the call`);
  return { target, args };
}
