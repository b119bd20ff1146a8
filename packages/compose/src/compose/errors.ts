import { WeldError, type WeldErrorOptions } from '@weld/core';

export type ComposeErrorCode =
  /** an import of an input that composition cannot re-declare in the result */
  | 'unsupported-import'
  /** `weld compose` given nothing to compose */
  | 'no-plugs'
  /** a missing input, two inputs of one name, a bad flag value */
  | 'input-invalid';

/** A composition that cannot be made; exit 2 (bad input) unless the result failed validation (1). */
export class ComposeError extends WeldError<ComposeErrorCode> {
  constructor(code: ComposeErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, { exit: 2, ...options });
    this.name = 'ComposeError';
  }
}
