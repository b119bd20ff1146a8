import type { CompositionPlan } from '../graph/plan.js';
import { ComposeError } from './errors.js';

/**
 * What the `weld compose` command gets from its flags, made into composition inputs: `--dep ns:name[@version]=FILE`
 * pairs, the names inputs are known by, and the plan as one JSON document. The command only parses and prints.
 */

/** `--dep ns:name[@version]=FILE|REFERENCE` flags → where each `.wac` package comes from. Throws `input-invalid`. */
export function parseDepFlags(list: readonly string[]): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const d of list) {
    const m = /^([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)+(?:@[0-9A-Za-z.+-]+)?)=(.+)$/.exec(d);
    if (!m) throw new ComposeError('input-invalid', `--dep ${d}: expected ns:name=FILE (e.g. demo:calc=build/calc.wasm)`);
    if (deps[m[1]!] !== undefined) throw new ComposeError('input-invalid', `--dep ${m[1]} is given twice (${deps[m[1]!]} and ${m[2]})`);
    deps[m[1]!] = m[2]!;
  }
  return deps;
}

/** The name an input is known by in messages, plans and provenance: `calc.wasm` → `calc`; `ghcr.io/acme/calc:1.0` → `calc`. */
export function inputLabel(source: string): string {
  const base = source.replace(/@sha256:[0-9a-f]+$/, '').split('/').at(-1)!;
  return base.replace(/\.wasm$/, '').replace(/:[^:]+$/, '');
}

/** Plug mode names its inputs by `inputLabel`: two of one name would be indistinguishable. Throws `input-invalid`. */
export function checkDistinctNames(inputs: readonly { name: string; source?: string }[]): void {
  const seen = new Map<string, string | undefined>();
  for (const i of inputs) {
    if (seen.has(i.name)) {
      const from = [seen.get(i.name), i.source].filter(Boolean).join(' and ');
      throw new ComposeError('input-invalid', `two inputs are both called "${i.name}"${from ? ` (${from})` : ''}; rename one of the files`);
    }
    seen.set(i.name, i.source);
  }
}

/** The plan as `weld compose --plan -o json` prints it: node ids and declarations left out. */
export function planDocument(plan: CompositionPlan) {
  const { instances, imports, exports, warnings } = plan;
  return {
    instances: instances.map(({ node: _, ...i }) => i),
    imports: imports.map((i) => ({ name: i.name, ...(i.explicit ? { explicit: true } : {}), for: i.for })),
    exports,
    warnings,
  };
}
