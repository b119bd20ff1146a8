import { WeldError } from './error.js';
import { type SourceLocation, type SourceMap, type Span, isKnownSpan } from './source.js';

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
  /** reading a file or folder failed */
  | 'wit-io'
  /** the input nests so deeply that resolving it exhausted the stack */
  | 'wit-too-deep';

/** A user-caused WIT error: knows its span and renders a caret snippet against the source. */
export class WitError extends WeldError<WitErrorCode> {
  readonly span?: Span;
  readonly location?: SourceLocation;

  constructor(code: WitErrorCode, message: string, options: { span?: Span; sources?: SourceMap; hint?: string; cause?: unknown } = {}) {
    const { span, sources } = options;
    const known = span && sources && isKnownSpan(span);
    super(code, message, {
      exit: 2,
      detail: known ? sources.snippet(span) : undefined,
      hint: options.hint,
      cause: options.cause,
    });
    this.name = 'WitError';
    this.span = span;
    this.location = known ? sources.locate(span) : undefined;
  }

  /** The message followed by its snippet, as wit-parser prints it. */
  render(): string {
    return this.detail ? `${this.message}\n${this.detail}` : this.message;
  }
}
