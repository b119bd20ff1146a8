import { fromBase64, toBase64 } from './bytes.js';
import { SignError } from './errors.js';

export interface PemBlock {
  type: string;
  bytes: Uint8Array;
}

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** First PEM block of `text` (like Go's `pem.Decode`, headers are skipped). */
export function decodePem(text: string, where: string): PemBlock {
  const begin = BEGIN_RE.exec(text);
  if (!begin) {
    throw new SignError('key-invalid', `${where} is not PEM: no "-----BEGIN …-----" line`, {
      hint: 'keys are PEM files such as cosign.key / cosign.pub',
    });
  }
  const type = begin[1];
  const endMarker = `-----END ${type}-----`;
  const start = begin.index + begin[0].length;
  const end = text.indexOf(endMarker, start);
  if (end < 0) throw new SignError('key-invalid', `${where}: PEM block "${type}" has no "${endMarker}" line`);
  const body = text
    .slice(start, end)
    .split(/\r?\n/)
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new SignError('key-invalid', `${where}: PEM block "${type}" is not valid base64`);
  return { type, bytes: fromBase64(body) };
}

/** PEM text with 64-character lines, as Go's `pem.EncodeToMemory`. */
export function encodePem(type: string, bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
