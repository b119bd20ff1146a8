import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import path from 'node:path';
import type { DirGrant } from '../grants.js';
import type { Denial } from '../host.js';
import { at, resolveBeneath, symlinkTargetStaysBeneath, type Resolved } from './beneath.js';
import { WasiFsError } from './fs-errors.js';
import { inputStream, outputStream } from './io.js';

/** One `--dir` grant as the guest's preopen: everything opened through it stays beneath `hostRoot`. */
interface Box {
  grant: DirGrant;
  onDenied: (denial: Denial) => void;
  /** Every fd open for this instance, closed with it. */
  fds: Set<number>;
  /** The preopen's own fd: where "inside" is measured from. */
  rootFd: number;
}

/**
 * How many directories below the preopen root the directory open as `dirFd` sits now (the kernel's current
 * path of both, so a rename since either was opened counts), or undefined when it is not below it.
 */
function depthBelowRoot(box: Box, dirFd: number): number | undefined {
  const root = readlinkSync(at(box.rootFd).slice(0, -2));
  const dir = readlinkSync(at(dirFd).slice(0, -2));
  if (root.endsWith(' (deleted)') || dir.endsWith(' (deleted)')) return undefined;
  const rel = path.relative(root, dir);
  if (rel === '') return 0;
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).length;
}

type DescriptorType = 'unknown' | 'block-device' | 'character-device' | 'directory' | 'fifo' | 'symbolic-link' | 'regular-file' | 'socket';
interface DescriptorFlags {
  read?: boolean;
  write?: boolean;
  fileIntegritySync?: boolean;
  dataIntegritySync?: boolean;
  requestedWriteSync?: boolean;
  mutateDirectory?: boolean;
}
interface PathFlags {
  symlinkFollow?: boolean;
}
interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}
interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}
type NewTimestamp = { tag: 'no-change' } | { tag: 'now' } | { tag: 'timestamp'; val: Datetime };

function typeOf(st: BigIntStats | import('node:fs').Stats): DescriptorType {
  if (st.isFile()) return 'regular-file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic-link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  return 'unknown';
}

function datetime(ns: bigint): Datetime {
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

function descriptorStat(st: BigIntStats) {
  return {
    type: typeOf(st),
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetime(st.atimeNs),
    dataModificationTimestamp: datetime(st.mtimeNs),
    statusChangeTimestamp: datetime(st.ctimeNs),
  };
}

/** A time for futimes/lutimes: seconds as a number; `no-change` keeps the current one. */
function timeArg(ts: NewTimestamp, current: bigint): number {
  if (ts.tag === 'now') return Date.now() / 1000;
  if (ts.tag === 'timestamp') return Number(ts.val.seconds) + ts.val.nanoseconds / 1e9;
  return Number(current) / 1e9;
}

function metadataHashOf(st: BigIntStats): { lower: bigint; upper: bigint } {
  // Stable for one file while it exists, as WASI asks; device and inode mixed so the host's numbers are not shown.
  const mix = (a: bigint, b: bigint) => ((a ^ (b * 0x9e3779b97f4a7c15n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  return { lower: mix(st.ino, st.dev), upper: mix(st.dev ^ st.mtimeNs, st.ino) };
}

/** Calls `fn` with `path` resolved beneath `base`, then closes what the walk opened. */
function beneath<T>(base: number, pathText: string, follow: boolean, fn: (r: Resolved) => T): T {
  const r = resolveBeneath(base, pathText, follow);
  try {
    return fn(r);
  } catch (e) {
    throw WasiFsError.from(e);
  } finally {
    r.release();
  }
}

let DescriptorClass: (new (fd: number, type: DescriptorType, flags: DescriptorFlags, box: Box, isPreopen?: boolean) => Descriptor) | undefined;

interface Descriptor {
  readonly fd: number;
}

/**
 * `wasi:filesystem` for one instance: its preopens come from `dirs` alone. Descriptors hold open fds, so a
 * directory renamed or replaced by a symlink after it was opened cannot move what the descriptor reaches.
 */
export function createFilesystem(dirs: DirGrant[], onDenied: (denial: Denial) => void) {
  const Descriptor = descriptorClass();
  const preopens: [object, string][] = [];
  const fds = new Set<number>();
  for (const grant of dirs) {
    const fd = openSync(grant.host, constants.O_RDONLY | constants.O_DIRECTORY);
    fds.add(fd);
    preopens.push([new Descriptor(fd, 'directory', { read: true, mutateDirectory: !grant.readonly }, { grant, onDenied, fds, rootFd: fd }, true), grant.guest]);
  }
  return {
    /** Closes every descriptor this instance still holds. */
    close(): void {
      for (const fd of fds) closeSync(fd);
      fds.clear();
    },
    /** Whether the guest holds a descriptor it opened (preopens are the host's). */
    openBeyondPreopens: (): boolean => fds.size > preopens.length,
    preopens: { getDirectories: () => preopens },
    types: {
      Descriptor,
      DirectoryEntryStream,
      filesystemErrorCode: (err: { code?: string }) => err?.code,
    },
  };
}

class DirectoryEntryStream {
  readonly #entries: { type: DescriptorType; name: string }[];
  constructor(entries: { type: DescriptorType; name: string }[]) {
    this.#entries = entries;
  }
  readDirectoryEntry(): { type: DescriptorType; name: string } | undefined {
    return this.#entries.shift();
  }
}

function descriptorClass() {
  if (DescriptorClass) return DescriptorClass;

  class GuestDescriptor {
    readonly fd: number;
    readonly #type: DescriptorType;
    readonly #flags: DescriptorFlags;
    readonly #box: Box;
    #closed = false;
    readonly #isPreopen: boolean;

    constructor(fd: number, type: DescriptorType, flags: DescriptorFlags, box: Box, isPreopen = false) {
      this.#isPreopen = isPreopen;
      this.fd = fd;
      this.#type = type;
      this.#flags = flags;
      this.#box = box;
    }

    [Symbol.dispose](): void {
      // A preopen is handed out again on every get-directories call, so dropping one handle must not close it.
      if (this.#closed || this.#isPreopen) return;
      this.#closed = true;
      if (this.#box.fds.delete(this.fd)) closeSync(this.fd);
    }

    #readOnlyDenied(what: string): WasiFsError {
      const { grant, onDenied } = this.#box;
      onDenied({ capability: 'files', attempted: `${what} under ${grant.guest} (granted read-only)`, grant: `--dir ${grant.host}:${grant.guest} (without :ro)` });
      return new WasiFsError('read-only');
    }

    #mutating(what: string): void {
      if (this.#box.grant.readonly) throw this.#readOnlyDenied(what);
      if (this.#type !== 'directory') throw new WasiFsError('not-directory');
    }

    #directory(): void {
      if (this.#type !== 'directory') throw new WasiFsError('not-directory');
    }

    #writable(what: string): void {
      if (this.#box.grant.readonly) throw this.#readOnlyDenied(what);
      if (!this.#flags.write) throw new WasiFsError('bad-descriptor');
    }

    readViaStream(offset: bigint): object {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      if (!this.#flags.read) throw new WasiFsError('bad-descriptor');
      let position = offset;
      const fd = this.fd;
      return inputStream({
        read(max) {
          const buf = new Uint8Array(max);
          const n = readSync(fd, buf, 0, max, position);
          if (n === 0 && max > 0) return undefined;
          position += BigInt(n);
          return buf.subarray(0, n);
        },
      });
    }

    writeViaStream(offset: bigint): object {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      this.#writable('writing a file');
      let position = offset;
      const fd = this.fd;
      return outputStream({
        write(bytes) {
          let done = 0;
          while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, Number(position) + done);
          position += BigInt(bytes.length);
        },
        capacity: () => 1 << 20,
      });
    }

    appendViaStream(): object {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      this.#writable('appending to a file');
      const fd = this.fd;
      return outputStream({
        write(bytes) {
          let done = 0;
          let end = Number(fstatSync(fd, { bigint: true }).size);
          while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, end + done);
          end += bytes.length;
        },
        capacity: () => 1 << 20,
      });
    }

    advise(): void {}

    syncData(): void {
      try {
        fdatasyncSync(this.fd);
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    sync(): void {
      try {
        fsyncSync(this.fd);
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    getFlags(): DescriptorFlags {
      return this.#flags;
    }

    getType(): DescriptorType {
      return this.#type;
    }

    setSize(size: bigint): void {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      this.#writable('truncating a file');
      try {
        ftruncateSync(this.fd, Number(size));
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
      this.#writable('setting times');
      try {
        const st = fstatSync(this.fd, { bigint: true });
        futimesSync(this.fd, timeArg(atime, st.atimeNs), timeArg(mtime, st.mtimeNs));
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    read(length: bigint, offset: bigint): [Uint8Array, boolean] {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      if (!this.#flags.read) throw new WasiFsError('bad-descriptor');
      const len = Number(length > 0x1000000n ? 0x1000000n : length);
      const buf = new Uint8Array(len);
      try {
        const n = readSync(this.fd, buf, 0, len, offset);
        return [buf.subarray(0, n), n < len];
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    write(buffer: Uint8Array, offset: bigint): bigint {
      if (this.#type === 'directory') throw new WasiFsError('is-directory');
      this.#writable('writing a file');
      try {
        return BigInt(writeSync(this.fd, buffer, 0, buffer.length, Number(offset)));
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    readDirectory(): DirectoryEntryStream {
      this.#directory();
      try {
        const entries = readdirSync(at(this.fd), { withFileTypes: true }).map((d) => ({ type: typeOf(d as unknown as BigIntStats), name: d.name }));
        return new DirectoryEntryStream(entries);
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    createDirectoryAt(p: string): void {
      this.#mutating('making a directory');
      beneath(this.fd, p, false, (r) => {
        if (r.name === '.') throw new WasiFsError('exist');
        mkdirSync(at(r.dirFd, r.name), 0o755);
      });
    }

    stat() {
      try {
        return descriptorStat(fstatSync(this.fd, { bigint: true }));
      } catch (e) {
        throw WasiFsError.from(e);
      }
    }

    statAt(flags: PathFlags, p: string) {
      this.#directory();
      return beneath(this.fd, p, Boolean(flags.symlinkFollow), (r) => descriptorStat(lstatSync(at(r.dirFd, r.name), { bigint: true })));
    }

    setTimesAt(flags: PathFlags, p: string, atime: NewTimestamp, mtime: NewTimestamp): void {
      this.#mutating('setting times');
      beneath(this.fd, p, Boolean(flags.symlinkFollow), (r) => {
        const target = at(r.dirFd, r.name);
        const st = lstatSync(target, { bigint: true });
        lutimesSync(target, timeArg(atime, st.atimeNs), timeArg(mtime, st.mtimeNs));
      });
    }

    linkAt(oldFlags: PathFlags, oldPath: string, newDescriptor: GuestDescriptor, newPath: string): void {
      this.#mutating('making a hard link');
      if (!(newDescriptor instanceof GuestDescriptor)) throw new WasiFsError('bad-descriptor');
      newDescriptor.#mutating('making a hard link');
      beneath(this.fd, oldPath, Boolean(oldFlags.symlinkFollow), (from) => {
        if (lstatSync(at(from.dirFd, from.name)).isDirectory()) throw new WasiFsError('not-permitted');
        beneath(newDescriptor.fd, newPath, false, (to) => linkSync(at(from.dirFd, from.name), at(to.dirFd, to.name)));
      });
    }

    openAt(flags: PathFlags, p: string, openFlags: OpenFlags, descriptorFlags: DescriptorFlags): GuestDescriptor {
      this.#directory();
      const wantsWrite = Boolean(descriptorFlags.write || openFlags.create || openFlags.truncate || descriptorFlags.mutateDirectory);
      if (wantsWrite && this.#box.grant.readonly) throw this.#readOnlyDenied(`opening ${p} for writing`);
      return beneath(this.fd, p, Boolean(flags.symlinkFollow), (r) => {
        let existing: DescriptorType | undefined;
        try {
          existing = typeOf(lstatSync(at(r.dirFd, r.name)));
        } catch {
          existing = undefined;
        }
        if (existing === 'directory' && descriptorFlags.write) throw new WasiFsError('is-directory');
        // Devices, FIFOs and sockets stay out; refused before open, since opening a FIFO blocks until a writer comes.
        if (existing !== undefined && existing !== 'directory' && existing !== 'regular-file' && existing !== 'symbolic-link') throw new WasiFsError('not-permitted');
        let mode: number = descriptorFlags.write ? (descriptorFlags.read ? constants.O_RDWR : constants.O_WRONLY) : constants.O_RDONLY;
        mode |= constants.O_NOFOLLOW;
        if (existing === 'directory') mode |= constants.O_DIRECTORY;
        if (openFlags.create) mode |= constants.O_CREAT;
        if (openFlags.exclusive) mode |= constants.O_EXCL;
        if (openFlags.truncate) mode |= constants.O_TRUNC;
        if (openFlags.directory || r.mustBeDirectory) mode |= constants.O_DIRECTORY;
        if (descriptorFlags.dataIntegritySync) mode |= constants.O_DSYNC;
        if (descriptorFlags.fileIntegritySync) mode |= constants.O_SYNC;
        if (openFlags.create && r.name === '.') throw new WasiFsError('is-directory');
        const fd = openSync(at(r.dirFd, r.name), mode, 0o644);
        this.#box.fds.add(fd);
        try {
          const type = typeOf(fstatSync(fd));
          if (type !== 'directory' && type !== 'regular-file') throw new WasiFsError('not-permitted'); // devices and fifos stay out
          return new GuestDescriptor(fd, type, { ...descriptorFlags, read: descriptorFlags.read || type === 'directory' }, this.#box);
        } catch (e) {
          this.#box.fds.delete(fd);
          closeSync(fd);
          throw e;
        }
      });
    }

    readlinkAt(p: string): string {
      this.#directory();
      return beneath(this.fd, p, false, (r) => {
        const target = readlinkSync(at(r.dirFd, r.name));
        if (target.startsWith('/')) throw new WasiFsError('not-permitted'); // a host path is never shown to the guest
        return target;
      });
    }

    removeDirectoryAt(p: string): void {
      this.#mutating('removing a directory');
      beneath(this.fd, p, false, (r) => rmdirSync(at(r.dirFd, r.name)));
    }

    renameAt(oldPath: string, newDescriptor: GuestDescriptor, newPath: string): void {
      this.#mutating('renaming');
      if (!(newDescriptor instanceof GuestDescriptor)) throw new WasiFsError('bad-descriptor');
      newDescriptor.#mutating('renaming');
      beneath(this.fd, oldPath, false, (from) => {
        if (from.name === '.') throw new WasiFsError('busy');
        beneath(newDescriptor.fd, newPath, false, (to) => renameSync(at(from.dirFd, from.name), at(to.dirFd, to.name)));
      });
    }

    symlinkAt(target: string, p: string): void {
      this.#mutating('making a symlink');
      beneath(this.fd, p, false, (r) => {
        const depth = depthBelowRoot(this.#box, r.dirFd);
        if (depth === undefined || !symlinkTargetStaysBeneath(target, depth)) {
          const { grant, onDenied } = this.#box;
          onDenied({ capability: 'files', attempted: `a symlink ${p} -> ${target} pointing outside ${grant.guest}`, grant: 'a relative target that stays inside the granted directory' });
          throw new WasiFsError('not-permitted');
        }
        symlinkSync(target, at(r.dirFd, r.name));
      });
    }

    unlinkFileAt(p: string): void {
      this.#mutating('removing a file');
      beneath(this.fd, p, false, (r) => {
        if (r.mustBeDirectory) throw new WasiFsError('not-directory');
        unlinkSync(at(r.dirFd, r.name));
      });
    }

    isSameObject(other: GuestDescriptor): boolean {
      if (!(other instanceof GuestDescriptor)) return false;
      const a = fstatSync(this.fd, { bigint: true });
      const b = fstatSync(other.fd, { bigint: true });
      return a.dev === b.dev && a.ino === b.ino;
    }

    metadataHash() {
      return metadataHashOf(fstatSync(this.fd, { bigint: true }));
    }

    metadataHashAt(flags: PathFlags, p: string) {
      this.#directory();
      return beneath(this.fd, p, Boolean(flags.symlinkFollow), (r) => metadataHashOf(lstatSync(at(r.dirFd, r.name), { bigint: true })));
    }
  }

  return (DescriptorClass = GuestDescriptor);
}
