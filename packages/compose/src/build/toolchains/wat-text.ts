import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BuildError } from '../errors.js';
import { spanAtLine } from '@weld/core';

/** jco's parser reports wast errors as Rust Debug text; pull out the 0-based line/col and the message. */
function watFailure(raw: string): { line: number; col: number; message: string } | undefined {
  const pos = /line: (\d+), col: (\d+)/.exec(raw);
  if (!pos) return undefined;
  const custom = /kind: Custom\("((?:[^"\\]|\\.)*)"\)/.exec(raw);
  const kind = /kind: (\w+)/g;
  let message = custom?.[1];
  if (!message) {
    const kinds = [...raw.matchAll(kind)].map((m) => m[1]).filter((k) => k !== 'Wast');
    message = kinds.length ? kinds.join(': ') : 'syntax error';
  }
  return { line: Number(pos[1]) + 1, col: Number(pos[2]) + 1, message };
}

/**
 * The binary of a WebAssembly text file (module or component), by jco's parser. A syntax error is a `wat-parse`
 * BuildError at `file:line:col` with a caret snippet; `root` makes the reported path relative.
 */
export async function watToBinary(file: string, options: { root?: string; component?: string } = {}): Promise<Uint8Array> {
  const rel = options.root ? path.relative(options.root, file) || file : file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new BuildError('source-missing', `${rel}: ${(e as Error).message}`, { component: options.component, cause: e });
  }
  try {
    const { parse } = await import('@bytecodealliance/jco'); // ~0.5 s to load: only when WAT is read
    return await parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const at = watFailure(raw);
    throw new BuildError('wat-parse', at ? `${rel}:${at.line}:${at.col}: ${at.message}` : `${rel}: ${raw}`, {
      component: options.component,
      cause: e,
      span: at ? spanAtLine(rel, text, at.line, at.col) : undefined,
    });
  }
}
