import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenOptions, Policy, PolicyDecision } from '@weld/registry';
import {
  checkLinkTypes,
  componentInterfaces,
  imageKind,
  imageSpanOf,
  parseWorkloadManifest,
  planWorkload,
  WorkloadError,
  type ComponentInterfaces,
  type LinkPlan,
  type WorkloadComponent,
  type WorkloadManifest,
} from '@weld/compose/workload';
import type { HostPlugin } from '../host-interfaces/types.js';
import { PROVIDED_INTERFACES } from '../instance.js';
import { loadRunnable } from '../source.js';
import { loadPlugins } from './plugins.js';
import { BUILTIN_PLUGINS } from '../host-interfaces/plugins.js';
import { projectFileIn } from '@weld/core/node';
import { isWeldError } from '@weld/core';

export interface LoadedComponent {
  spec: WorkloadComponent;
  bytes: Uint8Array;
  /** The file, or the reference pinned to the digest pulled. */
  origin: string;
  decision?: PolicyDecision;
  interfaces: ComponentInterfaces;
}

/** A workload read, its images pulled (under the trust policy) and its links planned. */
export interface LoadedWorkload {
  manifest: WorkloadManifest;
  /** The manifest file; relative images, volumes and plugins resolve against its folder. */
  file: string;
  components: Map<string, LoadedComponent>;
  plugins: HostPlugin[];
  plan: LinkPlan;
}

export interface LoadWorkloadOptions {
  /** The trust policy for an image that is a reference (files run as they are, as with `weld run`). */
  policyFor?: (image: string) => Promise<Policy | undefined>;
  open?: OpenOptions;
  /** Plugins the host has built in (default: config, logging, keyvalue, blobstore, messaging); the manifest's `plugins:` are added. */
  builtinPlugins?: readonly HostPlugin[];
  /** Told each component's origin (file, or reference pinned to the digest pulled) as it is loaded. */
  onComponent?: (name: string, origin: string) => void;
}

/** The manifest file `target` names: a Workload/WorkloadDeployment YAML file, or a folder or weld.yaml with `workload:`. */
export function locateWorkload(target: string): string {
  const abs = path.resolve(target);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    const found = projectFileIn(abs);
    if (found) return found;
    throw new WorkloadError('not-found', `no weld.yaml in ${abs}`, { hint: 'name the workload YAML file' });
  }
  if (!existsSync(abs)) throw new WorkloadError('no-such-file', `${target}: no such file`);
  return abs;
}

export async function readWorkloadManifest(target: string): Promise<{ manifest: WorkloadManifest; file: string }> {
  const file = locateWorkload(target);
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') ? relative : file;
  const manifest = parseWorkloadManifest(await readFile(file, 'utf8'), shown);
  return { manifest, file };
}

/** Where a component's image is: a file (relative to the manifest; in weld.yaml a project component's build output) or a reference. */
export function imageLocation(manifest: WorkloadManifest, file: string, image: string): { kind: 'file' | 'reference'; target: string } {
  const base = path.dirname(file);
  if (manifest.projectComponents?.includes(image)) return { kind: 'file', target: path.join(base, 'build', `${image}.wasm`) };
  return imageKind(image) === 'file' ? { kind: 'file', target: path.resolve(base, image.replace(/^~(?=\/)/, process.env.HOME ?? '~')) } : { kind: 'reference', target: image };
}

/** Reads the manifest, loads every image and plugin, and plans the links (problems are in `plan.problems`). */
export async function loadWorkload(target: string, options: LoadWorkloadOptions = {}): Promise<LoadedWorkload> {
  const { manifest, file } = await readWorkloadManifest(target);
  const all = [...manifest.components, ...(manifest.service ? [manifest.service] : [])];
  const components = new Map<string, LoadedComponent>();
  for (const spec of all) {
    const where = imageLocation(manifest, file, spec.image);
    if (where.kind === 'file' && !existsSync(where.target)) {
      throw new WorkloadError('not-found', `${spec.field}.image: ${where.target} does not exist`, {
        span: imageSpanOf(spec),
        hint: manifest.projectComponents?.includes(spec.image) ? `build it first: weld build ${path.dirname(file)}` : 'check the path (relative to the manifest)',
      });
    }
    const policy = where.kind === 'reference' ? await options.policyFor?.(where.target) : undefined;
    const runnable = await loadRunnable(where.target, { policy, open: options.open }).catch((e: unknown) => Promise.reject(imageError(spec, e)));
    options.onComponent?.(spec.name, runnable.origin);
    const interfaces = componentInterfaces(runnable.bytes, `${spec.field}.image ${spec.image}`, imageSpanOf(spec));
    components.set(spec.name, { spec, bytes: runnable.bytes, origin: runnable.origin, decision: runnable.decision, interfaces });
  }
  const plugins = [...(options.builtinPlugins ?? BUILTIN_PLUGINS), ...(await loadPlugins(manifest.plugins, path.dirname(file)))];
  const plan = planWorkload({
    manifest,
    interfaces: new Map([...components].map(([name, c]) => [name, c.interfaces])),
    wasi: PROVIDED_INTERFACES,
    plugins,
  });
  plan.problems.push(...checkLinkTypes(plan, (name) => components.get(name)!.bytes));
  return { manifest, file, components, plugins, plan };
}

/** Throws `link-failed` listing every problem of the plan, when there are any. */
export function assertLinked(loaded: LoadedWorkload): void {
  const { problems } = loaded.plan;
  if (problems.length === 0) return;
  throw new WorkloadError('link-failed', `${loaded.manifest.name}: ${problems.length} problem${problems.length === 1 ? '' : 's'} linking the workload`, {
    detail: problems.map((p) => `  ✗ ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`).join('\n'),
    hint: 'weld workload plan shows how every import is satisfied',
  });
}

/** A component image that did not load (a reference that names nothing, a file that is not a component), pointed at in the manifest. */
function imageError(spec: WorkloadComponent, e: unknown): unknown {
  const span = imageSpanOf(spec);
  if (!isWeldError(e) || e.span || !span || !NOTHING_THERE.has(e.code)) return e;
  return new WorkloadError('not-found', `${spec.field}.image ${spec.image}: ${e.message}`, { span, hint: e.hint, cause: e });
}

/** Codes that mean the image names nothing; a denial (exit 3) or a broken artifact keeps its own error. */
const NOTHING_THERE = new Set(['name-unknown', 'tag-unknown', 'manifest-unknown', 'no-such-file']);
