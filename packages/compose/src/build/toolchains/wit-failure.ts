import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BuildError } from '../errors.js';
import type { ComponentSpec } from '../project.js';

/** World names declared by the root package of a WIT directory or file (deps/ excluded). */
export async function declaredWorlds(wit: string): Promise<string[]> {
  const info = await stat(wit).catch(() => undefined);
  if (!info) return [];
  const files = info.isDirectory()
    ? (await readdir(wit)).filter((f) => f.endsWith('.wit')).map((f) => path.join(wit, f))
    : [wit];
  const worlds: string[] = [];
  for (const file of files) {
    const text = (await readFile(file, 'utf8')).replace(/\/\/[^\n]*/g, '');
    for (const m of text.matchAll(/(?:^|[\s;{}])world\s+%?([a-z][a-z0-9-]*)\s*\{/g)) worlds.push(m[1]!);
  }
  return worlds.sort();
}

/** Turns the WIT errors that jco/componentize-js report as text into typed build errors. */
export async function classifyWitFailure(message: string, spec: ComponentSpec, root: string): Promise<BuildError | undefined> {
  const witRel = spec.wit ? path.relative(root, spec.wit) || spec.wit : '(no wit)';
  const missingWorld = /[Ww]orld `([^`]+)` not found|no world named `([^`]+)`/.exec(message);
  if (missingWorld) {
    const name = missingWorld[1] ?? missingWorld[2];
    const worlds = spec.wit ? await declaredWorlds(spec.wit) : [];
    return new BuildError('wit-world-missing', `world "${name}" not found in ${witRel}; worlds there: ${worlds.length ? worlds.join(', ') : '(none)'}`, {
      component: spec.name,
      hint: worlds.length ? `set world: to one of ${worlds.join(', ')}` : undefined,
    });
  }
  if (/multiple worlds|must be specified|no worlds? (?:were |was )?found|no world/i.test(message) && !spec.world) {
    const worlds = spec.wit ? await declaredWorlds(spec.wit) : [];
    return new BuildError('wit-world-missing', `choose a world in ${witRel}: ${worlds.join(', ') || '(none declared)'}`, {
      component: spec.name,
      hint: 'add `world:` to the component in weld.yaml',
    });
  }
  if (/\.wit:\d+:\d+|failed to (?:parse|resolve) (?:package|WIT)|package '[^']+' not found|no package named|unknown package/i.test(message)) {
    return new BuildError('wit-invalid', `WIT in ${witRel} does not resolve`, {
      component: spec.name,
      detail: message.trim().split(root + path.sep).join(''),
    });
  }
  return undefined;
}
