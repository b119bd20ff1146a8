import { spanAt } from '@weld/core';
import { RunError } from '../errors.js';

/** wasm-wave's `ParserErrorKind`s, with the text its `Display` prints for each. */
const KIND_TEXT = {
  'empty-tuple': 'empty tuple',
  'multiple-chars': 'multiple characters in char value',
  'invalid-escape': 'invalid character escape',
  'invalid-multiline-string': 'invalid multiline string',
  'invalid-params': 'invalid params',
  'invalid-token': 'invalid token',
  'invalid-type': 'invalid value type',
  'invalid-value': 'invalid value',
  'trailing-characters': 'trailing characters after value',
  'unexpected-end': 'unexpected end of input',
  'unexpected-token': 'unexpected token',
  'duplicate-field': 'duplicate field',
  'duplicate-flag': 'duplicate flag',
  'wasm-value': 'error converting Wasm value',
  'nesting-too-deep': 'value nesting too deep',
} as const;

export type WaveErrorKind = keyof typeof KIND_TEXT;

/** A half-open range of UTF-16 offsets into the WAVE text. */
export interface Span {
  at: number;
  end: number;
}

/**
 * A WAVE text that does not parse or does not fit its type. `kind`, `span` and `waveDetail` are what wasm-wave
 * reports (its `ParserError`), so `waveErrorText` reproduces its message; the user sees `explanation` when given.
 */
export class WaveError extends RunError {
  constructor(
    readonly kind: WaveErrorKind,
    readonly waveSpan: Span,
    readonly waveDetail: string | undefined,
    text: string,
    explanation?: string,
  ) {
    const said = explanation ?? waveDetail;
    // "error converting Wasm value" says nothing to a user; the detail alone does.
    const head = kind === 'wasm-value' && said ? said : said ? `${KIND_TEXT[kind]}: ${said}` : KIND_TEXT[kind];
    const where = spanAt(undefined, text, waveSpan.at, waveSpan.end - waveSpan.at);
    super('wave-invalid', `${head} (${where.line > 1 ? `line ${where.line}, ` : ''}column ${where.column})`, { span: where });
    this.name = 'WaveError';
  }
}

/** wasm-wave's own rendering of the error: `kind[: detail] at start..end`, in UTF-8 byte offsets. */
export function waveErrorText(e: WaveError, text: string): string {
  const bytes = (i: number) => Buffer.byteLength(text.slice(0, i));
  return `${KIND_TEXT[e.kind]}${e.waveDetail !== undefined ? `: ${e.waveDetail}` : ''} at ${bytes(e.waveSpan.at)}..${bytes(e.waveSpan.end)}`;
}

/** Rust's `{:?}` of a string, as wasm-wave quotes names in its messages. */
export function debugQuote(s: string): string {
  return JSON.stringify(s);
}
