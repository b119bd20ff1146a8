import type { Component } from '../ast.js';
import { sniff } from '../codec.js';
import { truncatedPreamble } from '../read/component.js';
import { BinaryError } from '../error.js';
import type { ValidateOptions } from './context.js';
import { checkCoreModule, type CoreModuleCheck } from './engine.js';
import { parseFeatureList } from './features.js';
import { validateComponent, type ValidationResult } from './validate-component.js';

export interface WasmValidateOptions extends ValidateOptions {
  /**
   * Changes to the default features in wasm-tools' `--features` syntax (see `parseFeatureList`); read only for a
   * component, so a core module validates whatever the list says. Takes the place of `features` when given.
   */
  featureList?: string;
  /** what to call the input in a message (a file name); default `input` */
  name?: string;
}

/** How many core modules and components a component holds, at every depth (not counting itself). */
export interface NestedCounts {
  coreModules: number;
  components: number;
}

/** The verdict on a binary that is a core module or a component (`kind` from its header). */
export type WasmValidation =
  | ({ kind: 'module' } & CoreModuleCheck)
  | ({ kind: 'component'; /** time spent decoding and validating */ milliseconds: number } & (
      | (Extract<ValidationResult, { valid: true }> & NestedCounts)
      | Extract<ValidationResult, { valid: false }>
    ));

/**
 * Validates a WebAssembly binary of either kind: a core module by the engine (telling an invalid module from one using
 * a proposal the engine lacks), a component by `validateComponent`. Throws `BinaryError` (`bad-magic`) for bytes that
 * are neither, and (`unknown-feature`) for a bad `featureList`; every verdict on the binary itself is in the result.
 */
export function validateWasm(bytes: Uint8Array, options: WasmValidateOptions = {}): WasmValidation {
  const kind = sniff(bytes);
  const cut = kind === 'unknown' ? truncatedPreamble(bytes) : undefined;
  if (cut) throw cut; // as the decoder (and wasm-tools) words it, so validate and wit extract agree on an empty file
  if (kind === 'unknown') {
    throw new BinaryError('bad-magic', `${options.name ?? 'input'} is not a WebAssembly binary`, 0, undefined, { hint: 'expected the \\0asm magic header' });
  }
  if (kind === 'module') return { kind, ...checkCoreModule(bytes) };
  const features = options.featureList !== undefined ? parseFeatureList(options.featureList) : options.features;
  const t0 = performance.now();
  const r = validateComponent(bytes, { features, coreModules: options.coreModules });
  const milliseconds = performance.now() - t0;
  if (!r.valid) return { kind, milliseconds, ...r };
  return { kind, milliseconds, ...r, ...nestedCounts(r.component) };
}

/** Counts the core modules and components nested in `c`, at every depth. */
export function nestedCounts(c: Component): NestedCounts {
  const out: NestedCounts = { coreModules: 0, components: 0 };
  const count = (x: Component) => {
    for (const s of x.sections) {
      if (s.kind === 'core-module') out.coreModules++;
      if (s.kind === 'component') {
        out.components++;
        count(s.component);
      }
    }
  };
  count(c);
  return out;
}
