// A valid component of a given size for registry benchmarks: one import, no exports, and a custom section
// padding it to `mb` MiB of incompressible (xorshift) bytes, so no layer of the stack can shortcut it.
import { writeFileSync } from 'node:fs';

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function writeComponent(path, mb) {
  const name = Buffer.from('wasi:cli/stdout@0.2.0');
  const head = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 7, 3, 1, 0x42, 0x00]);
  const importPayload = Buffer.from([1, 0, ...leb(name.length), ...name, 5, 0]);
  const imports = Buffer.concat([Buffer.from([10, ...leb(importPayload.length)]), importPayload]);
  const padName = Buffer.from('bench-padding');
  const body = Buffer.alloc(mb * 1024 * 1024);
  let x = 0x9e3779b9 ^ mb;
  for (let i = 0; i < body.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    body.writeUInt32LE(x >>> 0, i);
  }
  const custom = Buffer.concat([Buffer.from([...leb(padName.length)]), padName, body]);
  const padding = Buffer.concat([Buffer.from([0, ...leb(custom.length)]), custom]);
  writeFileSync(path, Buffer.concat([head, imports, padding]));
}
