import { randomBytes } from 'node:crypto';
import { describe as describeContent } from '../../src/digest.js';
import { MediaType, encodeJson } from '../../src/media.js';
import type { Descriptor, Target } from '../../src/store/types.js';


export interface BuiltArtifact {
  manifest: Descriptor;
  manifestBytes: Uint8Array;
  config: Descriptor;
  configBytes: Uint8Array;
  layer: Descriptor;
  layerBytes: Uint8Array;
}

/** A small image manifest with one random layer, for store tests. */
export function buildArtifact(layerSize = 1024, subject?: Descriptor, artifactType?: string): BuiltArtifact {
  const layerBytes = randomBytes(layerSize);
  const layer = describeContent(MediaType.wasmLayer, layerBytes);
  const configBytes = encodeJson({ architecture: 'wasm', os: 'wasip2', layerDigests: [layer.digest] });
  const config = describeContent(MediaType.wasmConfig, configBytes);
  const manifestDoc: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaType.ociManifest };
  if (artifactType) manifestDoc.artifactType = artifactType;
  Object.assign(manifestDoc, { config, layers: [layer] });
  if (subject) manifestDoc.subject = subject;
  const manifestBytes = encodeJson(manifestDoc);
  const manifest = describeContent(MediaType.ociManifest, manifestBytes);
  return { manifest, manifestBytes, config, configBytes, layer, layerBytes };
}

export async function pushArtifact(target: Target, a: BuiltArtifact, tag?: string): Promise<void> {
  await target.push(a.layer, a.layerBytes);
  await target.push(a.config, a.configBytes);
  await target.push(a.manifest, a.manifestBytes);
  if (tag) await target.tag(a.manifest, tag);
}
