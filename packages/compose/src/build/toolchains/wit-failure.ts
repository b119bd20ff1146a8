import path from 'node:path';
import { BuildError } from '../errors.js';
import type { ComponentSpec } from '../project.js';

/** Turns the WIT errors that jco/componentize-js report as text into typed build errors. */
export async function classifyWitFailure(message: string, spec: ComponentSpec, root: string): Promise<BuildError | undefined> {
  const witRel = spec.wit ? path.relative(root, spec.wit) || spec.wit : '(no wit)';
  const missingWorld = /[Ww]orld `([^`]+)` not found|no world named `([^`]+)`/.exec(message);
  if (missingWorld) {
    return new BuildError('wit-world-missing', `world "${missingWorld[1] ?? missingWorld[2]}" not found in ${witRel}`, { component: spec.name });
  }
  if (/\.wit:\d+:\d+|failed to (?:parse|resolve) (?:package|WIT)|package '[^']+' not found|no package named|unknown package/i.test(message)) {
    return new BuildError('wit-invalid', `WIT in ${witRel} does not resolve`, {
      component: spec.name,
      detail: message.trim().split(root + path.sep).join(''),
    });
  }
  return undefined;
}
