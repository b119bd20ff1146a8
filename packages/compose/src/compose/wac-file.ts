import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkTargets, encodeWitPackage, worldOfComponent, type RComponent, type TargetMismatch } from '@weld/binary';
import { resolvePath } from '@weld/wit-tools/node';
import { fileProblem } from '@weld/core';
import { displayPath, readFileDigest } from '@weld/core/node';
import { encodeGraph, type EncodedComposition } from '../graph/encode.js';
import { GraphError, type Site } from '../graph/errors.js';
import type { PackageInput } from '../graph/graph.js';
import { evaluateWac, type WacComposition } from '../wac/evaluate.js';
import { graphProvenance } from './graph-provenance.js';
import type { Provenance } from './provenance.js';

export interface WacFileOptions {
  /** `--dep ns:name=FILE|REFERENCE`: where a package comes from, before the deps folder is searched */
  deps?: Record<string, string>;
  /** loads a dependency given as a registry reference (the CLI passes its policy-checked loader) */
  loadReference?: (reference: string) => Promise<Uint8Array>;
  weldVersion: string;
  strict?: boolean;
}

export interface ComposedGraph extends EncodedComposition {
  provenance: Provenance;
  composition: WacComposition;
  warnings: string[];
}

/**
 * Reads a `.wac` file and finds its packages as wac does: `--dep ns:name=…` first, then `deps/ns/name.wasm` (or
 * `.wat`) beside the file, `deps/ns/name@version.wasm` for a versioned `new`, and for WIT packages (what `import`
 * paths and `use` name) also `deps/ns/name.wit` or a WIT folder `deps/ns/name/`; a dep that is not a file is a
 * registry reference. `plan` stops before encoding.
 */
export async function composeWacFile(file: string, options: WacFileOptions & { plan?: false }): Promise<ComposedGraph>;
export async function composeWacFile(file: string, options: WacFileOptions & { plan: true }): Promise<WacComposition>;
export async function composeWacFile(file: string, options: WacFileOptions & { plan?: boolean }): Promise<ComposedGraph | WacComposition> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    const problem = fileProblem(file, e);
    throw new GraphError(problem.code, problem.message, { cause: e });
  });
  const shown = displayPath(file);
  const composition = await evaluateWac(text, shown, wacPackageResolver(path.dirname(path.resolve(file)), options));
  if (options.plan) return composition;
  return encodeComposition(composition, options);
}

export function encodeComposition(composition: WacComposition, options: { weldVersion: string; strict?: boolean }): ComposedGraph {
  const provenance = graphProvenance(composition.graph, options.weldVersion);
  const encoded = encodeGraph(composition.graph, { provenance, strict: options.strict });
  if (composition.targets) checkTarget(encoded.type, composition.targets);
  // assigned, not spread: spreading would join the result's chunks (see `EncodedComposition.bytes`)
  return Object.assign(encoded, { provenance, composition, warnings: encoded.plan.warnings });
}

/**
 * `package … targets ns:pkg/world`: the result may import only what the world imports and must export all it exports
 * (the types it defines and exports, which a world cannot have, are not compared).
 */
function checkTarget(type: RComponent, target: NonNullable<WacComposition['targets']>): void {
  const exports = new Map([...type.exports].filter(([, e]) => e.sort !== 'type'));
  const x = worldOfComponent({ ...type, exports });
  const report = checkTargets({ resolve: x.resolve, world: x.world }, { resolve: target.resolve, world: target.world });
  if (report.conforms) return;
  const lines = report.mismatches.map(describeMismatch);
  throw new GraphError('targets-mismatch', `the composition does not target ${target.name}: ${lines[0]}`, {
    site: target.site,
    detail: lines.length > 1 ? lines.slice(1).join('\n') : undefined,
  });
}

function describeMismatch(m: TargetMismatch): string {
  switch (m.kind) {
    case 'extra-import': return `it imports ${m.item}, which the world does not import`;
    case 'missing-export': return `it does not export ${m.item}, which the world exports`;
    case 'type-mismatch': return `${m.direction} ${m.detail ?? m.item}`;
  }
}

export function wacPackageResolver(dir: string, options: Pick<WacFileOptions, 'deps' | 'loadReference'>) {
  return async (name: string, version: string | undefined, site: Site): Promise<PackageInput> => {
    const key = version ? `${name}@${version}` : name;
    const given = options.deps?.[key] ?? options.deps?.[name];
    if (given !== undefined) {
      if (existsSync(given)) return { name: key, ...(await readComponent(given)), source: given };
      if (!options.loadReference) throw new GraphError('package-not-found', `--dep ${name}=${given}: no such file`, { site });
      return { name: key, bytes: await options.loadReference(given), source: given };
    }
    const [ns, ...rest] = name.split(':');
    const base = path.join(dir, 'deps', ns!, rest.join('/'));
    const candidates = [...(version ? [`${base}@${version}.wasm`, `${base}@${version}.wat`] : []), `${base}.wasm`, `${base}.wat`, `${base}.wit`, `${base}/`];
    const found = candidates.find((c) => (c.endsWith('/') ? isDirectory(c) : existsSync(c)));
    if (!found) {
      throw new GraphError('package-not-found', `package ${key} not found: looked for ${candidates.map((c) => path.relative(process.cwd(), c)).join(', ')}`, {
        site,
        hint: `give it with --dep ${name}=FILE (or a registry reference)`,
      });
    }
    return { name: key, ...(await readComponent(found)), source: path.relative(process.cwd(), found) || found };
  };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function readComponent(file: string): Promise<{ bytes: Uint8Array; digest?: string }> {
  // a WIT package in text (a file, or a folder with its deps/) is handed on as a binary WIT package
  if (file.endsWith('.wit') || file.endsWith('/')) {
    const r = resolvePath(file.replace(/\/$/, ''));
    return { bytes: encodeWitPackage(r.resolve, r.package) };
  }
  // jco (wasm-tools in wasm) is loaded only for a .wat dependency: it costs a CLI run a third of a second
  if (file.endsWith('.wat')) return { bytes: await (await import('@bytecodealliance/jco')).parse(await readFile(file, 'utf8')) };
  return readFileDigest(file);
}
