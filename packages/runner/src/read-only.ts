import type { Denial } from './host.js';

/** A read-only grant's descriptor: who to tell about a denied write, and the guest path for the message. */
interface ReadOnlyGrant {
  guest: string;
  host: string;
  onDenied: (denial: Denial) => void;
}

/** Descriptors opened under a `--dir …:ro` grant (and everything opened through them), per instance. */
const readOnly = new WeakMap<object, ReadOnlyGrant>();

const MUTATORS = ['writeViaStream', 'appendViaStream', 'setSize', 'setTimes', 'write', 'createDirectoryAt', 'setTimesAt', 'removeDirectoryAt', 'symlinkAt', 'unlinkFileAt'];
/** Methods that change a second descriptor's directory too (`new-descriptor`). */
const TWO_SIDED = ['linkAt', 'renameAt'];

type Method = (this: object, ...args: unknown[]) => unknown;
type DescriptorClass = { prototype: Record<string, Method>; weldReadOnlyGuard?: boolean };

function denied(grant: ReadOnlyGrant, what: string): Error {
  grant.onDenied({ capability: 'files', attempted: `${what} under ${grant.guest} (granted read-only)`, grant: `--dir ${grant.host}:${grant.guest} (without :ro)` });
  return Object.assign(new Error('read-only'), { payload: 'read-only' });
}

/**
 * preview2-shim's `Descriptor` class is shared by every instance, so its mutating methods are wrapped once; the
 * wrappers refuse only for descriptors marked read-only (by `markReadOnly`), which keeps grants per instance.
 * A refused call gets WASI's `read-only` error code, as a read-only mount would give.
 */
export function guardReadOnly(Descriptor: DescriptorClass): void {
  if (Descriptor.weldReadOnlyGuard) return;
  const proto = Descriptor.prototype;
  for (const name of MUTATORS) {
    const original = proto[name]!;
    proto[name] = function (this: object, ...args: unknown[]) {
      const grant = readOnly.get(this);
      if (grant) throw denied(grant, name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`));
      return original.apply(this, args);
    };
  }
  for (const name of TWO_SIDED) {
    const original = proto[name]!;
    proto[name] = function (this: object, ...args: unknown[]) {
      const grant = readOnly.get(this) ?? args.map((a) => (typeof a === 'object' && a !== null ? readOnly.get(a) : undefined)).find(Boolean);
      if (grant) throw denied(grant, name.replace(/At$/, ''));
      return original.apply(this, args);
    };
  }
  const openAt = proto.openAt!;
  proto.openAt = function (this: object, ...args: unknown[]) {
    const grant = readOnly.get(this);
    if (!grant) return openAt.apply(this, args);
    const [, path, openFlags, descriptorFlags] = args as [unknown, string, Record<string, boolean>, Record<string, boolean>];
    if (openFlags.create || openFlags.truncate || descriptorFlags.write || descriptorFlags.mutateDirectory) {
      throw denied(grant, `opening ${path} for writing`);
    }
    const child = openAt.apply(this, args) as object;
    readOnly.set(child, grant);
    return child;
  };
  Descriptor.weldReadOnlyGuard = true;
}

export function markReadOnly(descriptor: object, grant: ReadOnlyGrant): void {
  readOnly.set(descriptor, grant);
}
