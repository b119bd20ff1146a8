import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Denial } from '../host.js';
import { at, resolveBeneath } from '../wasi/beneath.js';
import { WasiFsError } from '../wasi/fs-errors.js';
import { inputStream, outputStream } from '../wasi/io.js';
import type { HostPlugin } from './types.js';
import { hostError, messageOf, versionless } from './util.js';

/**
 * The most bytes one outgoing value may buffer before it is written, and all of a component's live outgoing values
 * together: they sit in the host's memory, outside the guest's linear memory and so outside `--max-memory`.
 */
const MAX_OBJECT_BYTES = 256 * 1024 * 1024;
const MAX_BUFFERED_BYTES = MAX_OBJECT_BYTES;
const symbolDispose: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

class Refused extends Error {}

function checkContainerName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 255) {
    throw new Refused(`container name ${JSON.stringify(name)} is not a single directory name`);
  }
}

function checkObjectName(name: string): void {
  if (name === '' || name.startsWith('/') || name.includes('\0') || name.endsWith('/')) throw new Refused(`object name ${JSON.stringify(name)} is not a relative file name`);
  if (name.split('/').some((c) => c === '..')) throw new Refused(`object name ${JSON.stringify(name)} climbs out of its container`);
}

/**
 * `wasi:blobstore` 0.2.0-draft on a host directory (`config.root`, granted by `--blobstore DIR`): a container
 * is a directory under it, an object a file in that (names with '/' make subdirectories). Every name is
 * resolved beneath an open directory fd the way the WASI filesystem resolves paths (wasi/beneath.ts), so
 * `..`, absolute names and symlinks cannot reach outside; a refused name is reported as a denial.
 */
const blobstorePlugin: HostPlugin = {
  name: 'blobstore',
  interfaces: ['wasi:blobstore/blobstore@0.2.0-draft', 'wasi:blobstore/container@0.2.0-draft', 'wasi:blobstore/types@0.2.0-draft'],
  create({ component, config, imports, onDenied }) {
    if (!config.root) throw new Error('the blobstore plugin needs config.root (the host directory of --blobstore)');
    const rootFd = openSync(config.root, DIR_FLAGS);
    const deny = (what: string, e: Refused) => {
      onDenied({ capability: 'blobstore' as Denial['capability'], attempted: `${what} (${e.message})`, grant: 'a name inside the container: --blobstore grants only what is under its directory' });
    };
    /** Runs `f`, turning refusals into denials and everything else into the interface's string error. */
    const guard = <T>(what: string, f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (e instanceof Refused) {
          deny(`${component}: blobstore ${what}`, e);
          throw hostError(`access denied: ${e.message}`);
        }
        const code = e instanceof WasiFsError ? e.payload : (e as NodeJS.ErrnoException).code;
        if (code === undefined && (e as { payload?: unknown }).payload !== undefined) throw e;
        if (code === 'not-permitted' || code === 'loop' || code === 'ELOOP') {
          const refused = new Refused('it resolves outside the container');
          deny(`${component}: blobstore ${what}`, refused);
          throw hostError(`access denied: ${refused.message}`);
        }
        throw hostError(code === 'ENOENT' || code === 'no-entry' ? `${what}: does not exist` : `${what}: ${messageOf(e)}`);
      }
    };

    const openContainerFd = (name: string): number => {
      checkContainerName(name);
      return openSync(at(rootFd, name), DIR_FLAGS);
    };
    const withContainer = <T>(name: string, f: (fd: number) => T): T => {
      const fd = openContainerFd(name);
      try {
        return f(fd);
      } finally {
        closeSync(fd);
      }
    };
    /** `f` gets the directory fd and final name of object `name` beneath container fd `cfd`. */
    const withObject = <T>(cfd: number, name: string, f: (dirFd: number, last: string) => T, makeParents = false): T => {
      checkObjectName(name);
      if (makeParents) {
        const parts = name.split('/').filter((c) => c !== '' && c !== '.');
        for (let i = 1; i < parts.length; i++) {
          const r = resolveBeneath(cfd, parts.slice(0, i).join('/'), false);
          try {
            mkdirSync(at(r.dirFd, r.name));
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          } finally {
            r.release();
          }
        }
      }
      const r = resolveBeneath(cfd, name, false);
      try {
        return f(r.dirFd, r.name);
      } finally {
        r.release();
      }
    };
    const readObject = (cfd: number, name: string): Uint8Array =>
      withObject(cfd, name, (dirFd, last) => {
        const fd = openSync(at(dirFd, last), constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          const size = fstatSync(fd).size;
          if (!fstatSync(fd).isFile()) throw new Error('not a file');
          const buf = new Uint8Array(size);
          for (let off = 0; off < size; ) {
            const n = readSync(fd, buf, off, size - off, off);
            if (n === 0) return buf.subarray(0, off);
            off += n;
          }
          return buf;
        } finally {
          closeSync(fd);
        }
      });
    const writeObject = (cfd: number, name: string, data: Uint8Array): void =>
      withObject(
        cfd,
        name,
        (dirFd, last) => {
          // Written to a fresh name, then renamed over the object: readers never see half an object, and a
          // symlink planted at the name is replaced, never followed.
          const tmp = `.weld-${randomBytes(6).toString('hex')}.tmp`;
          const fd = openSync(at(dirFd, tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
          try {
            try {
              for (let off = 0; off < data.byteLength; ) off += writeSync(fd, data, off);
            } finally {
              closeSync(fd);
            }
            renameSync(at(dirFd, tmp), at(dirFd, last));
          } catch (e) {
            rmSync(at(dirFd, tmp), { force: true });
            throw e;
          }
        },
        true,
      );
    const objectStat = (cfd: number, name: string) => withObject(cfd, name, (dirFd, last) => lstatSync(at(dirFd, last)));
    const listNames = (cfd: number): string[] =>
      readdirSync(at(cfd), { withFileTypes: true })
        .filter((d) => d.isFile() && !/^\.weld-[0-9a-f]+\.tmp$/.test(d.name))
        .map((d) => d.name)
        .sort();

    /** Bytes buffered by this component's live outgoing values. */
    let buffered = 0;
    class OutgoingValue {
      chunks: Uint8Array[] = [];
      size = 0;
      finished = false;
      stream: object | undefined;
      static newOutgoingValue() {
        return new OutgoingValue();
      }
      outgoingValueWriteBody() {
        if (this.stream) throw hostError(undefined);
        this.stream = outputStream({
          write: (bytes) => {
            if (this.size + bytes.byteLength > MAX_OBJECT_BYTES) throw new Error(`an object may hold at most ${MAX_OBJECT_BYTES} bytes`);
            if (buffered + bytes.byteLength > MAX_BUFFERED_BYTES) {
              throw new Error(`the outgoing values of ${component} may buffer at most ${MAX_BUFFERED_BYTES} bytes together: finish or drop one first`);
            }
            this.chunks.push(bytes.slice());
            this.size += bytes.byteLength;
            buffered += bytes.byteLength;
          },
          capacity: () => Math.max(0, Math.min(65536, MAX_OBJECT_BYTES - this.size, MAX_BUFFERED_BYTES - buffered)),
          closed: () => this.finished,
        });
        return this.stream;
      }
      /** Takes the value from the guest (it was written by `write-data` already): its bytes leave the budget. */
      static finish(value: OutgoingValue) {
        value.finished = true;
        value.release();
      }
      /** Dropped by the guest (jco calls this). */
      [symbolDispose]() {
        this.release();
      }
      release() {
        buffered -= this.size;
        this.chunks = [];
        this.size = 0;
      }
      bytes(): Uint8Array {
        const out = new Uint8Array(this.size);
        let off = 0;
        for (const c of this.chunks) {
          out.set(c, off);
          off += c.byteLength;
        }
        return out;
      }
    }

    class IncomingValue {
      constructor(readonly data: Uint8Array) {}
      static incomingValueConsumeSync(value: IncomingValue) {
        return value.data;
      }
      static incomingValueConsumeAsync(value: IncomingValue) {
        let off = 0;
        return inputStream({
          read: (max) => {
            if (off >= value.data.byteLength) return undefined;
            const chunk = value.data.slice(off, off + Math.max(1, max));
            off += chunk.byteLength;
            return chunk;
          },
        });
      }
      size() {
        return BigInt(this.data.byteLength);
      }
    }

    class StreamObjectNames {
      constructor(readonly names: string[]) {}
      readStreamObjectNames(len: bigint): [string[], boolean] {
        const batch = this.names.splice(0, Number(len > 1_000_000n ? 1_000_000n : len));
        return [batch, this.names.length === 0];
      }
      skipStreamObjectNames(num: bigint): [bigint, boolean] {
        const skipped = this.names.splice(0, Number(num > 1_000_000n ? 1_000_000n : num)).length;
        return [BigInt(skipped), this.names.length === 0];
      }
    }

    const createdAt = (st: { birthtimeMs: number; ctimeMs: number }) => BigInt(Math.floor((st.birthtimeMs || st.ctimeMs) / 1000));

    class Container {
      constructor(readonly containerName: string) {}
      name() {
        return this.containerName;
      }
      info() {
        return guard(`info of container ${JSON.stringify(this.containerName)}`, () => withContainer(this.containerName, (fd) => ({ name: this.containerName, createdAt: createdAt(fstatSync(fd)) })));
      }
      getData(name: string, start: bigint, end: bigint) {
        return guard(`read of ${JSON.stringify(name)} in ${JSON.stringify(this.containerName)}`, () =>
          withContainer(this.containerName, (cfd) => {
            const data = readObject(cfd, name);
            const size = BigInt(data.byteLength);
            const from = start < size ? start : size;
            const to = end < size ? end + 1n : size; // `end` is inclusive, as wasmCloud's filesystem blobstore
            return new IncomingValue(from < to ? data.slice(Number(from), Number(to)) : new Uint8Array(0));
          }),
        );
      }
      writeData(name: string, value: OutgoingValue) {
        guard(`write of ${JSON.stringify(name)} in ${JSON.stringify(this.containerName)}`, () => withContainer(this.containerName, (cfd) => writeObject(cfd, name, value.bytes())));
      }
      listObjects() {
        return guard(`listing of ${JSON.stringify(this.containerName)}`, () => new StreamObjectNames(withContainer(this.containerName, listNames)));
      }
      deleteObject(name: string) {
        guard(`delete of ${JSON.stringify(name)} in ${JSON.stringify(this.containerName)}`, () =>
          withContainer(this.containerName, (cfd) =>
            withObject(cfd, name, (dirFd, last) => {
              try {
                unlinkSync(at(dirFd, last));
              } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
              }
            }),
          ),
        );
      }
      deleteObjects(names: string[]) {
        for (const n of names) this.deleteObject(n);
      }
      hasObject(name: string) {
        return guard(`lookup of ${JSON.stringify(name)} in ${JSON.stringify(this.containerName)}`, () =>
          withContainer(this.containerName, (cfd) => {
            try {
              return objectStat(cfd, name).isFile();
            } catch (e) {
              const code = e instanceof WasiFsError ? e.payload : (e as NodeJS.ErrnoException).code;
              if (code === 'ENOENT' || code === 'no-entry') return false;
              throw e;
            }
          }),
        );
      }
      objectInfo(name: string) {
        return guard(`info of ${JSON.stringify(name)} in ${JSON.stringify(this.containerName)}`, () =>
          withContainer(this.containerName, (cfd) => {
            const st = objectStat(cfd, name);
            if (!st.isFile()) throw new Error('not an object');
            return { name, container: this.containerName, createdAt: createdAt(st), size: BigInt(st.size) };
          }),
        );
      }
      clear() {
        guard(`clearing of ${JSON.stringify(this.containerName)}`, () =>
          withContainer(this.containerName, (cfd) => {
            for (const entry of readdirSync(at(cfd))) rmSync(at(cfd, entry), { recursive: true, force: true });
          }),
        );
      }
    }

    const containerExists = (name: string) => {
      checkContainerName(name);
      try {
        return lstatSync(at(rootFd, name)).isDirectory();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    };
    const transfer = (src: { container: string; object: string }, dest: { container: string; object: string }, move: boolean) => {
      const data = withContainer(src.container, (cfd) => readObject(cfd, src.object));
      withContainer(dest.container, (cfd) => writeObject(cfd, dest.object, data));
      if (move) withContainer(src.container, (cfd) => withObject(cfd, src.object, (dirFd, last) => unlinkSync(at(dirFd, last))));
    };
    const byInterface: Record<string, object> = {
      'wasi:blobstore/types': { OutgoingValue, IncomingValue },
      'wasi:blobstore/container': { Container, StreamObjectNames },
      'wasi:blobstore/blobstore': {
        createContainer: (name: string) =>
          guard(`create of container ${JSON.stringify(name)}`, () => {
            checkContainerName(name);
            mkdirSync(at(rootFd, name));
            return new Container(name);
          }),
        getContainer: (name: string) =>
          guard(`open of container ${JSON.stringify(name)}`, () => {
            withContainer(name, () => undefined);
            return new Container(name);
          }),
        deleteContainer: (name: string) =>
          guard(`delete of container ${JSON.stringify(name)}`, () => {
            if (containerExists(name)) rmSync(at(rootFd, name), { recursive: true, force: true });
          }),
        containerExists: (name: string) => guard(`lookup of container ${JSON.stringify(name)}`, () => containerExists(name)),
        copyObject: (src: { container: string; object: string }, dest: { container: string; object: string }) =>
          guard(`copy of ${JSON.stringify(src.object)} to ${JSON.stringify(dest.object)}`, () => transfer(src, dest, false)),
        moveObject: (src: { container: string; object: string }, dest: { container: string; object: string }) =>
          guard(`move of ${JSON.stringify(src.object)} to ${JSON.stringify(dest.object)}`, () => transfer(src, dest, true)),
      },
    };
    return {
      imports: Object.fromEntries(imports.map((name) => [name, byInterface[versionless(name)]!])),
      close: () => closeSync(rootFd),
    };
  },
};

export default blobstorePlugin;
