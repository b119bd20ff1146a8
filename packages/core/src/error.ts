import type { FileProblemCode } from './arguments.js';

/**
 * A place in a text input, 1-based. `lineText` is the whole source line, so the one renderer can draw the caret at
 * the CLI edge without holding the file; `length` is how many characters the caret underlines.
 */
export interface SourceSpan {
  /** Absent for text that is not a file: a command-line argument, a WAVE value. */
  file?: string;
  line: number;
  column: number;
  length?: number;
  lineText?: string;
}

/**
 * Where in a binary input: the absolute byte offset and the section being read (`component[0] > canon`). `file` names
 * the input when it is one: decoders see bytes only, so the code that read the file adds it (`WeldError.inFile`).
 */
export interface ByteLocation {
  offset: number;
  section?: string;
  file?: string;
}

export interface WeldErrorOptions {
  cause?: unknown;
  /** CLI exit code: 2 bad input or usage (default), 1 a check found problems, 3 denied by policy. */
  exit?: number;
  hint?: string;
  span?: SourceSpan;
  at?: ByteLocation;
  /** Free-form context that is data, not rendering: a compiler's diagnostics, the registry's answer, a listing. */
  detail?: string;
}

/**
 * Base of every typed error weld throws for a user's mistake. Each package closes `C` with its own documented
 * literal union (`WitErrorCode`, `BinaryErrorCode`, …); the constructor is protected so no code is made up ad hoc.
 * Errors carry structure (span, byte location, hint); text is made only by `renderError` at the CLI edge.
 */
export class WeldError<C extends string = string> extends Error {
  readonly code: C;
  readonly exit: number;
  readonly hint?: string;
  readonly span?: SourceSpan;
  readonly at?: ByteLocation;
  readonly detail?: string;

  protected constructor(code: C, message: string, options: WeldErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeldError';
    this.code = code;
    this.exit = options.exit ?? 2;
    this.hint = options.hint;
    this.span = options.span;
    this.at = options.at;
    this.detail = options.detail;
  }

  /**
   * Names `file` as the input this error's byte location is in, and returns this same error (its class, stack and
   * cause kept) for the caller to rethrow. Meant for the code that read a file and handed its bytes to a decoder that
   * knows only bytes. Does nothing without a byte location, or when the location already names a file (the innermost
   * reader knows best, e.g. a dependency's .wasm inside a WIT folder).
   */
  inFile(file: string): this {
    if (this.at && this.at.file === undefined) (this as { at?: ByteLocation }).at = { ...this.at, file };
    return this;
  }
}

export function isWeldError(e: unknown): e is WeldError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { exit?: unknown }).exit === 'number';
}

/**
 * For a `catch` around decoding a file's bytes: `e` with `file` named in its byte location when it is a weld error
 * that has one (see `WeldError.inFile`), else `e` unchanged. `catch (e) { throw errorInFile(e, file); }`
 */
export function errorInFile(e: unknown, file: string): unknown {
  return isWeldError(e) && typeof e.inFile === 'function' ? e.inFile(file) : e;
}

/** Runs `decode` (a synchronous decoder of `file`'s bytes) and names `file` in the byte location of what it throws. */
export function decodingFile<T>(file: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw errorInFile(e, file);
  }
}

/** Codes of the errors the CLI itself raises (the libraries raise their own). */
export type CliErrorCode =
  /** a command of the target surface that this version does not implement */
  | 'not-implemented'
  /** a bad flag value or combination that commander cannot see */
  | 'usage'
  /** the demo needs the repository checkout */
  | 'demo-unavailable'
  /** this JS engine cannot compile a module the validator accepted */
  | 'engine-unsupported'
  /** a path-looking argument that does not exist, or a file that cannot be read */
  | FileProblemCode
  /** a file or folder weld was asked to write cannot be written (a folder in the way, no permission, a full disk) */
  | 'unwritable-file';

export class CliError extends WeldError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CliError';
  }
}

/**
 * Finds the 1-based line and column of `offset` in `text` and the line's text: what a `SourceSpan` needs.
 * `length` is clipped to the line.
 */
export function spanAt(file: string | undefined, text: string, offset: number, length = 1): SourceSpan {
  const at = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = text.length;
  let lineText = text.slice(lineStart, lineEnd);
  if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  const column = at - lineStart + 1;
  return { file, line, column, length: Math.max(1, Math.min(length, lineText.length - column + 1)), lineText };
}

/** A span from a 1-based line and column of `text`. */
export function spanAtLine(file: string, text: string, line: number, column: number, length = 1): SourceSpan {
  const lines = text.split('\n');
  let lineText = lines[line - 1] ?? '';
  if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
  return { file, line, column, length: Math.max(1, length), lineText };
}
