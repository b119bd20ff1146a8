import { WaveError, type Span } from './errors.js';

/**
 * Decoding of char and string literals, done when a value is typed (as wasm-wave does, so syntax errors elsewhere
 * are reported first), and the escaping its writer applies when printing.
 */

/** Decodes the escape at `i` (a backslash) into [char, length], or undefined (wasm-wave's `unescape`). */
export function unescape(src: string, i: number): [string, number] | undefined {
  if (src[i] !== '\\') return undefined;
  const c = src[i + 1];
  switch (c) {
    case '\\': case "'": case '"': return [c, 2];
    case 't': return ['\t', 2];
    case 'n': return ['\n', 2];
    case 'r': return ['\r', 2];
    case 'u': {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(i + 2, i + 11));
      if (!m) return undefined;
      const cp = parseInt(m[1]!, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      return [String.fromCodePoint(cp), m[0].length + 2];
    }
    default:
      return undefined;
  }
}

/** The value of a char literal spanning `span` (quotes included). */
export function decodeChar(text: string, span: Span): string {
  const inner = text.slice(span.at + 1, span.end - 1);
  if (!inner.startsWith('\\')) return inner;
  const esc = unescape(inner, 0);
  if (!esc) throw new WaveError('invalid-escape', span, undefined, text, 'not a Unicode scalar value (surrogates and values above 10FFFF are not chars)');
  if (esc[1] !== inner.length) throw new WaveError('multiple-chars', span, undefined, text);
  return esc[0];
}

function decodePart(text: string, from: number, to: number): string {
  let out = '';
  let i = from;
  while (i < to) {
    const next = text.indexOf('\\', i);
    if (next < 0 || next >= to) {
      out += text.slice(i, to);
      break;
    }
    out += text.slice(i, next);
    const esc = unescape(text, next);
    if (!esc) throw new WaveError('invalid-escape', { at: next, end: next + 1 }, undefined, text, `invalid escape ${escapeShown(text, next)}`);
    out += esc[0];
    i = next + esc[1];
  }
  return out;
}

function escapeShown(text: string, at: number): string {
  const m = /^\\(u\{[^}]*\}?|.?)/su.exec(text.slice(at, at + 14));
  return m ? m[0] : '\\';
}

/** The value of a `"…"` string literal spanning `span`. */
export function decodeString(text: string, span: Span): string {
  return decodePart(text, span.at + 1, span.end - 1);
}

/**
 * The value of a `"""…"""` literal: the opening `"""` ends its line, the closing one sits on a line of spaces whose
 * width is stripped from every line, and the first and last line breaks are not part of the value.
 */
export function decodeMultiline(text: string, span: Span): string {
  const pos = span.at + 3;
  const end = span.end - 3;
  const fail = (at: number, to: number, detail: string): never => {
    throw new WaveError('invalid-multiline-string', { at, end: to }, detail, text);
  };
  let start = pos;
  if (text[start] === '\r') start++;
  const lines = text.slice(start, end).split('\n');
  const indent = lines.pop()!;
  if (/[^ ]/.test(indent)) fail(end - 3, end, 'closing """ must be on a line preceded only by spaces');
  if (lines.shift() !== '') fail(pos, pos + 1, 'opening """ must be followed immediately by newline');
  let lineAt = start + 1;
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(indent)) fail(lineAt, lineAt + 1, 'lines must be indented at least as much as closing """');
    const from = lineAt + indent.length;
    const to = lineAt + line.length - (line.endsWith('\r') ? 1 : 0);
    out.push(decodePart(text, from, to));
    lineAt += line.length + 1;
  }
  return out.join('\n');
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u;

/** One char as wasm-wave's writer prints it inside quotes (Rust's escape_default / escape_unicode / escape_debug). */
function escapeChar(ch: string): string {
  switch (ch) {
    case '\\': return '\\\\';
    case '"': return '\\"';
    case "'": return "\\'";
    case '\t': return '\\t';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case ' ': return ' ';
  }
  return NOT_PRINTABLE.test(ch) ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch;
}

export function printString(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeChar(ch);
  return `${out}"`;
}

export function printChar(ch: string): string {
  return `'${escapeChar(ch)}'`;
}
