import { randomBytes, randomFillSync } from 'node:crypto';
import { hrtime } from 'node:process';

/**
 * The capability-free parts of WASI (stream and pollable base classes, clocks, randomness) for a guest that
 * imports neither sockets nor HTTP. Such a guest does not need preview2-shim at all, and a cold `weld run`
 * then skips loading it; a guest that does import them gets the shim's classes instead (its sockets and HTTP
 * client hand out instances of those).
 */

const sleeper = new Int32Array(new SharedArrayBuffer(4));

class Pollable {
  ready(): boolean {
    return true;
  }
  block(): void {}
}

/** Ready once the monotonic clock (host nanoseconds) reaches `deadline`. */
class DeadlinePollable extends Pollable {
  constructor(readonly deadline: bigint) {
    super();
  }
  override ready(): boolean {
    return hrtime.bigint() >= this.deadline;
  }
  override block(): void {
    for (let left = this.deadline - hrtime.bigint(); left > 0n; left = this.deadline - hrtime.bigint()) {
      Atomics.wait(sleeper, 0, 0, Math.max(1, Math.ceil(Number(left) / 1e6)));
    }
  }
}

function poll(list: Pollable[]): Uint32Array {
  if (list.length === 0) throw new Error('poll: an empty list would wait for ever');
  for (;;) {
    const ready: number[] = [];
    let soonest: bigint | undefined;
    list.forEach((p, i) => {
      if (p.ready()) ready.push(i);
      else if (p instanceof DeadlinePollable && (soonest === undefined || p.deadline < soonest)) soonest = p.deadline;
    });
    if (ready.length > 0) return Uint32Array.from(ready);
    if (soonest === undefined) throw new Error('poll: nothing in the list can become ready');
    new DeadlinePollable(soonest).block();
  }
}

class IoError extends Error {
  toDebugString(): string {
    return this.message;
  }
}

const u64 = () => randomBytes(8).readBigUInt64LE();

/** The same shape as the parts of preview2-shim the host uses (`io`, `clocks`, `random`, `cli`). */
export const ownKit = {
  io: {
    error: { Error: IoError },
    poll: { Pollable, poll },
    streams: { InputStream: class InputStream {}, OutputStream: class OutputStream {} },
  },
  clocks: {
    monotonicClock: {
      resolution: () => 1n,
      now: () => hrtime.bigint(),
      subscribeInstant: (instant: bigint) => new DeadlinePollable(instant),
      subscribeDuration: (duration: bigint) => new DeadlinePollable(hrtime.bigint() + duration),
    },
    wallClock: {
      now() {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    },
  },
  random: {
    random: { getRandomBytes: (len: bigint) => randomFillSync(new Uint8Array(Number(len))), getRandomU64: u64 },
    insecure: { getInsecureRandomBytes: (len: bigint) => randomFillSync(new Uint8Array(Number(len))), getInsecureRandomU64: u64 },
    insecureSeed: { insecureSeed: () => [u64(), u64()] as [bigint, bigint] },
  },
  cli: {
    terminalInput: { TerminalInput: class TerminalInput {} },
    terminalOutput: { TerminalOutput: class TerminalOutput {} },
  },
};
