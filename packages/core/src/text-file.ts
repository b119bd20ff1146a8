import type { SourceSpan } from './error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** Why bytes are not text. */
export interface NotText {
  notText: string;
  /** Where the first byte that is not UTF-8 is: 1-based line and column (in characters), with its line as far as it decodes. Absent for a binary (NUL bytes): no line of it is worth quoting. */
  span?: SourceSpan;
  /** Byte offset of the first byte that is not UTF-8. */
  offset?: number;
}

/** Bytes that are not UTF-8, and where the first such byte is. */
export interface NotUtf8 extends NotText {
  span: SourceSpan;
  offset: number;
  /** The byte and its offset, for a message: `byte 0xff at offset 44`. */
  where: string;
}

/**
 * A file's bytes as text, or why they are not text: a NUL byte (no text format weld reads allows one) or bytes that
 * are not UTF-8, with where the first of those is. For readers of YAML and WIT files, so a binary given by mistake is
 * named as such instead of being quoted in a syntax error's snippet, and a stray byte in a text file can be found.
 */
export function decodeTextFile(bytes: Uint8Array, file?: string): { text: string } | NotText {
  if (bytes.includes(0)) return { notText: 'it contains NUL bytes' };
  return decodeUtf8(bytes, file);
}

/** Bytes as UTF-8 text (a BOM kept), or where the first byte that is not UTF-8 is. */
export function decodeUtf8(bytes: Uint8Array, file?: string): { text: string } | NotUtf8 {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes) ?? 0;
    const where = `byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset}`;
    return { notText: `it is not UTF-8 (${where})`, where, offset, span: placeOf(bytes, offset, file) };
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or undefined when all do. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // lead byte: sequence length and the allowed range of the second byte (no overlongs, surrogates or > U+10FFFF)
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n;
  }
  return undefined;
}

/** The 1-based line and character column of a byte offset, with that line's text (decoded leniently). */
function placeOf(bytes: Uint8Array, offset: number, file: string | undefined): SourceSpan {
  const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const end = bytes.indexOf(0x0a, offset);
  const lineBytes = bytes.subarray(lineStart, end < 0 ? bytes.length : end);
  const column = [...lenient.decode(bytes.subarray(lineStart, offset))].length + 1;
  return { ...(file === undefined ? {} : { file }), line, column, length: 1, lineText: lenient.decode(lineBytes).replace(/\r$/, '') };
}
