import type { PackageId, Resolve, WorldId } from '@weld/wit-tools';
import type { Component } from '../ast.js';
import { decodeComponent } from '../codec.js';
import { ComponentValidator, type Feature } from '../validate/component.js';
import { isWitPackage, packageOfWitComponent, worldOfComponent } from './from-component.js';
import { externAttrs } from './extern-attrs.js';
import { injectPackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.js';

export type ExtractedWit =
  | { kind: 'component'; resolve: Resolve; package: PackageId; world: WorldId }
  | { kind: 'package'; resolve: Resolve; package: PackageId };

/**
 * Reading WIT out of a binary accepts every proposal (as wit-component's decoder does): what a component's types say
 * does not depend on which features a runtime enables. `weld validate` is where features are enforced.
 */
const EVERY_FEATURE: readonly Feature[] = [
  'cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map', 'cm-values',
  'cm-nested-names', 'cm-threading', 'cm64', 'cm-gc', 'cm-implements', 'cm-canon-names', 'gc', 'shared-everything-threads',
  'custom-page-sizes',
];

/**
 * The WIT of a binary: for a component, its world (`root:component/root`) with every interface it uses; for a binary
 * WIT package, the package with the docs and stability gates of its `package-docs` section. Throws `BinaryError` for malformed or invalid input.
 */
export function extractWit(input: Uint8Array | Component): ExtractedWit {
  const c = input instanceof Uint8Array ? decodeComponent(input) : input;
  const type = new ComponentValidator({ coreModules: false, features: EVERY_FEATURE }).validate(c);
  if (isWitPackage(type)) {
    const x = packageOfWitComponent(type, externAttrs(c));
    for (const s of c.sections) {
      if (s.kind === 'custom' && s.name === PACKAGE_DOCS_SECTION) injectPackageDocs(x.resolve, x.package, s.data, s.offset);
    }
    return { kind: 'package', ...x };
  }
  return { kind: 'component', ...worldOfComponent(type, externAttrs(c)) };
}
