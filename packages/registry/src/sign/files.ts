import { readFile } from 'node:fs/promises';
import { decodeTextFile } from '@weld/core';
import { displayPath } from '@weld/core/node';
import { SignError } from './errors.js';

/**
 * Reads a key/policy file; a missing file is a typed `key-not-found` (or the given code). A policy file that is not
 * text (a component named by mistake) is `policy-invalid` saying so, not a YAML error quoting binary; a key file that
 * is not text fails as a key that does not parse.
 */
export async function readTextFile(path: string, what: string, code: 'key-not-found' | 'policy-invalid' = 'key-not-found'): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new SignError(code, `cannot read ${what} ${path}: ${errno === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
      cause: e,
      hint: code === 'key-not-found' ? 'create a key pair with `weld keygen` (or `cosign generate-key-pair`)' : undefined,
    });
  }
  const read = decodeTextFile(bytes, displayPath(path));
  if ('notText' in read && code === 'policy-invalid') {
    throw new SignError(code, `${what} ${displayPath(path)} is not a text file: ${read.notText}`, {
      span: read.span,
      hint: 'a policy is YAML text: a weld.yaml with `policy:`, or a file holding just `trust:` and `unmatched:`',
    });
  }
  return 'text' in read ? read.text : bytes.toString('utf8');
}
