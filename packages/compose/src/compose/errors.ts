import { WeldError, type WeldErrorOptions } from '@weld/core';

export type ComposeErrorCode =
  | 'unsupported-import'
  | 'plug-unused'
  | 'plug-conflict'
  | 'no-plugs'
  | 'composition-invalid'
  | 'input-invalid';

/** A composition that cannot be made; exit 2 (bad input) unless the result failed validation (1). */
export class ComposeError extends WeldError<ComposeErrorCode> {
  constructor(code: ComposeErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, { exit: 2, ...options });
    this.name = 'ComposeError';
  }
}
