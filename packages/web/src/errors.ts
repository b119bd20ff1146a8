import { WeldError } from '@weld/core';

/** Stable codes of the errors `weld ui` reports. */
export type UiErrorCode =
  /** the address to listen on is not loopback, or the port is taken */
  | 'ui-address'
  /** the page could not be bundled (a broken install), or reached a Node module */
  | 'ui-build'
  /** --build's output folder cannot be written */
  | 'ui-output'
  /** --store names no OCI image layout folder */
  | 'ui-store';

export class UiError extends WeldError<UiErrorCode> {
  constructor(code: UiErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, { exit: 2, ...options });
    this.name = 'UiError';
  }
}
