import { renderSpan, type SourceSpan } from '@weld/core';
import { WeldError } from './error.js';
import { type SourceMap, type Span, isKnownSpan } from './source.js';

/** Stable codes of every error the WIT toolkit reports for bad input. */
export type WitErrorCode =
  /** lexing or parsing failed (unexpected token, bad identifier, bad version) */
  | 'wit-syntax'
  /** a name, interface, world, type or package member does not exist */
  | 'wit-unknown-name'
  /** two items share a name */
  | 'wit-duplicate'
  /** types, interfaces/worlds or world includes depend on themselves */
  | 'wit-cycle'
  /** packages depend on each other in a cycle */
  | 'wit-package-cycle'
  /** a package referenced by a `use`/import is neither defined nor in deps/ */
  | 'wit-unknown-package'
  /** no `package` header, mismatched headers, or two packages claiming one name */
  | 'wit-package'
  /** a handle or type shape is invalid (handle of non-resource, borrow returned, bad map key, ...) */
  | 'wit-invalid-type'
  /** `@since` / `@unstable` / `@deprecated` misuse or a reference to a gated-off item */
  | 'wit-gate'
  /** a world's imports/exports conflict or an include fails */
  | 'wit-world'
  /** reading a file or folder failed (other than its not existing) */
  | 'wit-io'
  /** the file or folder named does not exist */
  | 'no-such-file'
  /** the input nests so deeply that resolving it exhausted the stack */
  | 'wit-too-deep';

/** A user-caused WIT error: knows where it is; the caret is drawn only when it is rendered. */
export class WitError extends WeldError<WitErrorCode> {
  /** The span in the source map's offsets (what the resolver works with). */
  readonly witSpan?: Span;

  /** `place`: where in a file when there is no source map yet (bytes that are not text). */
  constructor(code: WitErrorCode, message: string, options: { span?: Span; sources?: SourceMap; place?: SourceSpan; hint?: string; cause?: unknown } = {}) {
    const { span, sources } = options;
    const known = span && sources && isKnownSpan(span);
    super(code, message, { exit: 2, span: known ? sources.sourceSpan(span) : options.place, hint: options.hint, cause: options.cause });
    this.name = 'WitError';
    this.witSpan = span;
  }

  /** The message followed by its snippet, as wit-parser prints it. */
  render(): string {
    return this.span ? `${this.message}\n${renderSpan(this.span).join('\n')}` : this.message;
  }
}

/** The code for a failed read of a file or folder the user named: `no-such-file` when nothing is there. */
export function readFailure(e: unknown): 'no-such-file' | 'wit-io' {
  return (e as { code?: unknown } | undefined)?.code === 'ENOENT' ? 'no-such-file' : 'wit-io';
}
