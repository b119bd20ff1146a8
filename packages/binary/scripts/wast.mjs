// Reading .wast text: top-level forms, the children of a form, and the bytes of `(component binary "…")` strings.
// Shared by the spec-corpus extraction, its conversion to binaries, and the conformance runners.

/** Top-level S-expressions of a .wast file, with their start line. Skips comments and respects strings. */
export function forms(text) {
  const out = [];
  let depth = 0;
  let start = -1;
  let line = 1;
  let startLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
      continue;
    }
    if (c === '(' && text[i + 1] === ';') {
      let d = 0;
      for (; i < text.length; i++) {
        if (text[i] === '\n') line++;
        if (text[i] === '(' && text[i + 1] === ';') { d++; i++; } else if (text[i] === ';' && text[i + 1] === ')') { d--; i++; if (d === 0) break; }
      }
      continue;
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) { start = i; startLine = line; }
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) out.push({ text: text.slice(start, i + 1), line: startLine });
    }
  }
  return out;
}

/** Splits `(head a b c)` into its direct children (as text). */
export function children(form) {
  const inner = form.slice(1, -1);
  const out = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === ';' && inner[i + 1] === ';') { while (i < inner.length && inner[i] !== '\n') i++; continue; }
    let j = i;
    if (c === '(') {
      let d = 0;
      for (; j < inner.length; j++) {
        if (inner[j] === '"') { for (j++; inner[j] !== '"'; j++) if (inner[j] === '\\') j++; continue; }
        if (inner[j] === '(') d++;
        else if (inner[j] === ')' && --d === 0) break;
      }
      j++;
    } else if (c === '"') {
      for (j++; inner[j] !== '"'; j++) if (inner[j] === '\\') j++;
      j++;
    } else {
      while (j < inner.length && !/[\s()]/.test(inner[j])) j++;
    }
    out.push(inner.slice(i, j));
    i = j;
  }
  return out;
}

export const head = (f) => /^\(\s*([^\s()]+)/.exec(f)?.[1];

/** The bytes a .wast string literal stands for (its `\\hh`, `\\n`, `\\t`, `\\u{…}` escapes decoded). */
export function wastString(s) {
  // "..." with \hh, \n, \t, \\, \", \u{...} escapes → bytes
  const out = [];
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (/[0-9a-fA-F]/.test(n)) { out.push(parseInt(s.slice(i, i + 2), 16)); i++; }
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'r') out.push(13);
    else if (n === 'u') { const end = s.indexOf('}', i); out.push(...Buffer.from(String.fromCodePoint(parseInt(s.slice(i + 2, end), 16)), 'utf8')); i = end; }
    else out.push(...Buffer.from(n, 'utf8'));
  }
  return out;
}
// string literals outside `;;` line comments (comments in binary modules quote names too)
export const binaryStrings = (text) => [...text.matchAll(/;;[^\n]*|"(?:[^"\\]|\\.)*"/gs)].map((m) => m[0]).filter((t) => t.startsWith('"'));

/**
 * A .wast component form as `{ bytes }` (base64) or `{ textError }`: `(component binary "…")` is its bytes,
 * `(component quote "…")` and plain text go through `parse` (jco's WAT parser), and `(component definition …)` (a
 * component only defined, not instantiated) reads like `(component …)`.
 */
export async function componentEntry(form, parse) {
  const text = form.replace(/^\(\s*component\s+definition\b/, '(component');
  const m = /^\(\s*component\s+(?:\$\S+\s+)?(binary|quote)\b([\s\S]*)\)$/.exec(text);
  if (m && m[1] === 'binary') return { bytes: Buffer.from(binaryStrings(m[2]).flatMap(wastString)).toString('base64') };
  const source = m ? `(component ${binaryStrings(m[2]).map((s) => Buffer.from(wastString(s)).toString('utf8')).join(' ')})` : text;
  try {
    return { bytes: Buffer.from(await parse(source)).toString('base64') };
  } catch (e) {
    return { textError: String(e?.message ?? e).slice(0, 300) };
  }
}
