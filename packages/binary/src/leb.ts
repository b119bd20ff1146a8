/** Appends `v` (a non-negative integer) to `into` as a minimal unsigned LEB128. */
export function pushULeb(into: number[], v: number): void {
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    into.push(b);
  } while (v > 0);
}
