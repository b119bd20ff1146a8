import { isWeldError, type SourceSpan, type WeldError } from './error.js';

export interface RenderOptions {
  /** ANSI colours (the CLI passes true on a TTY unless NO_COLOR is set). */
  color?: boolean;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

// C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides and isolates
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the input (a file name, a line of the file, a registry's message) made safe for a terminal: control
 * characters and bidi overrides are shown as `\x1b` / `\u202e`, so an input cannot recolour, move the cursor, retitle
 * the window or reorder what the user reads. `oneLine` escapes line feeds too.
 */
export function printable(text: string, oneLine = false): string {
  return text.replace(oneLine ? UNPRINTABLE_LINE : UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The one rendering of a weld error, used by the CLI only:
 * `error[code]: message`, then `--> file:line:col` with the source line and a caret (as rustc and wit-parser print
 * it), or `at [file: ][<section> section, ]byte offset N (0xN)`, then the detail, then `hint:`.
 */
export function renderError(e: WeldError, options: RenderOptions = {}): string {
  const color = options.color ?? false;
  const red = paint(color, '1;31');
  const blue = paint(color, '1;34');
  const cyan = paint(color, '36');
  const lines = [`${red(`error[${e.code}]`)}: ${printable(e.message)}`];
  if (e.span) lines.push(...renderSpan(e.span, { color }));
  if (e.at) lines.push(blue(`at ${e.at.file !== undefined ? `${printable(e.at.file, true)}: ` : ''}${e.at.section ? `${printable(e.at.section, true)} section, ` : ''}byte offset ${e.at.offset} (0x${e.at.offset.toString(16)})`));
  if (e.detail) lines.push(printable(e.detail));
  if (e.hint) lines.push(`${cyan('hint')}: ${printable(e.hint)}`);
  return lines.join('\n');
}

/** Characters of a long source line shown around the caret (minified or generated input: one line of megabytes). */
const LONG_LINE_WINDOW = 120;

/**
 * `--> file:line:col`, the source line and a caret under the span, laid out as rustc and wit-parser print it (so WIT
 * errors read like wasm-tools'); just the arrow when the line is unknown. A line longer than 500 characters is shown
 * as the 120 around the column, cut with `…`.
 */
export function renderSpan(span: SourceSpan, options: RenderOptions = {}): string[] {
  const color = options.color ?? false;
  const blue = paint(color, '1;34');
  const red = paint(color, '1;31');
  let raw = span.lineText ?? '';
  let column = span.column;
  let cut = { before: '', after: '' };
  if (raw.length > 500) {
    const start = Math.max(0, Math.min(column - 1 - LONG_LINE_WINDOW / 2, raw.length - LONG_LINE_WINDOW));
    cut = { before: start > 0 ? '…' : '', after: start + LONG_LINE_WINDOW < raw.length ? '…' : '' };
    raw = cut.before + raw.slice(start, start + LONG_LINE_WINDOW) + cut.after;
    column = column - start + cut.before.length;
  }
  // the caret is laid out on the shown (escaped) text, so it stays under what it points at
  const before = printable(raw.slice(0, Math.max(0, column - 1)), true).length;
  const under = Math.max(1, printable(raw.slice(column - 1, Math.min(column - 1 + (span.length ?? 1), raw.length - cut.after.length)), true).length);
  const marker = ' '.repeat(before) + '^' + '-'.repeat(under - 1);
  const lineText = span.lineText === undefined ? undefined : printable(raw, true);
  // an argument or a one-line value: the text and the caret under it
  if (span.file === undefined) return lineText === undefined ? [] : [`  ${lineText}`, `  ${red(marker)}`];
  const arrow = `     ${blue('-->')} ${printable(span.file, true)}:${span.line}:${span.column}`;
  if (lineText === undefined) return [arrow];
  const bar = blue('|');
  return [arrow, `      ${bar}`, ` ${blue(String(span.line).padStart(4))} ${bar} ${lineText}`, `      ${bar} ${red(marker)}`];
}

/** The structured form `-o json` prints: everything a program needs, no rendered text. */
export interface ErrorDocument {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  offset?: number;
  section?: string;
  detail?: string;
  hint?: string;
}

export function errorDocument(e: WeldError): ErrorDocument {
  const doc: ErrorDocument = { code: e.code, message: e.message };
  if (e.span) Object.assign(doc, e.span.file === undefined ? {} : { file: e.span.file }, { line: e.span.line, column: e.span.column });
  if (e.at) Object.assign(doc, e.at.file !== undefined ? { file: e.at.file } : {}, { offset: e.at.offset }, e.at.section ? { section: e.at.section } : {});
  if (e.detail) doc.detail = e.detail;
  if (e.hint) doc.hint = e.hint;
  return doc;
}

/** An error as one line of text for places that list failures (test reports, plug diagnostics). */
export function errorLine(e: unknown): string {
  if (!isWeldError(e)) return e instanceof Error ? e.message : String(e);
  const where = e.span?.file !== undefined ? ` (${e.span.file}:${e.span.line}:${e.span.column})` : e.at ? ` (${e.at.file !== undefined ? `${e.at.file}, ` : ''}byte offset ${e.at.offset})` : '';
  return `error[${e.code}]: ${e.message}${where}`;
}
