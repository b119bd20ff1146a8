import { isWeldError, type SourceSpan, type WeldError } from './error.js';

export interface RenderOptions {
  /** ANSI colours (the CLI passes true on a TTY unless NO_COLOR is set). */
  color?: boolean;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

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
  const lines = [`${red(`error[${e.code}]`)}: ${e.message}`];
  if (e.span) lines.push(...renderSpan(e.span, { color }));
  if (e.at) lines.push(blue(`at ${e.at.file !== undefined ? `${e.at.file}: ` : ''}${e.at.section ? `${e.at.section} section, ` : ''}byte offset ${e.at.offset} (0x${e.at.offset.toString(16)})`));
  if (e.detail) lines.push(e.detail);
  if (e.hint) lines.push(`${cyan('hint')}: ${e.hint}`);
  return lines.join('\n');
}

/**
 * `--> file:line:col`, the source line and a caret under the span, laid out as rustc and wit-parser print it (so WIT
 * errors read like wasm-tools'); just the arrow when the line is unknown or longer than 500 characters.
 */
export function renderSpan(span: SourceSpan, options: RenderOptions = {}): string[] {
  const color = options.color ?? false;
  const blue = paint(color, '1;34');
  const red = paint(color, '1;31');
  const marker = ' '.repeat(Math.max(0, span.column - 1)) + '^' + '-'.repeat(Math.max(0, (span.length ?? 1) - 1));
  // an argument or a one-line value: the text and the caret under it
  if (span.file === undefined) return span.lineText === undefined ? [] : [`  ${span.lineText}`, `  ${red(marker)}`];
  const arrow = `     ${blue('-->')} ${span.file}:${span.line}:${span.column}`;
  if (span.lineText === undefined || span.lineText.length > 500) return [arrow];
  const bar = blue('|');
  return [arrow, `      ${bar}`, ` ${blue(String(span.line).padStart(4))} ${bar} ${span.lineText}`, `      ${bar} ${red(marker)}`];
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
