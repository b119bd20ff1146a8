/** A host import's error for jco: a thrown error's `payload` is lowered as the `result`'s `err` case. */
export function hostError(payload: unknown): Error & { payload: unknown } {
  return Object.assign(new Error(typeof payload === 'string' ? payload : JSON.stringify(payload)), { payload });
}

/** The message of whatever was thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An interface name without its version (`wasi:keyvalue/store`), as jco's generated bindings look imports up. */
export function versionless(name: string): string {
  return name.replace(/@[^/]+$/, '');
}

/**
 * The components of this thread that are on the stack: inside a blocking host call or a delivery made by the
 * host. A delivery for one of them waits until the thread is free, since a component instance is never
 * re-entered.
 */
export const componentsOnStack: string[] = [];

export function withOnStack<T>(owner: string, f: () => T): T {
  componentsOnStack.push(owner);
  try {
    return f();
  } finally {
    componentsOnStack.splice(componentsOnStack.lastIndexOf(owner), 1);
  }
}
