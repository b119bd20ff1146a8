/**
 * Kebab-case names of the component model (`Explainer.md#import-and-export-definitions`): `-`-separated words, each
 * all-lowercase or all-uppercase, the first starting with a letter. WIT identifiers and import/export labels follow it.
 */
export function isKebab(s: string): boolean {
  return isKebabRange(s, 0, s.length);
}

/** `isKebab` of `s.slice(from, to)`, without slicing. */
export function isKebabRange(s: string, from: number, to: number): boolean {
  if (to <= from || s.charCodeAt(to - 1) === 45) return false;
  let lower = false;
  let upper = false;
  let first = true;
  let digit = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const isLower = c >= 97 && c <= 122;
    const isUpper = c >= 65 && c <= 90;
    const isDigit = c >= 48 && c <= 57;
    if (isLower && !lower && !upper) lower = true;
    else if (isUpper && !lower && !upper) upper = true;
    else if (isDigit && !lower && !upper && !first) digit = true;
    else if (isLower && lower) continue;
    else if (isUpper && upper) continue;
    else if (isDigit && (lower || upper)) digit = true;
    else if (c === 45 && (lower || upper || digit)) {
      lower = upper = digit = false;
      first = false;
    } else return false;
  }
  return true;
}

/**
 * Names weld gives things it writes to disk (components, compositions, workload members): lowercase kebab-case, so
 * `build/<name>.wasm` is the same file on every file system.
 */
export function isLowerKebab(s: string): boolean {
  return /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(s);
}
