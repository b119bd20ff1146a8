import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseJs } from 'acorn';
import { BuildError } from '../errors.js';
import type { JsComponent } from '../project.js';
import { spanAtLine } from '@weld/core';
import { runWorker } from '../worker.js';
import type { Toolchain } from './types.js';
import { classifyWitFailure } from './wit-failure.js';

/** componentize-js only says "failed to parse JS source"; acorn gives the position. */
export async function checkJsSyntax(file: string, root: string, component: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  try {
    parseJs(text, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    if (!loc) throw e;
    const rel = path.relative(root, file) || file;
    const message = (e as Error).message.replace(/\s*\(\d+:\d+\)$/, '');
    throw new BuildError('js-syntax', `${rel}:${loc.line}:${loc.column + 1}: ${message}`, {
      component,
      span: spanAtLine(rel, text, loc.line, loc.column + 1),
      cause: e,
    });
  }
}

export const buildJs: Toolchain<JsComponent> = async (spec, ctx) => {
  const source = spec.sources[0]!;
  await checkJsSyntax(source, ctx.root, spec.name);
  const failure = await runWorker({
    op: 'componentize',
    source,
    wit: spec.wit,
    world: spec.world,
    disableFeatures: spec.disableFeatures,
    out: ctx.out,
  });
  if (failure) {
    throw (await classifyWitFailure(failure.message, spec, ctx.root)) ??
      new BuildError('componentize-failed', `componentize-js failed: ${failure.message.trim()}`, {
        component: spec.name,
        detail: failure.stderr.trim() || undefined,
      });
  }
};
