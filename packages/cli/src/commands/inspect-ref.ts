import { inspectReference, missingFileOrReference, type ReferenceInspection } from '@weld/registry';
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
  // not an existing file: a path-looking argument is refused as a missing file when the target is opened, and one that
  // could be a relative path (dir/app) and names no repository either is the missing file
  const r = await inspectReference(ref, openOptions(opts)).catch((e: unknown) => Promise.reject(missingFileOrReference(ref, e)));
  emit(g, r, () => text(r));
}
