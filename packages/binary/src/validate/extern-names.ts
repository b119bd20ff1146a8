import type { ExternName } from '../ast.js';
import type { ValidatorContext } from './context.js';
import { fail, Invalid } from './invalid.js';
import type { Entity, RFunc, RResource, RVal } from './model.js';
import { type NameKind, parseExternName, semverProblem } from './names.js';

// The rules on import and export names: extern-name syntax and the features it needs, and the resource naming of
// `[constructor]r`, `[method]r.m` and `[static]r.m` functions.

const HINT_RESOURCE_NAME = 'name the resource with a type import/export of this component first (a resource reached through an instance has no name here)';

/** No resource names: a bag of exports introduces no index space, so none of its resources has a name. */
export const NO_NAMES: ReadonlyMap<string, RResource> = new Map();

/** An import's or export's name: its form, the features it needs, its version and `implements`. */
export function checkName(cx: ValidatorContext, n: ExternName, dir: 'import' | 'export'): NameKind {
  let kind: NameKind;
  try {
    kind = parseExternName(n.name, { nested: cx.has('cm-nested-names') });
  } catch (e) {
    return fail('invalid-name', `${dir} name \`${n.name}\` is not a valid extern name: ${(e as Error).message}`);
  }
  if (dir === 'export' && (kind.kind === 'dependency' || kind.kind === 'url' || kind.kind === 'hash')) {
    fail('invalid-name', `\`${n.name}\` is not a valid export name: ${kind.kind} names are for imports only`);
  }
  if (n.form === 2 && !cx.has('cm-implements') && !cx.has('cm-canon-names')) fail('unsupported-feature', 'the `cm-implements` feature is not active');
  if (kind.kind === 'interface' && kind.version !== undefined) {
    const full = kind.version + (n.versionSuffix ?? '');
    const problem = semverProblem(full);
    if (problem !== undefined) fail('invalid-name', `invalid interface version: ${problem}`);
  } else if (n.versionSuffix !== undefined) {
    fail('invalid-name', 'versionsuffix requires an interface name with a version');
  }
  if (n.implements !== undefined) {
    if (kind.kind !== 'label') fail('invalid-name', `name \`${n.name}\` is not valid with \`implements\``);
    try {
      const i = parseExternName(n.implements, { nested: cx.has('cm-nested-names') });
      if (i.kind !== 'interface') fail('invalid-name', `name \`${n.implements}\` must be an interface`);
    } catch (e) {
      if (e instanceof Invalid) throw e;
      fail('invalid-name', `\`${n.implements}\` is not a valid name: ${(e as Error).message}`);
    }
  }
  return kind;
}

/**
 * `[constructor]r`, `[method]r.m` and `[static]r.m` names: the function's shape, and that the resource it uses is
 * the one named `r` in this context (wasmparser's `ComponentNameContext::validate`). `names`: label → resource.
 */
export function checkResourceName(name: string, dir: 'import' | 'export', kind: NameKind, e: Entity, names: ReadonlyMap<string, RResource>): void {
  if (kind.kind !== 'constructor' && kind.kind !== 'method' && kind.kind !== 'static') return;
  try {
    checkResourceFunction(kind, e, names);
  } catch (err) {
    if (err instanceof Invalid) throw new Invalid(err.code, `${dir} name \`${name}\` is not valid\n${err.message}`, err.hint);
    throw err;
  }
}

function checkResourceFunction(kind: NameKind & { kind: 'constructor' | 'method' | 'static' }, e: Entity, names: ReadonlyMap<string, RResource>): void {
  if (e.sort !== 'func') fail('invalid-name', `item is not a func: \`[${kind.kind}]\` names can only be used on functions`);
  const f = e.type as RFunc;
  const handle = (v: RVal | undefined, k: 'own' | 'borrow') => (v !== undefined && typeof v !== 'string' && v.body.kind === k ? v.body.resource : undefined);
  let used: RResource | undefined;
  if (kind.kind === 'static') {
    if (!names.has(kind.resource.toLowerCase())) fail('invalid-name', 'static resource name is not known in this context');
    return;
  }
  if (kind.kind === 'constructor') {
    if (f.async) fail('invalid-name', 'constructor function cannot be async');
    const result = f.result;
    if (result === undefined) fail('invalid-name', 'function should return one value');
    used = handle(result, 'own') ?? (typeof result !== 'string' && result?.body.kind === 'result' ? handle(result.body.ok, 'own') : undefined);
    if (!used) fail('invalid-name', 'function should return `(own $T)` or `(result (own $T))`');
  } else {
    const p = f.params[0];
    if (!p) fail('invalid-name', 'function should have at least one argument');
    if (p.name !== 'self') fail('invalid-name', 'function should have a first argument called `self`');
    used = handle(p.type, 'borrow');
    if (!used) fail('invalid-name', 'function should take a first argument of `(borrow $T)`');
  }
  // names belong to type indices, not resources: `(export $c "c" (type $t))` names $c, and a function using
  // $t itself is not a method of `c` (wasmparser keys the names by aliasable resource id)
  const named = names.get(kind.resource.toLowerCase());
  if (named !== undefined && named === used) return;
  for (const [label, r] of names) if (r === used) fail('invalid-name', `function does not match expected resource name \`${label}\``);
  fail('invalid-name', 'resource used in function does not have a name in this context', HINT_RESOURCE_NAME);
}
