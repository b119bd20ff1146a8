import path from 'node:path';
import { resolvePath, WitError } from '@weld/wit-tools';
import { BuildError } from '../errors.js';
import type { ComponentSpec } from '../project.js';

/**
 * Resolves a component's WIT with weld's own resolver before the (slow) toolchain runs, so a missing
 * world fails in milliseconds with the list of worlds that exist. A resolver error is returned, not
 * thrown: the toolchain stays the authority on validity, and the error is shown only if it fails too.
 */
export function precheckWit(spec: ComponentSpec, root: string): WitError | undefined {
  if (!spec.wit) return undefined;
  let resolved;
  try {
    resolved = resolvePath(spec.wit);
  } catch (e) {
    if (e instanceof WitError) return e;
    return undefined;
  }
  const pkg = resolved.resolve.packages[resolved.package];
  if (!pkg) return undefined;
  const worlds = [...pkg.worlds.keys()];
  const witRel = path.relative(root, spec.wit) || spec.wit;
  const qualified = spec.world !== undefined && /[:/]/.test(spec.world);
  if (spec.world !== undefined && !qualified && !pkg.worlds.has(spec.world)) {
    throw new BuildError('wit-world-missing', `world "${spec.world}" not found in ${witRel}; worlds there: ${worlds.length ? worlds.join(', ') : '(none)'}`, {
      component: spec.name,
      hint: worlds.length ? `set world: to one of ${worlds.join(', ')}` : undefined,
    });
  }
  if (spec.world === undefined && worlds.length !== 1 && !(spec.language === 'c' && !spec.wit)) {
    throw new BuildError('wit-world-missing', `${witRel} declares ${worlds.length ? `${worlds.length} worlds (${worlds.join(', ')})` : 'no world'}; say which one to build`, {
      component: spec.name,
      hint: 'add `world:` to the component in weld.yaml',
    });
  }
  return undefined;
}

/** A WIT error from weld's resolver, as the build error shown when the toolchain failed as well. */
export function witBuildError(spec: ComponentSpec, root: string, error: WitError): BuildError {
  const witRel = spec.wit ? path.relative(root, spec.wit) || spec.wit : '(no wit)';
  return new BuildError('wit-invalid', `WIT in ${witRel} does not resolve: ${error.message}`, {
    component: spec.name,
    span: error.span?.file === undefined ? error.span : { ...error.span, file: error.span.file.split(root + path.sep).join('') },
    cause: error,
  });
}
