import { BinaryError } from '../error.js';
import { DEFAULT_FEATURES, type Feature } from './features.js';
import { fail, Invalid } from './invalid.js';
import type { RComponent } from './model.js';

export interface ValidateOptions {
  features?: Iterable<Feature>;
  /** validate embedded core modules with the engine (`new WebAssembly.Module`); default true */
  coreModules?: boolean;
  /**
   * Nested components already validated on their own (as top-level components, with these features and core module
   * setting) and their types: taken as they are instead of being walked again. A composer that embeds its inputs'
   * decoded trees passes them, so a 12 MB input is not validated twice. (A top-level component has no outer aliases,
   * so its type does not depend on where it is nested.)
   */
  known?: ReadonlyMap<object, RComponent>;
}

/**
 * What one validation run carries through every check: the enabled features, where in the component it is (for
 * error locations and for values that remember where they were defined), and the notes it collects. The checks are
 * free functions taking it first, one module per concern; `component.ts` walks the sections and calls them.
 */
export class ValidatorContext {
  readonly features: Set<Feature>;
  readonly coreModules: boolean;
  readonly known: ReadonlyMap<object, RComponent> | undefined;
  /** the nested components entered, for section labels (`component[0] > type`) */
  readonly path: string[] = [];
  /** what could not be checked fully (core modules using proposals this engine lacks), for the caller to show */
  readonly notes: string[] = [];
  /** the item being validated, so a value can remember where it was defined */
  hereSection = 'component';
  hereOffset = 0;

  constructor(opts: ValidateOptions = {}) {
    this.features = new Set(opts.features ?? DEFAULT_FEATURES);
    this.coreModules = opts.coreModules ?? true;
    this.known = opts.known;
  }

  has(f: Feature): boolean {
    return this.features.has(f);
  }

  require(f: Feature, what: string): void {
    if (!this.has(f)) fail('unsupported-feature', what, `the \`${f}\` feature is off: enable it with \`--features ${f}\` (or ValidateOptions.features)`);
  }

  at<T>(section: string, offset: number, fn: () => T): T {
    this.hereSection = section;
    this.hereOffset = offset;
    try {
      return fn();
    } catch (e) {
      throw this.located(e, section, offset);
    }
  }

  /** The error to throw for `e` raised while validating the item at `offset` of `section`. */
  located(e: unknown, section: string, offset: number): unknown {
    if (e instanceof Invalid) return new BinaryError(e.code, e.message, offset, section, { hint: e.hint });
    if (e instanceof BinaryError) return e;
    if (e instanceof RangeError) return new BinaryError('limit-exceeded', `type too deeply nested: ${e.message}`, offset, section);
    return e;
  }
}
