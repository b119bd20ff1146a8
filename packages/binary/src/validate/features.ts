import { BinaryError } from '../error.js';

export type Feature =
  | 'cm-async' | 'cm-async-stackful' | 'cm-more-async-builtins' | 'cm-error-context' | 'cm-fixed-length-lists' | 'cm-map'
  | 'cm-values' | 'cm-nested-names' | 'cm-threading' | 'cm64' | 'cm-gc' | 'cm-implements' | 'cm-canon-names' | 'gc'
  | 'shared-everything-threads' | 'custom-page-sizes' | 'exceptions';

/**
 * Features on unless told otherwise: wasmparser's defaults (of the ones checked at the component level), so
 * `weld validate` accepts and refuses what `wasm-tools validate` does. A refusal for a feature that is off names the
 * `--features` flag that turns it on.
 */
export const DEFAULT_FEATURES: readonly Feature[] = ['exceptions', 'gc', 'cm-async'];

/** Every component-model (and core) proposal the validator knows. */
export const ALL_FEATURES = [
  'cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map',
  'cm-values', 'cm-nested-names', 'cm-threading', 'cm64', 'cm-gc', 'cm-implements', 'cm-canon-names', 'gc',
  'shared-everything-threads', 'custom-page-sizes', 'exceptions',
] as const satisfies readonly Feature[];

/**
 * wasm-tools' other feature names (and its feature groups): proposals inside core modules, which the engine checks
 * itself. They are accepted in a feature list so wasm-tools' command lines work unchanged, and change nothing here.
 */
const ENGINE_FEATURES: ReadonlySet<string> = new Set([
  'mutable-global', 'saturating-float-to-int', 'sign-extension', 'reference-types', 'multi-value', 'bulk-memory', 'simd',
  'relaxed-simd', 'threads', 'tail-call', 'floats', 'multi-memory', 'memory64', 'extended-const', 'component-model',
  'function-references', 'memory-control', 'legacy-exceptions', 'gc-types', 'stack-switching', 'wide-arithmetic',
  'call-indirect-overlong', 'bulk-memory-opt', 'custom-descriptors', 'compact-imports', 'wasm1', 'wasm2', 'wasm3', 'lime1',
]);

// a compile error here means a Feature was added without listing it above
const everyFeatureListed: Exclude<Feature, (typeof ALL_FEATURES)[number]> extends never ? true : never = true;
void everyFeatureListed;

/**
 * A feature list as wasm-tools' `--features` reads it: comma-separated changes to the defaults, `name` (or `+name`)
 * enables, `-name` disables, `all` enables everything, `default` is the default set. Unknown names are an error.
 */
export function parseFeatureList(spec: string): Feature[] {
  const set = new Set<Feature>(DEFAULT_FEATURES);
  const known = new Set<string>(ALL_FEATURES);
  for (const raw of spec.split(/[,\s]+/).filter(Boolean)) {
    const off = raw.startsWith('-');
    const name = raw.replace(/^[+-]/, '').replace(/_/g, '-');
    if (name === 'all') {
      for (const f of ALL_FEATURES) (off ? set.delete(f) : set.add(f));
    } else if (name === 'default') {
      for (const f of DEFAULT_FEATURES) (off ? set.delete(f) : set.add(f));
    } else if (known.has(name)) {
      if (off) set.delete(name as Feature);
      else set.add(name as Feature);
    } else if (!ENGINE_FEATURES.has(name)) {
      throw new BinaryError('unknown-feature', `unknown feature \`${name}\``, 0, undefined, {
        hint: `known: all, default, ${ALL_FEATURES.join(', ')} (prefix one with - to turn it off); core-module proposals (${[...ENGINE_FEATURES].slice(0, 4).join(', ')}, …) are accepted and left to the engine`,
      });
    }
  }
  return [...set];
}
