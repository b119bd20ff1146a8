import { WeldError } from '@weld/core';

/** Stable codes of every error the binary codec reports. */
export type BinaryErrorCode =
  // decoding (malformed bytes): exit 2
  | 'no-such-file'
  | 'unreadable-file'
  | 'unexpected-end'
  | 'bad-magic'
  | 'bad-version'
  | 'not-a-component'
  | 'invalid-leading-byte'
  | 'invalid-leb'
  | 'invalid-utf8'
  | 'section-size-mismatch'
  | 'section-out-of-order'
  | 'trailing-bytes'
  | 'limit-exceeded'
  | 'malformed-core-module'
  | 'malformed-custom-section'
  // validation (well-formed but invalid): exit 1
  | 'invalid-core-module'
  | 'index-out-of-bounds'
  | 'wrong-sort'
  | 'type-mismatch'
  | 'invalid-type'
  | 'invalid-name'
  | 'duplicate-name'
  | 'missing-export'
  | 'missing-argument'
  | 'unexpected-argument'
  | 'invalid-canon-options'
  | 'invalid-resource-use'
  | 'invalid-alias'
  | 'value-not-consumed'
  | 'invalid-start'
  | 'unsupported-feature'
  // options
  | 'unknown-feature';

const MALFORMED: ReadonlySet<BinaryErrorCode> = new Set<BinaryErrorCode>([
  'no-such-file', 'unreadable-file', 'unexpected-end', 'bad-magic', 'bad-version', 'not-a-component', 'invalid-leading-byte',
  'invalid-leb', 'invalid-utf8', 'section-size-mismatch', 'section-out-of-order', 'trailing-bytes', 'limit-exceeded',
  'malformed-core-module', 'malformed-custom-section',
]);

/** Human names of the section ids, for messages. */
export const SECTION_NAMES: readonly string[] = [
  'custom', 'core module', 'core instance', 'core type', 'component', 'instance', 'alias', 'type', 'canon', 'start',
  'import', 'export', 'value',
];

/**
 * An error in a component binary. `offset` is the absolute byte offset in the outermost input; `section` names the
 * section being read or validated (with nesting, e.g. `component[0] > canon`). Decode errors (malformed bytes) exit 2,
 * validation errors (well-formed but invalid) exit 1.
 */
export class BinaryError extends WeldError<BinaryErrorCode> {
  readonly offset: number;
  readonly section?: string;

  constructor(code: BinaryErrorCode, message: string, offset: number, section?: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, {
      exit: MALFORMED.has(code) || code === 'unknown-feature' ? 2 : 1,
      at: code === 'unreadable-file' || code === 'no-such-file' || code === 'unknown-feature' ? undefined : { offset, section },
      hint: options.hint,
      cause: options.cause,
    });
    this.name = 'BinaryError';
    this.offset = offset;
    this.section = section;
  }

  /** True when the bytes could not be decoded at all (as opposed to decoding but failing validation). */
  get malformed(): boolean {
    return MALFORMED.has(this.code);
  }
}

export function isBinaryError(e: unknown): e is BinaryError {
  return e instanceof BinaryError;
}
