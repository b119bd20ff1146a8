import { WeldError } from '@weld/wit-tools';
import { DEFAULT_FEATURES, type Feature } from './component.js';

/** Every component-model (and core) proposal the validator knows. */
export const ALL_FEATURES = [
  'cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map',
  'cm-values', 'cm-nested-names', 'cm-threading', 'cm64', 'cm-gc', 'cm-implements', 'cm-canon-names', 'gc',
  'shared-everything-threads', 'custom-page-sizes',
] as const satisfies readonly Feature[];

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
    const name = raw.replace(/^[+-]/, '');
    if (name === 'all') {
      for (const f of ALL_FEATURES) (off ? set.delete(f) : set.add(f));
    } else if (name === 'default') {
      for (const f of DEFAULT_FEATURES) (off ? set.delete(f) : set.add(f));
    } else if (known.has(name)) {
      if (off) set.delete(name as Feature);
      else set.add(name as Feature);
    } else {
      throw new WeldError('unknown-feature', `unknown feature \`${name}\``, {
        exit: 2,
        hint: `known: all, default, ${ALL_FEATURES.join(', ')} (prefix one with - to turn it off)`,
      });
    }
  }
  return [...set];
}
