// The JavaScript engine's own WebAssembly validator, for core modules: present in Node and browsers alike.
const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => unknown } }).WebAssembly;

/** The engine's name and version, for messages about what it cannot check. */
export const ENGINE_VERSION = typeof process === 'object' ? process.versions?.v8 ?? 'unknown' : 'unknown';

/**
 * The engine's message for a core module it refuses, or undefined when it accepts it. `validate()` checks without
 * compiling; only a failure pays for `Module()` to get the message.
 */
export function engineRefusal(bytes: Uint8Array): string | undefined {
  try {
    if (!wasm.validate(bytes)) new wasm.Module(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/**
 * Whether the engine refused a core module for lacking a proposal rather than for the module being invalid: its
 * messages for disabled proposals, and for multi-memory and `try_table`/`throw_ref` (exnref), which V8 before 12
 * does not know at all.
 */
export function engineLacksFeature(message: string): boolean {
  return /experimental|enable with|enable via|limits flags|At most one memory is supported|memory count of \d+ exceeds internal limit|Invalid opcode 0x(?:1f|a)\b/i.test(message);
}

/**
 * The words wasmparser leads its core-module errors with, for V8's messages of the same kind ("type mismatch" for
 * operand-stack errors, "section out of order"), so output matched against wasm-tools' wording matches; '' otherwise.
 */
export function wasmparserCategory(v8Message: string): string {
  if (/not enough arguments on the stack|elements on the stack for|expected type \S+, found|type error in/.test(v8Message)) return 'type mismatch: ';
  if (/unexpected section/.test(v8Message)) return 'section out of order: ';
  return '';
}

/** A core module (not a component) checked by the engine. */
export type CoreModuleCheck =
  | { status: 'valid' }
  | { status: 'invalid'; message: string }
  /** not a verdict on the module: the engine does not implement a proposal it uses */
  | { status: 'unsupported'; message: string; engine: string };

/** Validates a standalone core module with the engine, telling an invalid module from one the engine cannot judge. */
export function checkCoreModule(bytes: Uint8Array): CoreModuleCheck {
  const message = engineRefusal(bytes);
  if (message === undefined) return { status: 'valid' };
  if (engineLacksFeature(message)) return { status: 'unsupported', message, engine: `V8 ${ENGINE_VERSION}` };
  return { status: 'invalid', message };
}
