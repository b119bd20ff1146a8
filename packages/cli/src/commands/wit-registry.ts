import type { Command } from 'commander';
import { fileProblem } from '@weld/core';
import { loadProjectDocument, projectFileIn } from '@weld/core/project';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  RegistryError,
  encodeWitSource,
  fetchWitDeps,
  formatReference,
  publishWitPackage,
  readLockfile,
  type RegistryMapping,
} from '@weld/registry';
import { emit, globals } from '../context.js';
import { collect, openOptions, parseAnnotations, withRegistryFlags } from './registry-common.js';

/** The weld.yaml `registries:` mapping of the project in `dir` (none when there is no weld.yaml), plus --registry. */
async function mappingFor(dir: string, registry?: string): Promise<RegistryMapping> {
  const file = projectFileIn(dir);
  const mapping: RegistryMapping = file ? (await loadProjectDocument(file)).registries : {};
  return registry ? { ...mapping, default: registry, namespaces: {} } : mapping;
}

/** Adds `weld wit publish` and `weld wit deps` to the `wit` command group (created if absent). */
export function registerWitRegistry(program: Command): void {
  const wit = program.commands.find((c) => c.name() === 'wit') ?? program.command('wit').description('WIT packages');

  withRegistryFlags(
    wit
      .command('publish')
      .description('publish a WIT package as binary WIT under its wkg name (ns:name@ver → <registry>/<prefix>ns/name:ver)')
      .argument('[source]', 'WIT folder or file (encoded to binary WIT), or a binary WIT package (.wasm)', 'wit')
      .argument('[package]', 'package name with version (default: the WIT package\'s own name; required for .wasm)')
      .option('--registry <host>', 'registry for every namespace (default: weld.yaml registries:, else the embedded store)')
      .option('--annotation <key=value>', 'manifest annotation (repeatable)', collect, [])
      .option('--check-breaking', 'refuse (exit 1) a version that does not make the bump its changes need over the version it follows (the newest published version below it)')
      .option('--force', 'move an existing version tag to other content (published versions are otherwise immutable)'),
  ).action(async (source: string, given: string | undefined, opts: { registry?: string; annotation: string[]; plainHttp?: boolean; timeout?: string; checkBreaking?: boolean; force?: boolean }, cmd: Command) => {
    const g = globals(cmd);
    let bytes: Uint8Array;
    let name = given;
    if (source.endsWith('.wasm')) {
      bytes = await readFile(source).catch((e: unknown) => {
        const problem = fileProblem(source, e);
        throw new RegistryError(problem.code, problem.message, { cause: e });
      });
      if (!name) throw new RegistryError('invalid-package-name', 'publishing a .wasm needs the package name', { hint: `weld wit publish ${source} acme:types@1.0.0` });
    } else {
      const encoded = await encodeWitSource(source);
      bytes = encoded.bytes;
      name ??= encoded.name;
    }
    const result = await publishWitPackage(bytes, name, await mappingFor(process.cwd(), opts.registry), {
      ...openOptions(opts), annotations: parseAnnotations(opts.annotation), gate: { checkBreaking: opts.checkBreaking, force: opts.force },
    });
    const ref = formatReference({ ...result.reference, digest: undefined });
    const checked = result.gate.report ? { checkedAgainst: result.gate.against, requiredBump: result.gate.report.requiredBump, madeBump: result.gate.report.madeBump } : {};
    emit(g, { package: name, reference: ref, digest: result.manifest.digest, layer: result.layer, ...checked }, () => [
      `${name} → ${ref}@${result.manifest.digest}`,
      ...(result.gate.report ? [`checked against ${result.gate.against}: ${result.gate.report.verdict}`] : []),
    ]);
  });

  withRegistryFlags(
    wit
      .command('deps')
      .description('fetch WIT package dependencies into <wit>/deps and lock their digests')
      .argument('[packages...]', 'ns:name@version (default: the packages in the lockfile)')
      .option('--wit-dir <dir>', 'WIT folder whose deps/ receives the packages (created when missing)', 'wit')
      .option('--locked', 'fail if the lockfile lacks a package or a digest changed (CI)')
      .option('--registry <host>', 'registry for every namespace (default: weld.yaml registries:, else the embedded store)'),
  ).action(async (packages: string[], opts: { witDir: string; locked?: boolean; registry?: string; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const lockfile = join(opts.witDir, 'deps.lock.json');
    let names = packages;
    if (names.length === 0) {
      const lock = await readLockfile(lockfile);
      if (!lock) throw new RegistryError('lock-mismatch', `no packages given and no ${lockfile}`, { exit: 2, hint: 'weld wit deps wasi:http@0.2.0' });
      names = lock.packages.map((p) => p.name);
    }
    const result = await fetchWitDeps(names, { witDir: opts.witDir, lockfile, locked: opts.locked, mapping: await mappingFor(process.cwd(), opts.registry), ...openOptions(opts) });
    emit(g, result, () => [...result.fetched.map((f) => `${f.name} ${f.digest} → ${f.path}`), opts.locked ? `verified against ${result.lockfile}` : `wrote ${result.lockfile}`]);
  });
}
