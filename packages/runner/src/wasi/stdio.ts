import { isatty } from 'node:tty';
import { readSync, writeSync } from 'node:fs';
import type { ByteSink, ByteSource } from './io.js';

/** Where a guest's standard streams go: host fds, written synchronously so a slow reader blocks the guest. */
export interface StdioRoute {
  /** Host fd for the guest's stdout (1 for `weld run`; 2 where stdout carries weld's own output). */
  stdout: number;
  stderr: number;
  /** Host fd to read the guest's stdin from; undefined: the guest's stdin is empty (not granted). */
  stdin?: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to `fd`, waiting out EAGAIN on a non-blocking pipe instead of buffering. */
function writeFully(fd: number, bytes: Uint8Array): void {
  let done = 0;
  let wait = 1;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
      wait = 1;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, wait);
      wait = Math.min(wait * 2, 50);
    }
  }
}

const HEX = '0123456789abcdef';

/**
 * A terminal interprets control characters (ESC sequences can retitle windows, move the cursor, rewrite what
 * is shown, or on some terminals answer with input), so guest output bound for a TTY keeps only tab, newline
 * and carriage return; every other C0/C1 control and DEL is shown as `\xNN`.
 */
export function escapeForTerminal(bytes: Uint8Array, carry: { pendingC2: boolean }): Uint8Array {
  const out: number[] = [];
  const escape = (b: number) => out.push(0x5c, 0x78, HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
  let i = 0;
  if (carry.pendingC2) {
    carry.pendingC2 = false;
    if (bytes.length > 0 && bytes[0]! >= 0x80 && bytes[0]! <= 0x9f) {
      escape(0xc2);
      escape(bytes[0]!);
      i = 1;
    } else out.push(0xc2);
  }
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0xc2) {
      if (i + 1 === bytes.length) {
        carry.pendingC2 = true;
        continue;
      }
      const next = bytes[i + 1]!;
      if (next >= 0x80 && next <= 0x9f) {
        escape(b);
        escape(next);
        i++;
        continue;
      }
    }
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) escape(b);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

export function fdSink(fd: number): ByteSink {
  const tty = isatty(fd);
  const carry = { pendingC2: false };
  return {
    write: (bytes) => writeFully(fd, tty ? escapeForTerminal(bytes, carry) : bytes),
    capacity: () => 65536,
  };
}

/** The guest's stdin: the host fd when granted, else an empty stream. */
export function stdinSource(fd: number | undefined): ByteSource {
  if (fd === undefined) return { read: () => undefined };
  return {
    read(max) {
      const buf = new Uint8Array(Math.max(1, max));
      for (;;) {
        try {
          const n = readSync(fd, buf, 0, buf.length, null);
          return n === 0 ? undefined : buf.subarray(0, n);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EOF') return undefined;
          if (code !== 'EAGAIN') throw e;
          Atomics.wait(pause, 0, 0, 10);
        }
      }
    },
  };
}
