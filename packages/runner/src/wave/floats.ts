/**
 * Floats as wasm-wave reads and prints them: Rust's `str::parse::<f32|f64>` (correctly rounded) and Rust's
 * `Display` (shortest digits that read back to the same value, never an exponent; `nan`, `inf`, `-inf`, `-0`).
 */

/** Positional notation of `0.d1d2d3… × 10^point`, as Rust's Display writes it. */
function positional(negative: boolean, digits: string, point: number): string {
  let s: string;
  if (point <= 0) s = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length);
  else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${s}` : s;
}

/** Splits a (finite, nonzero) exponent form `d.ddde±x` into its digits and the position of the decimal point. */
function decimal(expForm: string): { digits: string; point: number } {
  const [mantissa, exp] = expForm.split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, point: Number(exp) + 1 };
}

/** The shortest decimal that reads back as the f32 `v` (closest to `v` among equally short ones). */
function shortestF32(v: number): { digits: string; point: number } {
  for (let p = 1; p <= 9; p++) {
    const { digits, point } = decimal(v.toExponential(p - 1));
    const scale = point - p;
    const base = BigInt(digits.padEnd(p, '0'));
    let best: { d: bigint; err: number } | undefined;
    // The nearest p-digit decimal may fall outside f32's rounding interval at a power of two while a neighbour fits.
    for (const d of [base - 1n, base, base + 1n]) {
      if (d <= 0n) continue;
      const text = `${d}e${scale}`;
      if (parseF32(text) !== v) continue;
      const value = Number(text);
      const err = Math.abs(value - v);
      if (!best || err < best.err) best = { d, err };
    }
    if (best) {
      const s = best.d.toString();
      return { digits: s.replace(/0+$/, '') || '0', point: scale + s.length };
    }
  }
  return decimal(v.toExponential());
}

export function formatFloat(value: number, f32: boolean): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const v = f32 ? Math.fround(value) : value;
  const { digits, point } = f32 ? shortestF32(Math.abs(v)) : decimal(Math.abs(v).toExponential());
  return positional(v < 0, digits, point);
}

/** `text` (a WAVE number token, `nan`, `inf` or `-inf`) as an f64, rounded once as Rust's parser does. */
export function parseF64(text: string): number {
  return text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
}

/**
 * `text` as an f32, rounded once from the exact decimal. Rounding to f64 first and then to f32 differs only when
 * the f64 lands exactly halfway between two f32s; then the exact decimal decides.
 */
export function parseF32(text: string): number {
  const x = parseF64(text);
  const f = Math.fround(x);
  if (f === x || !Number.isFinite(x)) return f;
  const other = adjacentF32(f, Math.abs(f) > Math.abs(x));
  const fValue = Number.isFinite(f) ? f : Math.sign(f) * 2 ** 128;
  if ((fValue + other) / 2 !== x) return f;
  const cmp = compareMagnitude(text, x);
  if (cmp === 0) return f;
  const [small, large] = Math.abs(f) < Math.abs(other) ? [f, other] : [other, f];
  return cmp > 0 ? large : small;
}

/** The f32 next to `f`, one step toward zero or away from it. */
function adjacentF32(f: number, towardZero: boolean): number {
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] = bits[0]! + (towardZero ? -1 : 1);
  return buf[0]!;
}

/** Sign of |decimal text| − |x|, computed exactly. */
function compareMagnitude(text: string, x: number): number {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(text)!;
  const frac = m[2] ?? '';
  const digits = BigInt(m[1]! + frac);
  const exp10 = Number(m[3] ?? 0) - frac.length;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mant = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mant |= 1n << 52n;
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  const left = digits * 10n ** BigInt(Math.max(exp10, 0)) * 2n ** BigInt(Math.max(-exp2, 0));
  const right = mant * 2n ** BigInt(Math.max(exp2, 0)) * 10n ** BigInt(Math.max(-exp10, 0));
  return left > right ? 1 : left < right ? -1 : 0;
}
