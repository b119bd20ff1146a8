import { registerWasmPackageDecoder, type PackageId, type Resolve } from '@weld/wit-tools';
import { BinaryError } from '../error.js';
import { mergeResolve } from './merge.js';
import { extractWit } from './index.js';

/**
 * Decodes a binary WIT package (from a deps/ folder, or given as the path itself) into `into` (the wit-tools loader
 * hook). A component is accepted where `allowComponent` says so: its world's package `root:component` is added.
 */
export function decodeWasmPackageInto(bytes: Uint8Array, path: string, into: Resolve, opts: { allowComponent?: boolean } = {}): PackageId {
  const x = extractWit(bytes);
  if (x.kind !== 'package' && !opts.allowComponent) throw new BinaryError('invalid-type', `${path} is a component, not a binary WIT package`, 0);
  return mergeResolve(into, x.resolve, x.package);
}

/** Lets wit-tools read `.wasm` packages in deps/ folders; called once when the binary package loads. */
export function installWitPackageDecoder(): void {
  registerWasmPackageDecoder(decodeWasmPackageInto);
}
