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

/** Length of the UTF-8 sequence `lead` starts, or 0 when it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * A terminal interprets control characters (ESC sequences can retitle windows, move the cursor, rewrite what
 * is shown, or on some terminals answer with input), so guest output bound for a TTY keeps only tab, newline
 * and carriage return. Every other C0 control, DEL, C1 control (as UTF-8 or as a lone 8-bit byte, which
 * 8-bit terminals take as CSI and friends) and every byte that is not part of valid UTF-8 is shown as `\xNN`.
 * `carry` holds an incomplete sequence at the end of one write for the next.
 */
export function escapeForTerminal(input: Uint8Array, carry: { pending: number[] }): Uint8Array {
  const bytes = carry.pending.length > 0 ? Uint8Array.from([...carry.pending, ...input]) : input;
  carry.pending = [];
  const out: number[] = [];
  const escape = (b: number) => out.push(0x5c, 0x78, HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) escape(b);
      else out.push(b);
      i++;
      continue;
    }
    const n = sequenceLength(b);
    if (n > 0 && i + n > bytes.length) {
      let partial = true;
      for (let k = i + 1; k < bytes.length; k++) if ((bytes[k]! & 0xc0) !== 0x80) partial = false;
      if (partial) {
        carry.pending = Array.from(bytes.subarray(i));
        break;
      }
    }
    let valid = n > 0 && i + n <= bytes.length;
    for (let k = 1; valid && k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) valid = false;
    if (valid && n === 2 && b === 0xc2 && bytes[i + 1]! <= 0x9f) valid = false; // U+0080..U+009F: C1 controls
    if (!valid) {
      escape(b);
      i++;
      continue;
    }
    for (let k = 0; k < n; k++) out.push(bytes[i + k]!);
    i += n;
  }
  return Uint8Array.from(out);
}

export function fdSink(fd: number): ByteSink {
  const tty = isatty(fd);
  const carry = { pending: [] as number[] };
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
