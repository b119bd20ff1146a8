/** One `WWW-Authenticate` challenge: scheme plus its auth-params. */
export interface Challenge {
  scheme: 'basic' | 'bearer' | string;
  params: Record<string, string>;
}

const PARAM_RE = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*,?\s*/gy;

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted strings with escapes, or bare tokens). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const rest = m[2];
  PARAM_RE.lastIndex = 0;
  let p: RegExpExecArray | null;
  while (PARAM_RE.lastIndex < rest.length && (p = PARAM_RE.exec(rest)) !== null) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return { scheme: m[1].toLowerCase(), params };
}
