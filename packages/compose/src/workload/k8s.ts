import { stringify } from 'yaml';
import { WorkloadError } from './errors.js';
import { WORKLOAD_API_VERSION, type WorkloadManifest } from './manifest.js';

export interface K8sOptions {
  replicas?: number;
  namespace?: string;
  /** Each component's image (and `service`'s) as a registry reference pinned to a digest. */
  images: ReadonlyMap<string, string>;
}

const PINNED = /^[a-z0-9.-]+(:\d+)?\/[^@\s]+@sha256:[0-9a-f]{64}$/;

/**
 * The WorkloadDeployment (`runtime.wasmcloud.dev/v1alpha1`) a wasmCloud cluster runs for this workload: the same
 * WorkloadSpec under `spec.template.spec`, beside `replicas`, with every image a digest-pinned registry reference.
 * Fields weld does not interpret are carried over as written.
 */
export function workloadDeployment(manifest: WorkloadManifest, options: K8sOptions): string {
  const spec = structuredClone(manifest.rawSpec) as { components?: Array<Record<string, unknown>>; service?: Record<string, unknown> };
  const pin = (name: string, entry: Record<string, unknown>) => {
    const image = options.images.get(name);
    if (image === undefined) throw new WorkloadError('not-found', `no image reference for ${name}`);
    if (!PINNED.test(image)) throw new WorkloadError('manifest-invalid', `${name}: ${image} is not a registry reference pinned to a digest (host/repo[:tag]@sha256:…)`);
    entry.image = image;
  };
  for (const c of spec.components ?? []) pin(String(c.name), c);
  if (spec.service) pin('service', spec.service);
  const replicas = options.replicas ?? manifest.replicas ?? 1;
  const metadata: Record<string, unknown> = { name: manifest.name };
  const namespace = options.namespace ?? manifest.namespace;
  if (namespace) metadata.namespace = namespace;
  if (manifest.metadata.labels) metadata.labels = manifest.metadata.labels;
  if (manifest.metadata.annotations) metadata.annotations = manifest.metadata.annotations;
  const doc = {
    apiVersion: WORKLOAD_API_VERSION,
    kind: 'WorkloadDeployment',
    metadata,
    spec: { replicas, template: { spec } },
  };
  return stringify(doc, { lineWidth: 0 });
}
