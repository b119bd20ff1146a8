import type { BinaryErrorCode } from '../error.js';

/**
 * A validation failure before it knows where it happened: the component walk (`ValidatorContext.at`) turns it into a
 * `BinaryError` with the offset and section of the item being checked.
 */
export class Invalid extends Error {
  constructor(readonly code: BinaryErrorCode, message: string, readonly hint?: string) {
    super(message);
  }
}

export const fail = (code: BinaryErrorCode, message: string, hint?: string): never => {
  throw new Invalid(code, message, hint);
};
