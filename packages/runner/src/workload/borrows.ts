import { extractWit } from '@weld/binary';
import { interfaceIdString, type Resolve, type Type, type TypeDefKind, type WitFunction } from '@weld/wit-tools';
import { versionless } from '../host-interfaces/util.js';

const camel = (kebab: string) => kebab.toLowerCase().replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (kebab: string) => {
  const c = camel(kebab);
  return c.charAt(0).toUpperCase() + c.slice(1);
};

function isBorrow(resolve: Resolve, type: Type): boolean {
  for (let t: Type | undefined = type; typeof t === 'number'; ) {
    const kind: TypeDefKind = resolve.types[t]!.kind;
    if (kind.tag === 'handle') return kind.handle === 'borrow';
    t = kind.tag === 'type' ? kind.type : undefined;
  }
  return false;
}

/** Where jco puts a function of an exported interface: `fooBar`, `Res#method`, `Res.static`, `Res.new`. */
function jsPath(f: WitFunction): string {
  const m = /^\[(method|static|constructor)\]([^.]+)(?:\.(.+))?$/.exec(f.name);
  if (!m) return camel(f.name);
  const cls = pascal(m[2]!);
  return m[1] === 'constructor' ? `${cls}.new` : m[1] === 'method' ? `${cls}#${camel(m[3]!)}` : `${cls}.${camel(m[3]!)}`;
}

/**
 * For each exported interface of a component (keyed without version), the arguments of each function that are
 * top-level `borrow<T>` handles, as indices into the JavaScript arguments (a method's `self` is `this`, not an
 * argument). A borrow lent across a link ends with the call (see `on-stack.ts`).
 */
export function borrowedArguments(bytes: Uint8Array): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  const wit = extractWit(bytes);
  if (wit.kind !== 'component') return out;
  const { resolve } = wit;
  for (const [key, item] of resolve.worlds[wit.world]!.exports) {
    if (item.tag !== 'interface') continue;
    const name = versionless(typeof key === 'string' ? key : (interfaceIdString(resolve, item.id) ?? ''));
    const fns = new Map<string, number[]>();
    for (const f of resolve.interfaces[item.id]!.functions.values()) {
      const skip = f.kind.tag === 'method' || f.kind.tag === 'async-method' ? 1 : 0;
      const indices = f.params.flatMap((p, i) => (i >= skip && isBorrow(resolve, p.type) ? [i - skip] : []));
      if (indices.length > 0) fns.set(jsPath(f), indices);
    }
    if (fns.size > 0) out.set(name, fns);
  }
  return out;
}
