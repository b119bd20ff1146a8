import type { PackageId, Resolve, WorldId } from '@weld/wit-tools';
import type { Component } from '../ast.js';
import { decodeComponent } from '../codec.js';
import { ComponentValidator } from '../validate/component.js';
import { ALL_FEATURES } from '../validate/features.js';
import { isWitPackage, packageOfWitComponent, worldOfComponent } from './from-component.js';
import { externAttrs } from './extern-attrs.js';
import { injectPackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.js';

export type ExtractedWit =
  | { kind: 'component'; resolve: Resolve; package: PackageId; world: WorldId }
  | { kind: 'package'; resolve: Resolve; package: PackageId };


/**
 * The WIT of a binary: for a component, its world (`root:component/root`) with every interface it uses; for a binary
 * WIT package, the package with the docs and stability gates of its `package-docs` section. Throws `BinaryError` for malformed or invalid input.
 */
export function extractWit(input: Uint8Array | Component): ExtractedWit {
  const c = input instanceof Uint8Array ? decodeComponent(input) : input;
  // every proposal is accepted here (as wit-component's decoder does): what a component's types say does not depend
  // on which features a runtime enables; `weld validate` is where features are enforced
  const type = new ComponentValidator({ coreModules: false, features: ALL_FEATURES }).validate(c);
  if (isWitPackage(type)) {
    const x = packageOfWitComponent(type, externAttrs(c));
    for (const s of c.sections) {
      if (s.kind === 'custom' && s.name === PACKAGE_DOCS_SECTION) injectPackageDocs(x.resolve, x.package, s.data, s.offset);
    }
    return { kind: 'package', ...x };
  }
  return { kind: 'component', ...worldOfComponent(type, externAttrs(c)) };
}
