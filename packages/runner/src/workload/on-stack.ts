import { withOnStack } from '../host-interfaces/util.js';

const isClass = (f: Function) => /^class[\s{]/.test(Function.prototype.toString.call(f));

function wrapFunction<F extends (...args: any[]) => any>(owner: string, f: F): F {
  return function (this: unknown, ...args: unknown[]) {
    return withOnStack(owner, () => f.apply(this, args));
  } as F;
}

/** A resource class whose construction, methods and statics mark `owner` on the stack; the class stays the same for `instanceof`. */
function wrapClass(owner: string, cls: Function): Function {
  for (const holder of [cls.prototype as Record<PropertyKey, unknown>, cls as unknown as Record<PropertyKey, unknown>]) {
    for (const key of Reflect.ownKeys(holder)) {
      if (key === 'constructor' || key === 'prototype') continue;
      const d = Object.getOwnPropertyDescriptor(holder, key);
      if (d && typeof d.value === 'function' && d.writable) holder[key] = wrapFunction(owner, d.value as (...a: unknown[]) => unknown);
    }
  }
  return new Proxy(cls, {
    construct: (target, args, newTarget) => withOnStack(owner, () => Reflect.construct(target, args, newTarget)),
  });
}

function wrapMember(owner: string, value: unknown): unknown {
  if (typeof value !== 'function') return value;
  return isClass(value) ? wrapClass(owner, value) : wrapFunction(owner, value as (...a: unknown[]) => unknown);
}

/**
 * A component instance's exports as handed to its callers (siblings, the action, host plugins): every call into it
 * marks the component as on the stack (`componentsOnStack`) until it returns, so a host delivery meant for it (a
 * message handler) is never made while it is mid-call through a sibling. A component instance is never re-entered.
 */
export function markedOnStack(owner: string, exports: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(exports)) {
    if (value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrapMember(owner, v)]));
    } else out[key] = wrapMember(owner, value);
  }
  return out;
}
