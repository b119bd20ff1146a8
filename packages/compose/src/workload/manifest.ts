import { isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { SourceSpan } from '@weld/core';
import { parseProjectDocument } from '@weld/core/project';
import { type FieldLocation, YamlWalk } from './yaml-walk.js';

export const WORKLOAD_API_VERSION = 'runtime.wasmcloud.dev/v1alpha1';

/** A volume mount of `localResources.volumeMounts`. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
}

/** What a component may touch (`localResources`); the runner turns it into the same grants as its flags. */
export interface LocalResources {
  /** `environment.config`: environment variables. */
  environment: Record<string, string>;
  /** Configuration handed to the component's host interfaces (`wasi:config/store` and plugins). */
  config: Record<string, string>;
  /** Outbound HTTP and socket destinations, `host[:port]`, `scheme://host[:port]` or `*.suffix[:port]`. */
  allowedHosts: string[];
  /** `["*"]` grants DNS lookups; weld grants them all or none. */
  allowLookup: boolean;
  /** `allowedHostLoopbackPorts`: ports on the machine's own loopback the component may reach (`5432`, `53/udp`). */
  hostLoopbackPorts: HostLoopbackPort[];
  volumeMounts: VolumeMount[];
}

/** One `allowedHostLoopbackPorts` entry: `PORT` (TCP) or `PORT/tcp|udp`. */
export interface HostLoopbackPort {
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface WorkloadComponent {
  /** The component's name; the service is named `service`. */
  name: string;
  role: 'component' | 'service';
  /** A file path (relative to the manifest) or any weld reference; see `imageKind`. */
  image: string;
  localResources: LocalResources;
  /** The field path of the entry, e.g. `spec.components[0]`, and its line. */
  field: string;
  at: FieldLocation;
}

// Beside the manifest, not in it: the manifest is data (printed as JSON), a span is for errors met later.
const IMAGE_SPANS = new WeakMap<WorkloadComponent, SourceSpan>();

/** Where a component's `image` value is written, for errors about the image itself (it does not load, it is no component). */
export function imageSpanOf(component: WorkloadComponent): SourceSpan | undefined {
  return IMAGE_SPANS.get(component);
}

/** One `hostInterfaces` entry: a WIT package's interfaces the host provides, with their configuration. */
export interface HostInterfaceSpec {
  namespace: string;
  package: string;
  interfaces: string[];
  version?: string;
  /** Routes imports to one of several entries of the same package (wasmCloud's named interfaces). */
  name?: string;
  config: Record<string, string>;
  field: string;
  at: FieldLocation;
}

export interface VolumeSpec {
  name: string;
  /** A host directory (relative to the manifest); absent for an `ephemeral` volume. */
  hostPath?: string;
}

export interface WorkloadManifest {
  /** Where it came from: a standalone Workload or WorkloadDeployment, or the `workload:` of a weld.yaml. */
  source: 'Workload' | 'WorkloadDeployment' | 'weld.yaml';
  name: string;
  namespace?: string;
  /** `spec.replicas` of a WorkloadDeployment. */
  replicas?: number;
  components: WorkloadComponent[];
  service?: WorkloadComponent;
  hostInterfaces: HostInterfaceSpec[];
  volumes: VolumeSpec[];
  /** weld.yaml `plugins:`: modules (package names or paths relative to the manifest) that export host plugins. */
  plugins: string[];
  /** Fields kept for Kubernetes that `weld run` does not act on, with where they are. */
  notes: string[];
  /** The WorkloadSpec as written (for `weld workload k8s`, which keeps what weld does not interpret). */
  rawSpec: Record<string, unknown>;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** weld.yaml only: the project's component names; an image naming one means its built file, `build/<name>.wasm`. */
  projectComponents?: string[];
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const WIT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ALLOWED_HOST = /^\*$|^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?\/?$/;

const SPEC_FIELDS = ['components', 'hostInterfaces', 'volumes', 'service', 'hostSelector', 'hostId', 'environment', 'kubernetes'];
const COMPONENT_FIELDS = ['name', 'image', 'imagePullPolicy', 'imagePullSecret', 'localResources', 'poolSize', 'maxConcurrency', 'maxInvocations'];
const SERVICE_FIELDS = ['image', 'imagePullPolicy', 'imagePullSecret', 'localResources'];
const LOCAL_FIELDS = ['environment', 'config', 'allowedHosts', 'allowedIpNameLookups', 'allowedHostLoopbackPorts', 'volumeMounts'];
const HOST_INTERFACE_FIELDS = ['namespace', 'package', 'interfaces', 'version', 'name', 'config', 'configFrom', 'secretFrom'];

/**
 * Parses a workload manifest: a `runtime.wasmcloud.dev/v1alpha1` Workload or WorkloadDeployment (as the wasmCloud
 * runtime operator's CRDs define them), or a weld.yaml whose `workload:` holds a WorkloadSpec and a `name`.
 * `file` is the name errors use. Every error names the field path and its line.
 */
export function parseWorkloadManifest(text: string, file: string): WorkloadManifest {
  const walk = new YamlWalk(text, file);
  const root = walk.doc.contents as YamlNode | null;
  if (!isMap(root)) return walk.fail(root, '', 'expected a Workload, a WorkloadDeployment or a weld.yaml with `workload:`');
  const kindNode = root.get('kind', true) as YamlNode | undefined;
  if (kindNode === undefined && root.has('workload')) return fromProject(walk, root);
  if (kindNode === undefined && !root.has('apiVersion')) {
    return walk.fail(root, '', 'neither a Workload (kind:, apiVersion:) nor a weld.yaml with a `workload:` section', 'manifest-invalid', 'add `workload: {components: [...]}` to weld.yaml, or name a Workload YAML file');
  }
  const top = walk.fields(root, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const apiVersion = walk.string(top.need('apiVersion'), 'apiVersion');
  if (apiVersion !== WORKLOAD_API_VERSION) walk.fail(top.get('apiVersion'), 'apiVersion', `expected ${WORKLOAD_API_VERSION}, got ${apiVersion}`);
  const kind = walk.string(top.need('kind'), 'kind');
  if (kind !== 'Workload' && kind !== 'WorkloadDeployment') walk.fail(top.get('kind'), 'kind', `expected Workload or WorkloadDeployment, got ${kind}`);
  const meta = walk.fields(top.need('metadata'), 'metadata', ['name', 'namespace', 'labels', 'annotations', 'generateName']);
  const name = walk.string(meta.need('name'), 'metadata.name');
  if (!DNS_LABEL.test(name)) walk.fail(meta.get('name'), 'metadata.name', `"${name}" is not a DNS label (lowercase letters, digits and -)`);
  const namespace = meta.has('namespace') ? walk.string(meta.get('namespace'), 'metadata.namespace') : undefined;
  const metadata = {
    labels: meta.has('labels') ? walk.stringMap(meta.get('labels'), 'metadata.labels') : undefined,
    annotations: meta.has('annotations') ? walk.stringMap(meta.get('annotations'), 'metadata.annotations') : undefined,
  };
  if (kind === 'Workload') {
    return { source: 'Workload', name, namespace, metadata, plugins: [], ...readSpec(walk, top.need('spec'), 'spec') };
  }
  const spec = walk.fields(top.need('spec'), 'spec', ['replicas', 'template', 'deployPolicy', 'artifacts', 'kubernetes']);
  const replicas = spec.has('replicas') ? walk.integer(spec.get('replicas'), 'spec.replicas', 0, 2 ** 31 - 1) : 1;
  const template = walk.fields(spec.need('template'), 'spec.template', ['labels', 'annotations', 'spec']);
  const workload = readSpec(walk, template.need('spec'), 'spec.template.spec');
  for (const key of ['deployPolicy', 'artifacts', 'kubernetes']) if (spec.has(key)) workload.notes.push(note(walk, spec.key(key), `spec.${key}`));
  return { source: 'WorkloadDeployment', name, namespace, replicas, metadata, plugins: [], ...workload };
}

/** weld.yaml: `workload:` is a WorkloadSpec plus `name` (default: the project's name); `plugins:` beside it. */
function fromProject(walk: YamlWalk, root: YamlNode): WorkloadManifest {
  if (!isMap(root)) throw new Error('unreachable');
  // the whole file is checked as every command that loads weld.yaml checks it (section names, registries, policy)
  parseProjectDocument(walk.text, walk.file);
  const projectName = root.get('name', true) as YamlNode | undefined;
  const pluginsNode = root.get('plugins', true) as YamlNode | undefined;
  const plugins = pluginsNode === undefined ? [] : walk.strings(pluginsNode, 'plugins');
  const node = root.get('workload', true) as YamlNode;
  const componentsNode = root.get('components', true) as YamlNode | undefined;
  const projectComponents = isSeq(componentsNode)
    ? componentsNode.items.flatMap((c) => (isMap(c) && typeof c.get('name') === 'string' ? [c.get('name') as string] : []))
    : [];
  const fields = walk.fields(node, 'workload', ['name', ...SPEC_FIELDS]);
  const nameNode = fields.get('name') ?? projectName;
  const name = nameNode === undefined ? 'workload' : walk.string(nameNode, fields.has('name') ? 'workload.name' : 'name');
  if (!DNS_LABEL.test(name)) walk.fail(nameNode, fields.has('name') ? 'workload.name' : 'name', `"${name}" is not a DNS label (lowercase letters, digits and -)`);
  return { source: 'weld.yaml', name, metadata: {}, plugins, projectComponents, ...readSpec(walk, node, 'workload', ['name']) };
}

type SpecPart = Pick<WorkloadManifest, 'components' | 'service' | 'hostInterfaces' | 'volumes' | 'notes' | 'rawSpec'>;

function readSpec(walk: YamlWalk, node: YamlNode | null, at: string, extra: string[] = []): SpecPart {
  const spec = walk.fields(node, at, [...extra, ...SPEC_FIELDS]);
  const notes: string[] = [];
  for (const key of ['hostSelector', 'hostId', 'environment', 'kubernetes']) if (spec.has(key)) notes.push(note(walk, spec.key(key), spec.path(key)));
  const volumeNodes = spec.has('volumes') ? walk.list(spec.get('volumes'), spec.path('volumes')) : [];
  const volumes = volumeNodes.map((v, i) => readVolume(walk, v, `${spec.path('volumes')}[${i}]`));
  const seenVolumes = new Set<string>();
  volumes.forEach((v, i) => {
    if (seenVolumes.has(v.name)) walk.fail(volumeNodes[i], `${spec.path('volumes')}[${i}].name`, `duplicate volume name "${v.name}"`);
    seenVolumes.add(v.name);
  });
  const componentNodes = walk.list(spec.need('components'), spec.path('components'));
  if (componentNodes.length === 0 && !spec.has('service')) walk.fail(spec.get('components'), spec.path('components'), 'expected at least one component');
  const components = componentNodes.map((c, i) => readComponent(walk, c, `${spec.path('components')}[${i}]`, 'component', seenVolumes, notes));
  const names = new Map<string, number>();
  components.forEach((c, i) => {
    if (names.has(c.name)) walk.fail((componentNodes[i] as unknown as { get(k: string, keep: true): YamlNode }).get('name', true), `${c.field}.name`, `duplicate component name "${c.name}" (also ${spec.path('components')}[${names.get(c.name)}])`);
    names.set(c.name, i);
  });
  const service = spec.has('service') ? readComponent(walk, spec.get('service') ?? null, spec.path('service'), 'service', seenVolumes, notes) : undefined;
  if (service && names.has('service')) walk.fail(spec.get('service'), spec.path('service'), 'a component is already named "service"; rename it');
  const hostInterfaces = spec.has('hostInterfaces')
    ? walk.list(spec.get('hostInterfaces'), spec.path('hostInterfaces')).map((h, i) => readHostInterface(walk, h, `${spec.path('hostInterfaces')}[${i}]`, notes))
    : [];
  checkHostInterfaceRoutes(walk, hostInterfaces, spec.get('hostInterfaces') as YamlNode);
  const rawSpec = (node as { toJSON(): Record<string, unknown> }).toJSON();
  for (const key of extra) delete rawSpec[key];
  return { components, service, hostInterfaces, volumes, notes, rawSpec };
}

function note(walk: YamlWalk, node: YamlNode | undefined, field: string): string {
  const { line } = walk.locate(node);
  return `${walk.file}:${line}: ${field} is kept for Kubernetes; weld run does not use it`;
}

function readComponent(walk: YamlWalk, node: YamlNode | null, at: string, role: WorkloadComponent['role'], volumes: Set<string>, notes: string[]): WorkloadComponent {
  const f = walk.fields(node, at, role === 'service' ? SERVICE_FIELDS : COMPONENT_FIELDS);
  const name = role === 'service' ? 'service' : walk.string(f.need('name'), f.path('name'));
  if (role === 'component' && !DNS_LABEL.test(name)) walk.fail(f.get('name'), f.path('name'), `"${name}" is not a DNS label (lowercase letters, digits and -)`);
  const image = walk.string(f.need('image'), f.path('image'));
  for (const key of ['imagePullPolicy', 'imagePullSecret', 'poolSize', 'maxConcurrency', 'maxInvocations']) if (f.has(key)) notes.push(note(walk, f.key(key), f.path(key)));
  const localResources = f.has('localResources') ? readLocal(walk, f.get('localResources') ?? null, f.path('localResources'), volumes, notes) : emptyLocal();
  const component: WorkloadComponent = { name, role, image, localResources, field: at, at: walk.locate(node) };
  IMAGE_SPANS.set(component, walk.spanOf(f.get('image')));
  return component;
}

function emptyLocal(): LocalResources {
  return { environment: {}, config: {}, allowedHosts: [], allowLookup: false, hostLoopbackPorts: [], volumeMounts: [] };
}

function readLocal(walk: YamlWalk, node: YamlNode | null, at: string, volumes: Set<string>, notes: string[]): LocalResources {
  const f = walk.fields(node, at, LOCAL_FIELDS);
  const local = emptyLocal();
  if (f.has('environment')) {
    const env = walk.fields(f.get('environment'), f.path('environment'), ['config', 'configFrom', 'secretFrom']);
    if (env.has('config')) {
      local.environment = walk.stringMap(env.get('config'), env.path('config'));
      for (const [key] of Object.entries(local.environment)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) walk.fail(env.get('config'), env.path('config'), `"${key}" is not an environment variable name`);
      }
    }
    for (const key of ['configFrom', 'secretFrom']) if (env.has(key)) notes.push(note(walk, env.key(key), env.path(key)));
  }
  if (f.has('config')) local.config = walk.stringMap(f.get('config'), f.path('config'));
  if (f.has('allowedHosts')) {
    const list = walk.list(f.get('allowedHosts'), f.path('allowedHosts'));
    local.allowedHosts = list.map((item, i) => {
      const field = `${f.path('allowedHosts')}[${i}]`;
      const host = walk.string(item, field);
      if (!ALLOWED_HOST.test(host)) walk.fail(item, field, `"${host}" is not host[:port], scheme://host[:port] or *.suffix[:port]`);
      if (host === '*') walk.fail(item, field, 'weld grants hosts by name and does not allow every host', 'manifest-unsupported', 'list the hosts the component needs');
      return host;
    });
  }
  if (f.has('allowedIpNameLookups')) {
    const list = walk.list(f.get('allowedIpNameLookups'), f.path('allowedIpNameLookups'));
    list.forEach((item, i) => {
      const value = walk.string(item, `${f.path('allowedIpNameLookups')}[${i}]`);
      if (value !== '*') {
        walk.fail(item, `${f.path('allowedIpNameLookups')}[${i}]`, `weld grants DNS lookups all or none, so it cannot limit them to "${value}"`, 'manifest-unsupported', 'use ["*"] to grant lookups, or leave the field out');
      }
    });
    local.allowLookup = list.length > 0;
  }
  if (f.has('allowedHostLoopbackPorts')) {
    const list = walk.list(f.get('allowedHostLoopbackPorts'), f.path('allowedHostLoopbackPorts'));
    local.hostLoopbackPorts = list.map((item, i) => {
      const field = `${f.path('allowedHostLoopbackPorts')}[${i}]`;
      const entry = walk.string(item, field);
      const m = /^([0-9]{1,5})(?:\/(tcp|udp))?$/i.exec(entry);
      const port = m ? Number(m[1]) : 0;
      if (!m || port < 1 || port > 65535) walk.fail(item, field, `"${entry}" is not PORT or PORT/tcp|udp with a port from 1 to 65535 (no ranges, no names)`);
      return { port, protocol: (m![2]?.toLowerCase() ?? 'tcp') as HostLoopbackPort['protocol'] };
    });
  }
  if (f.has('volumeMounts')) {
    local.volumeMounts = walk.list(f.get('volumeMounts'), f.path('volumeMounts')).map((m, i) => {
      const field = `${f.path('volumeMounts')}[${i}]`;
      const mf = walk.fields(m, field, ['name', 'mountPath', 'readOnly']);
      const name = walk.string(mf.need('name'), mf.path('name'));
      if (!volumes.has(name)) walk.fail(mf.get('name'), mf.path('name'), `no volume named "${name}" in volumes${volumes.size ? ` (have ${[...volumes].join(', ')})` : ''}`);
      const mountPath = walk.string(mf.need('mountPath'), mf.path('mountPath'));
      if (!mountPath.startsWith('/')) walk.fail(mf.get('mountPath'), mf.path('mountPath'), `"${mountPath}" must be an absolute path inside the component`);
      const readOnly = mf.has('readOnly') ? walk.boolean(mf.get('readOnly'), mf.path('readOnly')) : false;
      return { name, mountPath, readOnly };
    });
  }
  return local;
}

function readVolume(walk: YamlWalk, node: YamlNode, at: string): VolumeSpec {
  const f = walk.fields(node, at, ['name', 'hostPath', 'ephemeral']);
  const name = walk.string(f.need('name'), f.path('name'));
  if (!DNS_LABEL.test(name)) walk.fail(f.get('name'), f.path('name'), `"${name}" is not a DNS label`);
  if (f.has('hostPath') === f.has('ephemeral')) walk.fail(node, at, 'expected exactly one of hostPath or ephemeral');
  if (f.has('ephemeral')) {
    walk.fields(f.get('ephemeral'), f.path('ephemeral'), []);
    return { name };
  }
  const hp = walk.fields(f.get('hostPath'), f.path('hostPath'), ['path']);
  return { name, hostPath: walk.string(hp.need('path'), hp.path('path')) };
}

function readHostInterface(walk: YamlWalk, node: YamlNode, at: string, notes: string[]): HostInterfaceSpec {
  const f = walk.fields(node, at, HOST_INTERFACE_FIELDS);
  const namespace = walk.string(f.need('namespace'), f.path('namespace'));
  const pkg = walk.string(f.need('package'), f.path('package'));
  for (const [key, value] of [['namespace', namespace], ['package', pkg]] as const) {
    if (!WIT_NAME.test(value)) walk.fail(f.get(key), f.path(key), `"${value}" is not a WIT name (kebab-case, e.g. keyvalue)`);
  }
  const interfacesNode = f.need('interfaces');
  const interfaces = walk.strings(interfacesNode, f.path('interfaces'));
  if (interfaces.length === 0) walk.fail(interfacesNode, f.path('interfaces'), 'expected at least one interface');
  interfaces.forEach((name, i) => {
    if (!WIT_NAME.test(name)) walk.fail(walk.list(interfacesNode, '')[i], `${f.path('interfaces')}[${i}]`, `"${name}" is not a WIT interface name`);
  });
  const version = f.has('version') ? walk.string(f.get('version'), f.path('version')) : undefined;
  if (version !== undefined && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) walk.fail(f.get('version'), f.path('version'), `"${version}" is not a semver version`);
  const name = f.has('name') ? walk.string(f.get('name'), f.path('name')) : undefined;
  if (name !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(name)) walk.fail(f.get('name'), f.path('name'), `"${name}" must match ^[a-z0-9][a-z0-9-]*$`);
  const config = f.has('config') ? walk.stringMap(f.get('config'), f.path('config')) : {};
  for (const key of ['configFrom', 'secretFrom']) if (f.has(key)) notes.push(note(walk, f.key(key), f.path(key)));
  return { namespace, package: pkg, interfaces, version, name, config, field: at, at: walk.locate(node) };
}

/** The CRD's admission rules: no duplicate entries; at most one unnamed entry per namespace:package. */
function checkHostInterfaceRoutes(walk: YamlWalk, entries: HostInterfaceSpec[], listNode: YamlNode): void {
  const items = entries.length > 0 ? walk.list(listNode, '') : [];
  entries.forEach((e, i) => {
    for (let j = 0; j < i; j++) {
      const o = entries[j]!;
      if (o.namespace !== e.namespace || o.package !== e.package) continue;
      if ((o.name ?? '') === (e.name ?? '') && (o.version ?? '') === (e.version ?? '')) walk.fail(items[i], e.field, `duplicates ${o.field} (same namespace, package, name and version)`);
      if (o.name === undefined && e.name === undefined) {
        walk.fail(items[i], e.field, `a second unnamed entry for ${e.namespace}:${e.package} (also ${o.field})`, 'manifest-invalid', 'give each entry of the same package a distinct `name`');
      }
    }
  });
}

/** Whether an image is a path to a local file (resolved against the manifest's folder) or a registry/store reference. */
export function imageKind(image: string): 'file' | 'reference' {
  return /^(\.{1,2}\/|\/|~)/.test(image) || /\.wasm$/i.test(image) ? 'file' : 'reference';
}

