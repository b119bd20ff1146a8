const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A file's bytes as text, or why they are not text: a NUL byte (no text format weld reads allows one) or bytes that
 * are not UTF-8. For readers of YAML files (weld.yaml, a policy), so a binary given by mistake is named as such
 * instead of being quoted in a syntax error's snippet.
 */
export function decodeTextFile(bytes: Uint8Array): { text: string } | { notText: string } {
  if (bytes.includes(0)) return { notText: 'it contains NUL bytes' };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { notText: 'it is not UTF-8' };
  }
}
