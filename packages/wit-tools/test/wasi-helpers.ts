/** Locates the WASI WIT bundled in jco and assembles it into resolvable inputs for tests and benchmarks. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WitFile } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const JCO_WIT = join(here, '..', 'node_modules', '@bytecodealliance', 'jco', 'lib', 'wit', 'builtin');

export interface WasiPackageFiles {
  /** folder name, e.g. `wasi-http` */
  name: string;
  files: WitFile[];
}

/** Every package folder of one WASI version (`0.2.12`, `0.3.0`, …) as in-memory files. */
export function wasiPackages(version: string): WasiPackageFiles[] {
  const root = join(JCO_WIT, version);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      name: d.name,
      files: readdirSync(join(root, d.name))
        .filter((f) => f.endsWith('.wit'))
        .map((f) => ({ path: join(root, d.name, f), text: readFileSync(join(root, d.name, f), 'utf8') })),
    }));
}

/** One WIT text: the `main` package, then every other package as a nested `package … { }` block. */
export function singleSource(main: WasiPackageFiles, deps: WasiPackageFiles[]): string {
  const nest = (text: string) => {
    const m = /^package ([^;{\s]+);/m.exec(text);
    if (!m) throw new Error('no package header');
    return `${text.slice(0, m.index)}package ${m[1]} {\n${text.slice(m.index + m[0].length)}\n}\n`;
  };
  return [main.files.map((f) => f.text).join('\n'), ...deps.flatMap((d) => d.files.map((f) => nest(f.text)))].join('\n');
}
