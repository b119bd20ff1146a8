import { withOnStack, versionless } from '../host-interfaces/util.js';
import type { BorrowedArgument } from './borrows.js';

const isClass = (f: Function) => /^class[\s{]/.test(Function.prototype.toString.call(f));

/** Which JavaScript arguments of an interface's functions carry borrowed handles (see `borrowedArguments`). */
export type BorrowedArguments = ReadonlyMap<string, ReadonlyMap<string, readonly BorrowedArgument[]>>;

/**
 * `f` as a caller across a link reaches it: the component is on the stack for the call, and each borrowed handle is
 * handed over as a revocable view that is revoked when the call returns, so the callee cannot keep using it.
 */
function wrapFunction<F extends (...args: any[]) => any>(owner: string, f: F, borrowed: readonly BorrowedArgument[] = []): F {
  return function (this: unknown, ...args: unknown[]) {
    const revokers: Array<() => void> = [];
    const lend = (handle: object): object => {
      const { proxy, revoke } = Proxy.revocable(handle, {});
      revokers.push(revoke);
      return proxy;
    };
    for (const [i, walk] of borrowed) args[i] = walk(args[i], lend);
    try {
      return withOnStack(owner, () => f.apply(this, args));
    } finally {
      for (const revoke of revokers) revoke();
    }
  } as F;
}

/** A resource class whose construction, methods and statics are wrapped; the class stays the same for `instanceof`. */
function wrapClass(owner: string, cls: Function, borrows: ReadonlyMap<string, readonly BorrowedArgument[]> | undefined): Function {
  const name = cls.name;
  for (const [holder, sep] of [[cls.prototype as Record<PropertyKey, unknown>, '#'], [cls as unknown as Record<PropertyKey, unknown>, '.']] as const) {
    for (const key of Reflect.ownKeys(holder)) {
      if (key === 'constructor' || key === 'prototype') continue;
      const d = Object.getOwnPropertyDescriptor(holder, key);
      if (d && typeof d.value === 'function' && d.writable) holder[key] = wrapFunction(owner, d.value as (...a: unknown[]) => unknown, borrows?.get(`${name}${sep}${String(key)}`));
    }
  }
  const constructed = borrows?.get(`${name}.new`) ?? [];
  return new Proxy(cls, {
    construct: (target, args, newTarget) => wrapFunction(owner, (...a: unknown[]) => Reflect.construct(target, a, newTarget), constructed)(...args),
  });
}

/**
 * A component instance's exports as handed to its callers (siblings, the action, host plugins): every call into it
 * marks the component as on the stack (`componentsOnStack`) until it returns, so a host delivery meant for it (a
 * message handler) is never made while it is mid-call through a sibling: a component instance is never re-entered.
 * A handle the caller lends (`borrow<T>`, at the top level of an argument or nested in it) ends with the call, as the
 * component model says; jco's bindings would otherwise let the callee keep and use it later.
 */
export function guardLinkedExports(owner: string, exports: Record<string, any>, borrowed: BorrowedArguments = new Map()): Record<string, any> {
  const byKey = (key: string) => borrowed.get(versionless(key)) ?? [...borrowed].find(([name]) => name.split('/').pop() === key)?.[1];
  const made = new Map<unknown, unknown>();
  const wrap = (value: unknown, borrows: ReadonlyMap<string, readonly BorrowedArgument[]> | undefined, path: string): unknown => {
    if (typeof value !== 'function') return value;
    if (!made.has(value)) made.set(value, isClass(value) ? wrapClass(owner, value, borrows) : wrapFunction(owner, value as (...a: unknown[]) => unknown, borrows?.get(path)));
    return made.get(value);
  };
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(exports)) {
    const borrows = byKey(key);
    if (value !== null && typeof value === 'object') {
      if (!made.has(value)) made.set(value, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v, borrows, k)])));
      out[key] = made.get(value);
    } else out[key] = wrap(value, undefined, key);
  }
  return out;
}
