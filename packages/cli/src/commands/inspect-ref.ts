import { RegistryError, inspectReference, isRegistryError, parseReference, type ReferenceInspection } from '@weld/registry';
import { emit, type GlobalOptions } from '../context.js';
import { humanBytes, openOptions } from './registry-common.js';

function text(r: ReferenceInspection): string[] {
  const m = r.manifest as {
    mediaType?: string;
    artifactType?: string;
    config?: { mediaType: string; size: number; digest: string };
    layers?: Array<{ mediaType: string; size: number; digest: string; annotations?: Record<string, string> }>;
    manifests?: Array<{ mediaType: string; digest: string; platform?: { os?: string; architecture?: string } }>;
    annotations?: Record<string, string>;
  };
  const out = [`${r.reference}@${r.descriptor.digest}`, `  manifest  ${m.mediaType ?? r.descriptor.mediaType} (${humanBytes(r.descriptor.size)})`];
  if (m.artifactType) out.push(`  artifact  ${m.artifactType}`);
  if (m.config) out.push(`  config    ${m.config.mediaType} (${humanBytes(m.config.size)}, ${m.config.digest})`);
  for (const l of m.layers ?? []) {
    const title = l.annotations?.['org.opencontainers.image.title'];
    out.push(`  layer     ${l.mediaType} ${humanBytes(l.size)} ${l.digest}${title ? `  ${title}` : ''}`);
  }
  for (const c of m.manifests ?? []) out.push(`  manifest  ${c.mediaType} ${c.digest}${c.platform ? `  ${c.platform.os ?? ''}/${c.platform.architecture ?? ''}` : ''}`);
  const annotations = Object.entries(m.annotations ?? {});
  if (annotations.length > 0) out.push('annotations:', ...annotations.map(([k, v]) => `  ${k}: ${v}`));
  if (r.world) {
    out.push(`imports (${r.world.imports.length}):`, ...r.world.imports.map((i) => `  ${i}`));
    out.push(`exports (${r.world.exports.length}):`, ...r.world.exports.map((e) => `  ${e}`));
  }
  if (r.referrers.length > 0) {
    out.push(`referrers (${r.referrers.length}):`, ...r.referrers.map((d) => `  ${d.artifactType ?? d.mediaType} ${d.digest}`));
  }
  return out;
}

/** `weld inspect <ref>`: an artifact in a registry or store — manifest, config, recorded world, referrers. */
export async function inspectRef(g: GlobalOptions, ref: string, opts: { plainHttp?: boolean; timeout?: string }): Promise<void> {
  try {
    parseReference(ref);
  } catch (e) {
    // Neither an existing file nor a reference: when it looks like a path, the file is what is missing.
    if (isRegistryError(e) && e.code === 'invalid-reference' && /^(\.{0,2}\/|~)|\.[a-z0-9]+$/i.test(ref)) {
      throw new RegistryError('file-not-found', `${ref}: no such file`, { hint: `it is not a reference either (${e.message})`, cause: e });
    }
    throw e;
  }
  const r = await inspectReference(ref, openOptions(opts));
  emit(g, r, () => text(r));
}
