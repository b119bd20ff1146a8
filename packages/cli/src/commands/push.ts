import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { checkPublish, fileDigest, formatReference, isDigest, openTarget, pushComponent, rememberedFileDigest, type FileDigest } from '@weld/registry/transfer';
import { isVersion } from '@weld/core';
import { emit, globals } from '../context.js';
import { collect, openOptions, parseAnnotations, progressFor, withRegistryFlags } from './registry-common.js';

export function registerPush(program: Command): void {
  withRegistryFlags(
    program
      .command('push')
      .description('publish a component as an OCI artifact (wkg/wash compatible); prints its digest')
      .argument('<file>', 'the .wasm component (or core module)')
      .argument('<ref>', 'host[:port]/repo[:tag], oci:PATH[:tag], oci-archive:FILE[:tag], or repo:tag (embedded store)')
      .option('--annotation <key=value>', 'manifest annotation (repeatable)', collect, [])
      .option('--title <name>', 'layer title (default: the file name)')
      .option('--check-breaking', 'refuse (exit 1) a version tag that does not make the bump its changes need over the version it follows (the newest published version below it)')
      .option('--force', 'move an existing version tag to other content (published versions are otherwise immutable)'),
  ).action(async (file: string, ref: string, opts: { annotation: string[]; title?: string; plainHttp?: boolean; timeout?: string; checkBreaking?: boolean; force?: boolean }, cmd: Command) => {
    const g = globals(cmd);
    const annotations = parseAnnotations(opts.annotation);
    const opened = await openTarget(ref, openOptions(opts));
    const progress = progressFor(g);
    try {
      const tag = opened.reference.tag ?? (opened.reference.digest ? undefined : 'latest');
      let known: FileDigest | undefined; // hashed once: the gate's digest is the one pushed
      if (opts.checkBreaking || (tag !== undefined && isVersion(tag) && !opts.force)) {
        // A digest remembered from writing the file (weld build, compose, pull) is hashed only if the version tag
        // exists (then the gate compares contents, which needs the file read); any other file is hashed while the
        // gate looks the version up.
        const remembered = await rememberedFileDigest(file);
        let hashing: Promise<FileDigest> | undefined;
        const hashed = () => (hashing ??= fileDigest(file));
        if (remembered?.source !== 'written') hashed().catch(() => undefined); // awaited below
        const digest = () => hashed().then((d) => d.digest);
        const gate = await checkPublish(opened.target, { digest, read: () => readFile(file) }, tag, { checkBreaking: opts.checkBreaking, force: opts.force });
        known = hashing ? await hashing : remembered;
        if (gate.report && !g.quiet && g.output === 'text') process.stderr.write(`checked against ${gate.against}: ${gate.report.verdict}\n`);
      }
      const manifestDigest = opened.reference.digest && isDigest(opened.reference.digest) ? opened.reference.digest : undefined;
      const result = await pushComponent(opened.target, { path: file, digest: known }, { tag, annotations, title: opts.title, onEvent: progress.onEvent, manifestDigest });
      progress.stop();
      const where = formatReference({ ...opened.reference, tag, digest: undefined });
      emit(
        g,
        {
          reference: where,
          digest: result.manifest.digest,
          size: result.manifest.size,
          mediaType: result.manifest.mediaType,
          tag: result.tag,
          layer: result.layer,
          config: result.config,
          uploaded: result.uploaded.map((d) => d.digest),
          skipped: result.skipped.map((d) => d.digest),
        },
        () => [result.manifest.digest],
      );
      if (!g.quiet && g.output === 'text') {
        process.stderr.write(`pushed ${where}@${result.manifest.digest} (${result.uploaded.length} uploaded, ${result.skipped.length} already present)\n`);
      }
    } finally {
      progress.stop();
      await opened.close();
    }
  });
}
