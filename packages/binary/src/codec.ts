import type { Component } from './ast.js';
import { BinaryError } from './error.js';
import { readComponent, sniff, truncatedPreamble } from './read/component.js';
import { writeComponent } from './write/component.js';

export { sniff, truncatedPreamble };

/**
 * Decodes a component binary into its typed tree. Core modules stay byte ranges (see `coreModuleInfo`). Throws
 * `BinaryError` (exit 2) naming the section and byte offset for malformed input.
 */
export function decodeComponent(bytes: Uint8Array): Component {
  try {
    return readComponent(bytes, 0, bytes.length);
  } catch (e) {
    if (e instanceof BinaryError) throw e;
    if (e instanceof RangeError) throw new BinaryError('limit-exceeded', `input too large to decode: ${e.message}`, 0, undefined, { cause: e });
    throw e;
  }
}

/** Encodes a component tree to bytes; a decoded tree encodes back to the identical bytes. */
export function encodeComponent(component: Component): Uint8Array {
  return writeComponent(component);
}
