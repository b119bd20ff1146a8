import type { SourceMap } from './source.js';
import { WitError } from './wit-error.js';

export type TokenKind =
  | 'comment' | '=' | ',' | ':' | '.' | ';' | '(' | ')' | '{' | '}' | '<' | '>' | '*' | '@' | '/' | '+' | '-' | '->'
  | 'id' | 'explicit-id' | 'integer' | 'string' | 'keyword';

/** The keywords of WIT; an identifier spelled like one lexes as the keyword. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'use', 'type', 'func', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'resource', 'own',
  'borrow', 'record', 'flags', 'variant', 'enum', 'bool', 'string', 'option', 'result', 'future', 'stream',
  'error-context', 'list', 'map', '_', 'as', 'from', 'static', 'interface', 'tuple', 'world', 'import', 'export',
  'package', 'constructor', 'include', 'with', 'async',
]);

/** Numeric code of each token kind (0 is end of input). */
export const CODE: Readonly<Record<TokenKind, number>> = {
  comment: 1, '=': 2, ',': 3, ':': 4, '.': 5, ';': 6, '(': 7, ')': 8, '{': 9, '}': 10, '<': 11, '>': 12, '*': 13, '@': 14,
  '/': 15, '+': 16, '-': 17, '->': 18, id: 19, 'explicit-id': 20, integer: 21, string: 22, keyword: 23,
};
export const EOF = 0;
const C_KEYWORD = CODE.keyword;
const C_IDENT = CODE.id;
const C_ARROW = CODE['->'];
/** Token code of each single-character punctuation (0: not one); `-` and `/` need a look at the next character. */
const PUNCT = new Uint8Array(128);
for (const p of ['=', ',', ':', '.', ';', '(', ')', '{', '}', '<', '>', '*', '@', '/', '+', '-'] as const) PUNCT[p.charCodeAt(0)] = CODE[p];
export const NAMES: TokenKind[] = [];
for (const [k, v] of Object.entries(CODE)) NAMES[v] = k as TokenKind;

/**
 * A file's tokens as parallel arrays: kind code, global start and end offsets, and the text of
 * identifiers and keywords. The arrays are shared buffers reused by the next `tokenize` call, so a
 * `Tokens` is only valid until then; entries at `count` and `count + 1` hold `EOF`.
 */
export interface Tokens {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  word: string[];
  /** 1 where an identifier is plain lowercase kebab-case and needs no further validation */
  simple: Uint8Array;
  count: number;
  text: string;
  offset: number;
}

let bufKind = new Uint8Array(1024);
let bufStart = new Int32Array(1024);
let bufEnd = new Int32Array(1024);
let bufSimple = new Uint8Array(1024);
const bufWord: string[] = [];

function grow(): void {
  const k = new Uint8Array(bufKind.length * 2);
  k.set(bufKind);
  bufKind = k;
  const s = new Int32Array(bufStart.length * 2);
  s.set(bufStart);
  bufStart = s;
  const e = new Int32Array(bufEnd.length * 2);
  e.set(bufEnd);
  bufEnd = e;
  const f = new Uint8Array(bufSimple.length * 2);
  f.set(bufSimple);
  bufSimple = f;
}

const ID_START = /[\p{ID_Start}_-]/u;
const ID_CONTINUE = /[\p{ID_Continue}-]/u;

function isKeyStart(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45) return true;
  if (c < 128 || isForbiddenCode(c)) return false;
  return ID_START.test(String.fromCodePoint(text.codePointAt(i)!));
}

function isKeyContinue(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45) return true;
  if (c < 128 || isForbiddenCode(c)) return false;
  return ID_CONTINUE.test(String.fromCodePoint(text.codePointAt(i)!));
}

const BIDI = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const DEPRECATED = new Set([0x149, 0x673, 0xf77, 0xf79, 0x17a3, 0x17a4, 0x17b4, 0x17b5]);

/** Control codes other than tab/newline/return, deprecated codepoints and bidirectional overrides. */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u0149\u0673\u0f77\u0f79\u17a3\u17a4\u17b4\u17b5\u202a-\u202e\u2066-\u2069]/;

function isForbiddenCode(c: number): boolean {
  return (c >= 0x7f && c <= 0x9f) || DEPRECATED.has(c) || BIDI.has(c);
}

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Reused buffers for a text's UTF-16 code units; typed-array reads are several times cheaper than `charCodeAt`. */
const ENCODER = new TextEncoder();
let asciiUnits = new Uint8Array(4096);
let wideUnits = new Uint16Array(0);

/**
 * The code units of `text`, followed by two zeros (so the lexer can look one past the end without a bounds check);
 * valid until the next call. An ASCII text is copied natively as bytes, any other unit by unit.
 */
function codeUnitsOf(text: string): Uint8Array | Uint16Array {
  const n = text.length;
  if (asciiUnits.length < n + 2) asciiUnits = new Uint8Array(n * 2 + 2);
  const done = ENCODER.encodeInto(text, asciiUnits);
  if (done.read === n && done.written === n) {
    asciiUnits[n] = 0;
    asciiUnits[n + 1] = 0;
    return asciiUnits;
  }
  if (wideUnits.length < n + 2) wideUnits = new Uint16Array(n * 2 + 2);
  for (let i = 0; i < n; i++) wideUnits[i] = text.charCodeAt(i);
  wideUnits[n] = 0;
  wideUnits[n + 1] = 0;
  return wideUnits;
}

/** Splits one WIT file into tokens; whitespace is dropped, comments are kept (they become docs). */
export function tokenize(text: string, offset: number, sources: SourceMap): Tokens {
  const fail = (at: number, msg: string, len = 1): never => {
    // wit-parser rejects forbidden codepoints before lexing, so such a codepoint anywhere wins over the first lexing error
    const bad = FORBIDDEN.exec(text);
    if (bad) {
      const c = bad[0].charCodeAt(0);
      const what = BIDI.has(c) ? `Input contains bidirectional override codepoint "${hex(c)}"`
        : DEPRECATED.has(c) ? `Codepoint "${hex(c)}" is discouraged by Unicode` : `Control code '${hex(c)}'`;
      throw new WitError('wit-syntax', what, { span: { start: offset + bad.index, end: offset + bad.index + 1 }, sources });
    }
    throw new WitError('wit-syntax', msg, { span: { start: offset + at, end: offset + at + len }, sources });
  };
  /** Comment bodies are skipped without lexing, so they are checked for forbidden codepoints here. */
  const checkSkipped = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const x = codes[k];
      if (x < 32 ? x !== 9 && x !== 10 && x !== 13 : x >= 0x7f && isForbiddenCode(x)) fail(k, 'forbidden codepoint');
    }
  };
  const codes = codeUnitsOf(text);
  let count = 0;
  const push = (code: number, s: number, e: number) => {
    if (count + 2 >= bufKind.length) grow();
    bufKind[count] = code;
    bufStart[count] = offset + s;
    bufEnd[count] = offset + e;
    count++;
  };
  let i = codes[0] === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    let c = codes[i];
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      // runs of indentation are the commonest characters of all
      do c = codes[++i];
      while (c === 32 || c === 9 || c === 10 || c === 13);
      if (i >= n) break;
    }
    const s = i;
    const punct = c < 128 ? PUNCT[c]! : 0;
    if (punct !== 0) {
      // single-character tokens, except where a second character decides (`->`, `//`, `/*`)
      if (c === 45 && codes[i + 1] === 62) {
        i += 2;
        push(C_ARROW, s, i);
        continue;
      }
      if (c !== 47 || (codes[i + 1] !== 47 && codes[i + 1] !== 42)) {
        if (count + 2 >= bufKind.length) grow();
        bufKind[count] = punct;
        bufStart[count] = offset + s;
        bufEnd[count] = offset + ++i;
        count++;
        continue;
      }
    }
    if (c === 47 /* / */) {
      const d = codes[i + 1];
      if (d === 47) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
        checkSkipped(s + 2, i);
        push(CODE['comment'], s, i);
        continue;
      }
      i += 2;
      let depth = 1;
      while (depth > 0) {
        if (i >= n) fail(s, 'unterminated block comment', 2);
        const x = codes[i];
        if (x === 47 && codes[i + 1] === 42) {
          depth++;
          i += 2;
        } else if (x === 42 && codes[i + 1] === 47) {
          depth--;
          i += 2;
        } else {
          if (x < 32 ? x !== 9 && x !== 10 && x !== 13 : x >= 0x7f && isForbiddenCode(x)) fail(i, 'forbidden codepoint');
          i++;
        }
      }
      push(CODE['comment'], s, i);
      continue;
    }
    if (c === 37) {
      i++;
      if (i < n && isKeyStart(codes[i], text, i)) {
        while (i < n && isKeyContinue(codes[i], text, i)) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
      }
      push(CODE['explicit-id'], s, i);
      continue;
    }
    if (c === 34) {
      i = scanString(text, i, (at, msg) => fail(at, msg)).end;
      push(CODE['string'], s, i);
      continue;
    }
    if (c >= 48 && c <= 57) {
      while (i < n && codes[i] >= 48 && codes[i] <= 57) i++;
      push(CODE['integer'], s, i);
      continue;
    }
    if (isKeyStart(c, text, i)) {
      // `simple` tracks `[a-z][a-z0-9]*(-[a-z0-9]+)*`, which needs no further identifier validation
      let simple = c >= 97 && c <= 122;
      let prevDash = false;
      i++;
      for (;;) {
        if (i >= n) break;
        const x = codes[i];
        if ((x >= 97 && x <= 122) || (x >= 48 && x <= 57)) {
          prevDash = false;
          i++;
        } else if (x === 45) {
          if (prevDash) simple = false;
          prevDash = true;
          i++;
        } else if ((x >= 65 && x <= 90) || x === 95) {
          simple = false;
          i++;
        } else if (x >= 128 && isKeyContinue(x, text, i)) {
          simple = false;
          i += text.codePointAt(i)! > 0xffff ? 2 : 1;
        } else break;
      }
      const kw = keywordAt(codes, s, i);
      if (count + 2 >= bufKind.length) grow();
      bufKind[count] = kw !== undefined ? C_KEYWORD : C_IDENT;
      bufStart[count] = offset + s;
      bufEnd[count] = offset + i;
      bufWord[count] = kw !== undefined ? kw : text.slice(s, i);
      bufSimple[count] = simple && !prevDash ? 1 : 0;
      count++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    fail(i, `unexpected character ${JSON.stringify(String.fromCodePoint(cp)).replace(/^"|"$/g, "'")}`, cp > 0xffff ? 2 : 1);
  }
  if (count + 2 >= bufKind.length) grow();
  bufKind[count] = EOF;
  bufKind[count + 1] = EOF;
  return { kind: bufKind, start: bufStart, end: bufEnd, word: bufWord, simple: bufSimple, count, text, offset };
}

/** Keywords bucketed by a hash of first character, last character and length: one lookup rules out most identifiers. */
const KEYWORD_LIST = [...KEYWORDS];
const KEYWORD_BUCKETS: (number[] | undefined)[] = new Array(256).fill(undefined);
const bucketOf = (first: number, last: number, len: number) => (first * 31 + last * 17 + len * 7) & 255;
KEYWORD_LIST.forEach((kw, k) => (KEYWORD_BUCKETS[bucketOf(kw.charCodeAt(0), kw.charCodeAt(kw.length - 1), kw.length)] ??= []).push(k));

/** The keyword spelled by code units `[s, e)`, compared in place (no substring, no string hashing). */
function keywordAt(codes: Uint8Array | Uint16Array, s: number, e: number): string | undefined {
  const len = e - s;
  const bucket = KEYWORD_BUCKETS[bucketOf(codes[s]!, codes[e - 1]!, len)];
  if (bucket === undefined) return undefined;
  for (let b = 0; b < bucket.length; b++) {
    const kw = KEYWORD_LIST[bucket[b]!]!;
    if (kw.length !== len) continue;
    let j = 0;
    while (j < len && kw.charCodeAt(j) === codes[s + j]) j++;
    if (j === len) return kw;
  }
  return undefined;
}

const validIds = new Set<string>();

/** Checks a kebab-case identifier: `-`-separated parts, each all-lowercase or all-uppercase, first starting with a letter. */
export function validateId(id: string): string | undefined {
  if (validIds.has(id)) return undefined;
  const problem = checkId(id);
  if (problem === undefined && validIds.size < 100_000) validIds.add(id);
  return problem;
}

function checkId(id: string): string | undefined {
  if (id.length === 0) return "identifiers must have characters between '-'s";
  const parts = id.split('-');
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part.length === 0) return "identifiers must have characters between '-'s";
    const first = part.charCodeAt(0);
    const isAlpha = (x: number) => (x >= 97 && x <= 122) || (x >= 65 && x <= 90);
    if (p === 0 && !isAlpha(first)) return `invalid character in identifier '${String.fromCodePoint(part.codePointAt(0)!)}'`;
    let upper: boolean | undefined;
    for (let k = 0; k < part.length; k++) {
      const x = part.charCodeAt(k);
      if (x >= 48 && x <= 57) continue;
      const isUp = x >= 65 && x <= 90;
      const isLow = x >= 97 && x <= 122;
      if (!isUp && !isLow) return `invalid character in identifier '${String.fromCodePoint(part.codePointAt(k)!)}'`;
      if (upper === undefined) upper = isUp;
      else if (upper !== isUp) return `invalid character in identifier '${part[k]}'`;
    }
  }
  return undefined;
}

export function describeToken(t: Tokens, i: number): string {
  const k = i < t.count ? NAMES[t.kind[i]!] : undefined;
  switch (k) {
    case undefined: return 'eof';
    case 'comment': return 'a comment';
    case 'id': return 'an identifier';
    case 'explicit-id': return "an '%' identifier";
    case 'integer': return 'an integer';
    case 'string': return 'a string literal';
    case 'keyword': return `keyword \`${t.word[i]}\``;
    case '->': case '*': case '@': case '/': case '+': case '-': return `\`${k}\``;
    default: return `'${k}'`;
  }
}

/** Scans a string literal starting at the opening quote; returns its decoded value and the offset after the closing quote. */
export function scanString(text: string, start: number, fail: (at: number, msg: string) => never): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  for (;;) {
    if (i >= text.length) fail(i, 'unexpected end of file');
    const c = text.charCodeAt(i);
    if (c === 34) return { value, end: i + 1 };
    if (c === 92) {
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': value += '"'; break;
        case "'": value += "'"; break;
        case 't': value += '\t'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case '\\': value += '\\'; break;
        case 'u': {
          if (text[i] !== '{') fail(i, "expected character '{'");
          const close = text.indexOf('}', i);
          const digits = close < 0 ? '' : text.slice(i + 1, close);
          if (!/^[0-9a-fA-F]+$/.test(digits)) fail(i + 1, `invalid hex digit '${text[i + 1] ?? ''}'`);
          const cp = parseInt(digits, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(i, `invalid unicode value 0x${cp.toString(16)}`);
          value += String.fromCodePoint(cp);
          i = close + 1;
          break;
        }
        default:
          fail(i - 1, `invalid string escape '${e ?? ''}'`);
      }
      continue;
    }
    if (c < 0x20 || (c >= 0x7f && isForbiddenCode(c))) fail(i, `invalid string character '\\u{${c.toString(16)}}'`);
    value += text[i];
    i++;
  }
}
