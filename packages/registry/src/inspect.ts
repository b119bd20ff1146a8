import { readAll } from './digest.js';
import { RegistryError } from './errors.js';
import { parseManifest, type ImageIndex, type ImageManifest } from './media.js';
import { openTarget, type OpenOptions } from './open.js';
import { formatReference } from './reference.js';
import type { Descriptor } from './store/types.js';

export interface ReferenceInspection {
  reference: string;
  descriptor: Descriptor;
  manifest: ImageManifest | ImageIndex;
  /** Parsed config for JSON configs (wasm config, legacy configs). */
  config?: unknown;
  /** The component's world as recorded in a wasm config (`component.imports/exports`). */
  world?: { imports: string[]; exports: string[] };
  /** Referrers (signatures, SBOMs) of the manifest. */
  referrers: Descriptor[];
}

/** `weld inspect <ref>`: manifest, config and recorded world of a stored artifact. */
export async function inspectReference(ref: string, options: OpenOptions = {}): Promise<ReferenceInspection> {
  const opened = await openTarget(ref, options);
  try {
    const { target, selector } = opened;
    const descriptor = await target.resolve(selector);
    const manifest = parseManifest(await readAll(await target.fetch(descriptor), 4 * 1024 * 1024), target.name);
    let config: unknown;
    if ('config' in manifest && /json/.test(manifest.config.mediaType) && manifest.config.size <= 1024 * 1024) {
      const text = Buffer.from(await readAll(await target.fetch(manifest.config))).toString('utf8');
      try {
        config = JSON.parse(text);
      } catch (e) {
        throw new RegistryError('invalid-manifest', `the config of ${formatReference(opened.reference)} is not valid JSON`, { cause: e });
      }
    }
    const component = (config as { component?: { imports?: unknown; exports?: unknown } } | undefined)?.component;
    const world =
      component && Array.isArray(component.imports) && Array.isArray(component.exports)
        ? { imports: component.imports.map(String), exports: component.exports.map(String) }
        : undefined;
    const referrers = await target.referrers(descriptor).catch(() => []);
    return { reference: formatReference(opened.reference), descriptor, manifest, config, world, referrers };
  } finally {
    await opened.close();
  }
}
