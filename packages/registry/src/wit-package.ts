import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWitPackage } from '@weld/binary';
import { packageNameString } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';
import { sendHttp } from './remote/http.js';
import { pullComponent, pushComponent, type PushResult } from './artifact.js';
import { RegistryError } from './errors.js';
import { atomicWriteFile } from './fsutil.js';
import { openTarget, type OpenOptions } from './open.js';
import { checkPublish, type GateOptions, type GateResult } from './publish-gate.js';
import { formatReference, isLoopbackHost, parseReference, type Reference } from './reference.js';
import type { RegistriesSpec } from '@weld/core/project';
import { semverProblem } from '@weld/core';
import { FileWriteError, writeFailure } from '@weld/core/node';

/** A WIT package name as wkg writes it: `namespace:name@version` (version optional for lookups). */
export interface PackageName {
  namespace: string;
  name: string;
  version?: string;
}

const LABEL = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const PACKAGE_RE = new RegExp(`^(${LABEL}):(${LABEL}(?:/${LABEL})*)(?:@([0-9A-Za-z.+-]+))?$`);

export function parsePackageName(text: string): PackageName {
  const m = PACKAGE_RE.exec(text);
  if (!m) {
    throw new RegistryError('invalid-package-name', `"${text}" is not a WIT package name`, { hint: 'write namespace:name@version, e.g. wasi:http@0.2.0' });
  }
  return { namespace: m[1], name: m[2], version: m[3] };
}

export function formatPackageName(p: PackageName): string {
  return `${p.namespace}:${p.name}${p.version ? `@${p.version}` : ''}`;
}

/** Where a namespace's packages live: wkg's OCI protocol config (registry + optional namespace prefix). */
export interface OciPackageLocation {
  registry: string;
  namespacePrefix?: string;
}

/** weld.yaml's registry mapping: a default registry and per-namespace overrides (host or oci:/embedded refs). */
export type RegistryMapping = RegistriesSpec;

export const REGISTRY_METADATA_PATH = '/.well-known/wasm-pkg/registry.json';

/** Reads wkg registry metadata (`oci: {registry, namespacePrefix}` or the older `ociRegistry`/`ociNamespacePrefix`). */
export function parseRegistryMetadata(doc: unknown, domain: string): OciPackageLocation | undefined {
  if (typeof doc !== 'object' || doc === null) throw new RegistryError('registry-metadata-invalid', `${domain}${REGISTRY_METADATA_PATH} is not a JSON object`);
  const d = doc as { preferredProtocol?: string; oci?: { registry?: string; namespacePrefix?: string }; ociRegistry?: string; ociNamespacePrefix?: string };
  if (d.preferredProtocol && d.preferredProtocol !== 'oci' && !d.oci && !d.ociRegistry) return undefined;
  const registry = d.oci?.registry ?? d.ociRegistry;
  const namespacePrefix = d.oci?.namespacePrefix ?? d.ociNamespacePrefix;
  if (!registry && !namespacePrefix) return undefined;
  return { registry: registry ?? domain, namespacePrefix };
}

/**
 * Discovers where `domain` keeps packages via `/.well-known/wasm-pkg/registry.json`; a domain without the
 * file (404) is its own OCI registry, as in wkg.
 */
export async function discoverRegistry(domain: string, options: { plainHttp?: boolean; timeoutMs?: number } = {}): Promise<OciPackageLocation> {
  const scheme = options.plainHttp || isLoopbackHost(domain) ? 'http' : 'https';
  const url = `${scheme}://${domain}${REGISTRY_METADATA_PATH}`;
  let res;
  try {
    res = await sendHttp(url, { method: 'GET', timeoutMs: options.timeoutMs ?? 15_000 });
  } catch (e) {
    throw new RegistryError('network-error', `cannot reach ${domain} to discover its package registry`, { cause: e });
  }
  if (res.statusCode === 404) {
    await res.body.dump();
    return { registry: domain };
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new RegistryError('registry-metadata-invalid', `${url} answered ${res.statusCode}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RegistryError('registry-metadata-invalid', `${url} is not valid JSON`, { cause: e });
  }
  return parseRegistryMetadata(doc, domain) ?? { registry: domain };
}

/** wkg's naming: `ns:name@ver` → `<registry>/<prefix><ns>/<name>:<ver>`. */
export function packageReference(pkg: PackageName, location: OciPackageLocation): string {
  const repo = `${location.namespacePrefix ?? ''}${pkg.namespace}/${pkg.name}`;
  const tag = pkg.version ?? 'latest';
  if (location.registry.startsWith('oci:')) return `${location.registry}:${tag}`;
  return `${location.registry}/${repo}:${tag}`;
}

/**
 * The reference a package lives at: the namespace's mapping (or the default registry); a registry host is
 * looked up through its well-known metadata; with no mapping at all, the embedded store (`ns/name:ver`).
 */
export async function resolvePackageReference(pkg: PackageName, mapping: RegistryMapping = {}, options: { plainHttp?: boolean; discover?: boolean } = {}): Promise<Reference> {
  const target = mapping.namespaces?.[pkg.namespace] ?? mapping.default;
  if (!target) return parseReference(`${pkg.namespace}/${pkg.name}:${pkg.version ?? 'latest'}`);
  if (target.startsWith('oci:')) return parseReference(`${target}:${pkg.namespace}-${pkg.name}-${pkg.version ?? 'latest'}`);
  const location = options.discover === false ? { registry: target } : await discoverRegistry(target, options);
  return parseReference(packageReference(pkg, location));
}

/** Publishes a binary WIT package (a component-encoded WIT package) under its wkg name. */
export async function publishWitPackage(
  bytes: Uint8Array,
  name: string,
  mapping: RegistryMapping = {},
  options: OpenOptions & { annotations?: Record<string, string>; discover?: boolean; gate?: GateOptions } = {},
): Promise<PushResult & { reference: Reference; gate: GateResult }> {
  const pkg = parsePackageName(name);
  if (!pkg.version) throw new RegistryError('invalid-package-name', `publishing ${name} needs a version`, { hint: `${name}@0.1.0` });
  const reference = await resolvePackageReference(pkg, mapping, options);
  const opened = await openTarget(reference, options);
  try {
    const gate = await checkPublish(opened.target, bytes, opened.selector, options.gate);
    const result = await pushComponent(opened.target, { bytes }, {
      tag: opened.selector,
      title: `${pkg.namespace}:${pkg.name}@${pkg.version}.wasm`,
      annotations: { 'org.opencontainers.image.version': pkg.version, ...options.annotations },
    });
    return { ...result, reference, gate };
  } finally {
    await opened.close();
  }
}

/** One locked dependency: what was fetched and its layer digest. */
export interface LockedPackage {
  name: string;
  reference: string;
  digest: string;
}

export interface WitLockfile {
  version: 1;
  packages: LockedPackage[];
}

export async function readLockfile(path: string): Promise<WitLockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const doc = JSON.parse(text) as WitLockfile;
    if (doc.version !== 1 || !Array.isArray(doc.packages)) throw new Error('unexpected shape');
    return doc;
  } catch (e) {
    throw new RegistryError('lock-mismatch', `${path} is not a weld WIT lockfile`, { cause: e, exit: 2 });
  }
}

export interface WitDepsOptions extends OpenOptions {
  /** Folder whose `deps/` receives the packages (`wit`). */
  witDir: string;
  /** Lockfile path. Default `<witDir>/deps.lock.json`. */
  lockfile?: string;
  /** Fail instead of resolving anew when the lockfile is missing an entry or a digest differs. */
  locked?: boolean;
  mapping?: RegistryMapping;
  discover?: boolean;
}

export interface WitDepsResult {
  fetched: { name: string; reference: string; digest: string; path: string }[];
  lockfile: string;
}

/** A dependency as `wit deps` takes it: a package name with an exact semver version (checked before any fetch). */
function exactDependency(dep: string): PackageName & { version: string } {
  const pkg = parsePackageName(dep);
  if (!pkg.version) throw new RegistryError('invalid-package-name', `dependency ${dep} needs an exact version`, { hint: `${dep}@0.2.0` });
  const problem = semverProblem(pkg.version);
  if (problem !== undefined) {
    throw new RegistryError('invalid-package-name', `dependency ${dep}: version "${pkg.version}" is not a semver version (${problem})`, {
      hint: `write major.minor.patch, e.g. ${formatPackageName({ ...pkg, version: '0.2.0' })}`,
    });
  }
  return { ...pkg, version: pkg.version };
}

/**
 * The WIT folder and its deps/ are created when missing (as wkg does), so only something else in their place is
 * refused, before anything is fetched: a file where a folder should be.
 */
async function checkWitDir(witDir: string): Promise<void> {
  for (const dir of [witDir, join(witDir, 'deps')]) {
    let st;
    try {
      st = await stat(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // created when the first package is written
      throw writeFailure(dir, e);
    }
    if (!st.isDirectory()) {
      throw new FileWriteError('unwritable-file', `cannot write into ${dir}: it is a file, not a folder`, {
        hint: dir === witDir ? 'name the WIT folder whose deps/ receives the packages (it is created when missing)' : `move ${dir} out of the way: the packages are written into it as a folder`,
      });
    }
  }
}

/**
 * `weld wit deps`: fetches each declared dependency (`ns:name@version`) into `<witDir>/deps/<ns>-<name>.wasm`
 * (binary WIT, which the deps/ layout accepts), verifies digests against the lockfile, and writes the lockfile.
 * With `locked`, a package missing from the lockfile or fetched with another digest is an error (exit 1).
 */
export async function fetchWitDeps(dependencies: string[], options: WitDepsOptions): Promise<WitDepsResult> {
  const packages = new Map(dependencies.map((dep) => [dep, exactDependency(dep)])); // every name checked before anything is fetched or written
  await checkWitDir(options.witDir);
  const lockPath = options.lockfile ?? join(options.witDir, 'deps.lock.json');
  const lock = await readLockfile(lockPath);
  if (options.locked && !lock) throw new RegistryError('lock-mismatch', `--locked needs ${lockPath}, which does not exist`, { hint: 'run weld wit deps once without --locked and commit the lockfile' });
  if (options.locked) {
    const absent = dependencies.filter((d) => !lock!.packages.some((p) => p.name === formatPackageName(parsePackageName(d))));
    if (absent.length) throw new RegistryError('lock-mismatch', `${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not in ${lockPath}`, { hint: 'run weld wit deps without --locked to update the lockfile' });
  }
  const fetched: WitDepsResult['fetched'] = [];
  for (const dep of [...dependencies].sort()) {
    const pkg = packages.get(dep)!;
    const locked = lock?.packages.find((p) => p.name === formatPackageName(pkg));
    if (options.locked && !locked) throw new RegistryError('lock-mismatch', `${dep} is not in ${lockPath}`, { hint: 'run weld wit deps without --locked to update the lockfile' });
    const reference = locked?.reference ? parseReference(locked.reference) : await resolvePackageReference(pkg, options.mapping, options);
    const opened = await openTarget(reference, options);
    const path = join(options.witDir, 'deps', `${pkg.namespace}-${pkg.name.replace(/\//g, '-')}.wasm`);
    try {
      // Fetch to memory first: a digest mismatch must not replace the file already in deps/.
      const pulled = await pullComponent(opened.target, opened.selector);
      if (locked && locked.digest !== pulled.layer.digest) {
        throw new RegistryError('lock-mismatch', `${dep} changed since it was locked`, {
          detail: `locked  ${locked.digest}\nfetched ${pulled.layer.digest} from ${locked.reference}`,
          hint: options.locked ? 'someone re-pushed this version; investigate before updating the lockfile' : undefined,
        });
      }
      await atomicWriteFile(path, pulled.bytes!);
      fetched.push({ name: formatPackageName(pkg), reference: locked?.reference ?? formatReference(reference), digest: pulled.layer.digest, path });
    } finally {
      await opened.close();
    }
  }
  if (!options.locked) {
    const doc: WitLockfile = { version: 1, packages: fetched.map(({ name, reference, digest }) => ({ name, reference, digest })) };
    await atomicWriteFile(lockPath, JSON.stringify(doc, null, 2) + '\n');
  }
  return { fetched, lockfile: lockPath };
}

/** A WIT package ready to publish: its binary encoding and its `ns:name@ver`. */
export interface EncodedWitPackage {
  name: string;
  bytes: Uint8Array;
}

/**
 * Resolves a WIT folder or file (with its deps/) and encodes its package as binary WIT with the binary codec's
 * `encodeWitPackage`. WIT errors surface as the `WeldError`s of wit-tools (caret under the source).
 */
export async function encodeWitSource(path: string, options: { features?: string[]; allFeatures?: boolean } = {}): Promise<EncodedWitPackage> {
  const { resolve, package: pkg } = resolvePath(path, options);
  const name = packageNameString(resolve.packages[pkg]!.name);
  return { name, bytes: encodeWitPackage(resolve, pkg) };
}
