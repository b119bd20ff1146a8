import { RunError } from './errors.js';

/** What every JavaScript object or function inherits: never an implementation of a WIT function. */
const BASES: readonly object[] = [Object.prototype, Function.prototype];

/** Whether `name` would be found on `target` only by inheriting it from `Object.prototype` or `Function.prototype`. */
function onlyInherited(target: object, name: PropertyKey): boolean {
  if (typeof name !== 'string') return false;
  for (let o: object | null = target; o !== null && !BASES.includes(o); o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, name)) return false;
  }
  return BASES.some((b) => Object.hasOwn(b, name));
}

/** One guard per class, so a class keeps one identity however often it is looked up. */
const guardedClasses = new WeakMap<object, object>();

function guardedClass<T extends object>(cls: T, where: string): T {
  let g = guardedClasses.get(cls) as T | undefined;
  if (!g) guardedClasses.set(cls, (g = guarded(cls, where)));
  return g;
}

function guarded<T extends object>(value: T, where: string): T {
  return new Proxy(value, {
    get(target, name, receiver) {
      if (onlyInherited(target, name)) {
        throw new RunError('unsatisfied-import', `no host implementation for ${where}.${String(name)}: the component imports a function nobody exports`);
      }
      const member = Reflect.get(target, name, receiver) as unknown;
      // a resource class: its statics are looked up when the guest calls them
      return typeof member === 'function' && typeof name === 'string' && name !== 'constructor' && /^[A-Z]/.test(name) ? guardedClass(member, `${where}.${name}`) : member;
    },
  });
}

/**
 * The import objects as jco's bindings see them: a function the component declares is looked up by name on these
 * objects and classes, and a name only JavaScript itself supplies (`to-string`, `value-of`, `has-own-property`,
 * `[static]x.constructor`, `[static]x.bind`, …) would reach host code no interface exports (the source of a host
 * class, the `Function` constructor). Such a lookup is refused as an unsatisfied import.
 */
export function guardImports(imports: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(imports)) out[key] = value !== null && typeof value === 'object' ? guarded(value, key) : value;
  return out;
}
