import { RunError } from './errors.js';
import { hostImports, loadHostShim, providedInterfaces, type Denial } from './host.js';
import type { Grants } from './grants.js';
import type { TranspiledComponent } from './transpile-cache.js';

export function versionless(name: string): string {
  return name.replace(/@[^/]+$/, '');
}

export interface InstanceOptions {
  grants: Grants;
  /** argv[0] and the rest, as wasi:cli/environment reports them. */
  args: string[];
  onDenied: (denial: Denial) => void;
}

/**
 * Instantiates a transpiled component with host imports built from `grants` for this instance alone. Imports
 * the host does not provide (anything but WASI) are an error: compose such a component first.
 */
export async function instantiateGranted(component: TranspiledComponent, options: InstanceOptions): Promise<Record<string, any>> {
  await loadHostShim();
  checkImportsProvided(component);
  const imports = hostImports({ grants: options.grants, args: options.args, onDenied: options.onDenied });
  try {
    return await component.instantiate(imports);
  } catch (e) {
    throw new RunError('instantiate-failed', `instantiating the component failed: ${(e as Error).message}`, { cause: e });
  }
}

/** Throws `unsatisfied-import` when the component imports something the host does not provide (after `loadHostShim`). */
export function checkImportsProvided(component: TranspiledComponent): void {
  const provided = providedInterfaces();
  const missing = component.imports.filter((i) => !provided.has(versionless(i)));
  if (missing.length > 0) {
    throw new RunError('unsatisfied-import', `no host implementation for ${missing.join(', ')}`, {
      hint: 'compose the component with one that exports these interfaces first; weld supplies WASI only',
    });
  }
}
