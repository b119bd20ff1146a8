import type { Command } from 'commander';
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import {
  checkDistinctNames, ComposeError, composeProject, composeWacFile, inputLabel, loadProject, parseDepFlags, planDocument, planDot, planGraph, planMermaid,
  planPlugComponents, planProject, planText, plugComponents, type ComposedComponent, type CompositionPlan,
} from '@weld/compose';
import { createSha256 } from '@weld/core';
import { readFileDigest, rememberWrittenFile, writeFileAtomic } from '@weld/core/node';
import { emit, globals } from '../context.js';
import { WELD_VERSION } from '../version.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCompose(program: Command): void {
  program
    .command('compose')
    .description('compose components into one: plug mode (like `wac plug`), a `.wac` file, or the compose: section of weld.yaml')
    .argument('[input]', 'the socket component (.wasm or a reference) with --plug; a .wac file; or a project folder / weld.yaml', '.')
    .option('--plug <component>', 'a component whose exports satisfy imports of the socket or of other plugs (repeatable, any order)', collect)
    .option('--dep <ns:name=file>', 'for a .wac file: where package ns:name comes from (a .wasm/.wat file or a registry reference; repeatable)', collect)
    .option('--out <file>', 'where to write the composed component (written atomically); -o FILE works too, except -o json and -o text (the output format)')
    .option('--strict', 'treat warnings (semver-compatible matches, unified import versions) as errors')
    .option('--plan', 'print what feeds what, what stays an import and what is exported, without encoding')
    .option('--graph <format>', 'print the composition graph as mermaid or dot, without encoding')
    .option('--policy <file>', 'trust policy for inputs given by reference; denial exits 3')
    .addHelpText(
      'after',
      '\nPlug mode: every import of the socket or of a plug that some plug exports (same name, or a semver-compatible\n' +
        'newer version: @1.0.0 is satisfied by @1.0.2, never by @2.0.0; 0.x by minor) is fed by that plug; plugs may\n' +
        'feed plugs, in any order. Each connection is type checked before anything is encoded. Leftover imports become\n' +
        'imports of the result, one per interface (compatible versions unified to the newest).\n' +
        '\n.wac files use wac\'s language; packages come from --dep, then deps/ns/name.wasm beside the file:\n' +
        '  weld compose app.wac -o app.wasm --dep demo:calc=build/calc.wasm\n' +
        '\nWithout --plug, a project folder runs the compose: entries of weld.yaml on the outputs of weld build.\n' +
        'The result records its inputs (names and sha256 digests) in a `weld-provenance` custom section.',
    )
    .action(async (input: string, opts: ComposeOptions, cmd: Command) => {
      const g = globals(cmd);
      if (opts.graph !== undefined && opts.graph !== 'mermaid' && opts.graph !== 'dot') {
        throw new ComposeError('input-invalid', `--graph ${opts.graph}: expected mermaid or dot`);
      }
      const planOnly = Boolean(opts.plan || opts.graph);
      const loadReference = (source: string) => readInput(source, opts.policy);
      if (input.endsWith('.wac')) {
        const deps = parseDepFlags(opts.dep ?? []);
        if (planOnly) {
          const c = await composeWacFile(input, { deps, loadReference, weldVersion: WELD_VERSION, plan: true });
          return showPlan(g, opts, planGraph(c.graph));
        }
        if (!opts.out) throw new ComposeError('input-invalid', 'where should the composition go? give -o <file>');
        const composed = await composeWacFile(input, { deps, loadReference, weldVersion: WELD_VERSION, strict: opts.strict });
        const digest = await write(opts.out, composed.chunks);
        const out = opts.out;
        emit(g, { output: out, digest, size: composed.size, imports: composed.imports, exports: composed.exports, warnings: composed.warnings, provenance: composed.provenance }, () => [
          ...graphSummary(out, composed.size, digest, composed.plan, composed.imports),
        ]);
        return;
      }
      if (!opts.plug) {
        if (opts.out) throw new ComposeError('no-plugs', '--out needs at least one --plug (or a .wac file)', { hint: 'weld compose app.wasm --plug calc.wasm --out app-composed.wasm' });
        const isProject = existsSync(input) && (statSync(input).isDirectory() || /\.ya?ml$/.test(input));
        if (!isProject) throw new ComposeError('no-plugs', `nothing to plug into ${input}: give --plug <component> (and --out <file>), or a .wac file`);
        if (planOnly) {
          const plans = await planProject(await loadProject(input));
          if (opts.graph) return void process.stdout.write(plans.map((p) => (opts.graph === 'dot' ? planDot(p.plan) : planMermaid(p.plan))).join('\n'));
          return emit(g, plans.map((p) => ({ name: p.name, ...planDocument(p.plan) })), () => plans.flatMap((p) => [`${p.name}:`, ...planText(p.plan).map((l) => `  ${l}`)]));
        }
        const results = await composeProject(await loadProject(input), { weldVersion: WELD_VERSION, strict: opts.strict });
        const digests = results.map((r) => digestOf(r.chunks));
        await Promise.all(results.map((r, i) => rememberWrittenFile(r.output, { digest: digests[i]!, size: r.size })));
        emit(
          g,
          results.map((r, i) => ({ name: r.name, output: r.output, digest: digests[i], size: r.size, plugs: r.plugs, imports: r.imports, exports: r.exports, warnings: r.warnings })),
          () => results.flatMap((r, i) => summary(path.relative(process.cwd(), r.output), r, digests[i])),
        );
        return;
      }
      if (!opts.out && !planOnly) throw new ComposeError('input-invalid', 'where should the composition go? give --out <file>');
      const load = async (source: string) => ({ name: inputLabel(source), source: path.basename(source), ...(await readInputWithDigest(source, opts.policy)) });
      checkDistinctNames([input, ...opts.plug].map((s) => ({ name: inputLabel(s), source: s })));
      const socket = await load(input);
      const plugs = [];
      for (const p of opts.plug) plugs.push(await load(p));
      if (planOnly) return showPlan(g, opts, planPlugComponents(socket, plugs));
      const composed = await plugComponents(socket, plugs, { weldVersion: WELD_VERSION, strict: opts.strict });
      const digest = await write(opts.out!, composed.chunks);
      const out = opts.out!;
      emit(
        g,
        { output: out, digest, size: composed.size, plugs: composed.plugs, imports: composed.imports, exports: composed.exports, warnings: composed.warnings, provenance: composed.provenance },
        () => summary(out, composed, digest),
      );
    });
}

interface ComposeOptions {
  plug?: string[];
  dep?: string[];
  out?: string;
  strict?: boolean;
  plan?: boolean;
  graph?: string;
  policy?: string;
}

/**
 * A local file is read as is; anything else is a registry reference, pulled under the trust policy. The registry and
 * runner packages are loaded only then: they are most of what a `weld compose` process would otherwise spend.
 */
async function readInput(source: string, policyFile: string | undefined): Promise<Uint8Array> {
  return (await readInputWithDigest(source, policyFile)).bytes;
}

/** A local file comes with its digest, hashed as it is read (provenance needs it; a second pass would cost more). */
async function readInputWithDigest(source: string, policyFile: string | undefined): Promise<{ bytes: Uint8Array; digest?: string }> {
  if (existsSync(source) && statSync(source).isFile()) return readFileDigest(source);
  const [{ resolvePolicy }, { loadRunnable }] = await Promise.all([import('@weld/registry'), import('@weld/runner')]);
  return { bytes: (await loadRunnable(source, { policy: await resolvePolicy({ policyFile }) })).bytes };
}

/**
 * The result is written as its chunks: the inputs' bytes in it are never copied into one buffer. Its digest is
 * remembered, so `weld push` of it need not read it again.
 */
async function write(out: string, chunks: readonly Uint8Array[]): Promise<string> {
  await writeFileAtomic(out, chunks, { mkdir: true });
  const digest = digestOf(chunks);
  await rememberWrittenFile(out, { digest, size: chunks.reduce((n, c) => n + c.byteLength, 0) });
  return digest;
}

function digestOf(chunks: readonly Uint8Array[]): string {
  const h = createSha256();
  for (const c of chunks) h.update(c);
  return `sha256:${h.hex()}`;
}

function showPlan(g: ReturnType<typeof globals>, opts: ComposeOptions, plan: CompositionPlan): void {
  if (opts.graph) {
    process.stdout.write(opts.graph === 'dot' ? planDot(plan) : planMermaid(plan));
    return;
  }
  emit(g, planDocument(plan), () => planText(plan));
}

function graphSummary(output: string, size: number, digest: string, plan: CompositionPlan, imports: string[]): string[] {
  return [
    `${output} (${(size / 1048576).toFixed(1)} MiB, ${digest})`,
    ...plan.instances.flatMap((i) => i.imports.filter((x) => x.from.kind === 'argument').map((x) => `  ${i.label}: ${x.name} ← ${x.from.kind === 'argument' ? x.from.instance : ''}`)),
    `  exports: ${plan.exports.map((e) => e.name).join(', ') || '(none)'}`,
    `  imports: ${imports.length} left for the host${imports.length > 0 ? ` (${imports.slice(0, 4).join(', ')}${imports.length > 4 ? ', …' : ''})` : ''}`,
    ...plan.warnings.map((w) => `  warning: ${w}`),
  ];
}

function summary(output: string, c: ComposedComponent, digest = digestOf(c.chunks)): string[] {
  return [
    `${output} (${(c.size / 1048576).toFixed(1)} MiB, ${digest})`,
    ...c.plugs.map((p) => `  plugged ${p.plug} into ${p.satisfies.join(', ')}`),
    `  exports: ${c.exports.join(', ') || '(none)'}`,
    `  imports: ${c.imports.length} left for the host${c.imports.length > 0 ? ` (${c.imports.slice(0, 4).join(', ')}${c.imports.length > 4 ? ', …' : ''})` : ''}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
}
