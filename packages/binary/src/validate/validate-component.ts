import type { Component } from '../ast.js';
import { decodeComponent } from '../codec.js';
import { BinaryError } from '../error.js';
import { ComponentValidator } from './component.js';
import type { ValidateOptions } from './context.js';
import type { RComponent } from './model.js';

export type ValidationResult =
  /** `notes`: what could not be checked in full (see `ComponentValidator.notes`) */
  | { valid: true; component: Component; type: RComponent; notes: string[] }
  | { valid: false; error: BinaryError; component?: Component };

/**
 * Decodes (if given bytes) and validates a component: index spaces, type references, sorts, names, instantiation
 * subtyping, canonical options, values and start; embedded core modules by the engine. Never throws for bad input:
 * the result carries the first error as a `BinaryError` (its `malformed` flag tells decoding from validation failures).
 */
export function validateComponent(input: Uint8Array | Component, options: ValidateOptions = {}): ValidationResult {
  let component: Component | undefined;
  try {
    component = input instanceof Uint8Array ? decodeComponent(input) : input;
    const validator = new ComponentValidator(options);
    const type = validator.validate(component);
    return { valid: true, component, type, notes: validator.notes };
  } catch (e) {
    if (e instanceof BinaryError) return { valid: false, error: e, component };
    if (e instanceof RangeError) return { valid: false, error: new BinaryError('limit-exceeded', `input exceeds an implementation limit: ${e.message}`, 0), component };
    throw e;
  }
}

/** Like `validateComponent` but throws the `BinaryError` (exit 1 for invalid, 2 for malformed). */
export function assertValidComponent(input: Uint8Array | Component, options: ValidateOptions = {}): { component: Component; type: RComponent } {
  const r = validateComponent(input, options);
  if (!r.valid) throw r.error;
  return r;
}
