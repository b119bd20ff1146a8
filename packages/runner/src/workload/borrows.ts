import { extractWit } from '@weld/binary';
import { interfaceIdString, type Resolve, type Type, type TypeDefKind, type WitFunction } from '@weld/wit-tools';
import { versionless } from '../host-interfaces/util.js';

const camel = (kebab: string) => kebab.toLowerCase().replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (kebab: string) => {
  const c = camel(kebab);
  return c.charAt(0).toUpperCase() + c.slice(1);
};

/**
 * Finds the borrowed handles inside one argument, as jco represents the value in JavaScript (a record is an object
 * keyed by its camel-cased field names, a tuple or list an array, an option the value or undefined (a nested one
 * `{ tag: 'some', val }`), a result or variant `{ tag, val }`), and puts `lend(handle)` in their place. Returns the
 * argument with its borrows replaced (the value itself when it is a borrow).
 */
export type BorrowWalk = (value: unknown, lend: (handle: object) => object) => unknown;

/** The walk for a type, or undefined when no borrow can occur in it. */
function borrowWalk(resolve: Resolve, type: Type): BorrowWalk | undefined {
  if (typeof type !== 'number') return undefined;
  const kind: TypeDefKind = resolve.types[type]!.kind;
  switch (kind.tag) {
    case 'type':
      return borrowWalk(resolve, kind.type);
    case 'handle':
      return kind.handle === 'borrow' ? (v, lend) => (v !== null && typeof v === 'object' ? lend(v) : v) : undefined;
    case 'record': {
      const fields = kind.fields.flatMap((f) => {
        const walk = borrowWalk(resolve, f.type);
        return walk ? [[camel(f.name), walk] as const] : [];
      });
      if (fields.length === 0) return undefined;
      return (v, lend) => {
        if (v === null || typeof v !== 'object') return v;
        for (const [key, walk] of fields) (v as Record<string, unknown>)[key] = walk((v as Record<string, unknown>)[key], lend);
        return v;
      };
    }
    case 'tuple': {
      const items = kind.types.flatMap((t, i) => {
        const walk = borrowWalk(resolve, t);
        return walk ? [[i, walk] as const] : [];
      });
      if (items.length === 0) return undefined;
      return (v, lend) => {
        if (!Array.isArray(v)) return v;
        for (const [i, walk] of items) v[i] = walk(v[i], lend);
        return v;
      };
    }
    case 'list':
    case 'fixed-length-list': {
      const walk = borrowWalk(resolve, kind.type);
      if (!walk) return undefined;
      return (v, lend) => {
        if (!Array.isArray(v)) return v;
        for (let i = 0; i < v.length; i++) v[i] = walk(v[i], lend);
        return v;
      };
    }
    case 'option': {
      const walk = borrowWalk(resolve, kind.type);
      if (!walk) return undefined;
      return (v, lend) => {
        if (v === null || v === undefined) return v;
        if (isTagged(v) && (v.tag === 'some' || v.tag === 'none') && Object.keys(v).every((k) => k === 'tag' || k === 'val')) {
          if (v.tag === 'some') v.val = walk(v.val, lend);
          return v;
        }
        return walk(v, lend);
      };
    }
    case 'result':
    case 'variant': {
      const cases = new Map<string, BorrowWalk>();
      if (kind.tag === 'result') {
        const ok = kind.ok === undefined ? undefined : borrowWalk(resolve, kind.ok);
        const err = kind.err === undefined ? undefined : borrowWalk(resolve, kind.err);
        if (ok) cases.set('ok', ok);
        if (err) cases.set('err', err);
      } else {
        for (const c of kind.cases) {
          const walk = c.type === undefined ? undefined : borrowWalk(resolve, c.type);
          if (walk) cases.set(c.name, walk);
        }
      }
      if (cases.size === 0) return undefined;
      return (v, lend) => {
        if (!isTagged(v)) return v;
        const walk = cases.get(String(v.tag));
        if (walk) v.val = walk(v.val, lend);
        return v;
      };
    }
    default:
      return undefined;
  }
}

function isTagged(v: unknown): v is { tag: unknown; val?: unknown } {
  return v !== null && typeof v === 'object' && 'tag' in v;
}

/** Where jco puts a function of an exported interface: `fooBar`, `Res#method`, `Res.static`, `Res.new`. */
function jsPath(f: WitFunction): string {
  const m = /^\[(method|static|constructor)\]([^.]+)(?:\.(.+))?$/.exec(f.name);
  if (!m) return camel(f.name);
  const cls = pascal(m[2]!);
  return m[1] === 'constructor' ? `${cls}.new` : m[1] === 'method' ? `${cls}#${camel(m[3]!)}` : `${cls}.${camel(m[3]!)}`;
}

/** The JavaScript arguments of one function that carry borrowed handles: the index, and how to find them in it. */
export type BorrowedArgument = readonly [index: number, walk: BorrowWalk];

/**
 * For each exported interface of a component (keyed without version), the arguments of each function that carry
 * `borrow<T>` handles, at the top level or nested in records, tuples, lists, options, results and variants, as
 * indices into the JavaScript arguments (a method's `self` is `this`, not an argument) with the walk that finds
 * them. A borrow lent across a link ends with the call (see `on-stack.ts`).
 */
export function borrowedArguments(bytes: Uint8Array): Map<string, Map<string, BorrowedArgument[]>> {
  const out = new Map<string, Map<string, BorrowedArgument[]>>();
  const wit = extractWit(bytes);
  if (wit.kind !== 'component') return out;
  const { resolve } = wit;
  for (const [key, item] of resolve.worlds[wit.world]!.exports) {
    if (item.tag !== 'interface') continue;
    const name = versionless(typeof key === 'string' ? key : (interfaceIdString(resolve, item.id) ?? ''));
    const fns = new Map<string, BorrowedArgument[]>();
    for (const f of resolve.interfaces[item.id]!.functions.values()) {
      const skip = f.kind.tag === 'method' || f.kind.tag === 'async-method' ? 1 : 0;
      const args = f.params.flatMap((p, i) => {
        const walk = i >= skip ? borrowWalk(resolve, p.type) : undefined;
        return walk ? [[i - skip, walk] as const] : [];
      });
      if (args.length > 0) fns.set(jsPath(f), args);
    }
    if (fns.size > 0) out.set(name, fns);
  }
  return out;
}
