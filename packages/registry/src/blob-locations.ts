import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, weldHome, writeFileAtomic } from '@weld/core/node';
import { isLoopbackHost } from './reference.js';
import { RemoteRepository } from './remote/repository.js';
import type { Descriptor, Target } from './store/types.js';

/**
 * Where blobs were last seen on each registry, so a push to another repository of the same registry can ask it to
 * mount the blob (`POST …/uploads/?mount=<digest>&from=<repo>`) instead of uploading it: promoting `dev/app` to
 * `prod/app` sends no layer bytes. skopeo and docker keep the same kind of record. Best effort throughout: a lost or
 * wrong record costs one refused mount, then the usual upload.
 */
export interface BlobLocationOptions {
  /**
   * Default `$WELD_HOME/cache/blob-locations`, for registries that are not on a loopback address: a loopback registry
   * is usually a throwaway (tests, a dev registry whose port the next one reuses), so its records would mostly name
   * repositories it no longer has. Given explicitly, used for every registry. `false`: neither read nor written.
   */
  cacheDir?: string | false;
}

/** Repositories remembered per blob, newest first, and blobs remembered per registry: older ones are forgotten. */
const REPOSITORIES_PER_BLOB = 4;
const BLOBS_PER_REGISTRY = 4096;
/** Mount attempts per blob before uploading it (each refused one costs the registry an upload session it cancels). */
const MOUNT_ATTEMPTS = 2;
/** Smaller blobs (a config, a small component) are uploaded: one request, as cheap as a mount. */
const MOUNT_MIN_BYTES = 256 * 1024;

interface LocationsFile {
  v: 1;
  registry: string;
  /** digest → repositories, newest first; insertion order is age */
  blobs: Record<string, string[]>;
}

function fileFor(cacheDir: string, registry: string): string {
  return join(cacheDir, `${sha256Hex(registry).slice(0, 32)}.json`);
}

function dirOf(options: BlobLocationOptions, target: RemoteRepository): string | undefined {
  if (options.cacheDir === false) return undefined;
  if (options.cacheDir !== undefined) return options.cacheDir;
  return isLoopbackHost(target.client.host) ? undefined : join(weldHome(), 'cache', 'blob-locations');
}

async function load(file: string, registry: string): Promise<LocationsFile> {
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as LocationsFile;
    if (doc?.v === 1 && doc.registry === registry && doc.blobs && typeof doc.blobs === 'object') return doc;
  } catch {
    /* absent or damaged: start again */
  }
  return { v: 1, registry, blobs: {} };
}

/** Other repositories of `target`'s registry that held `desc` when weld last pushed or pulled it there. */
async function knownElsewhere(target: RemoteRepository, desc: Descriptor, options: BlobLocationOptions): Promise<string[]> {
  const dir = dirOf(options, target);
  if (!dir) return [];
  const doc = await load(fileFor(dir, target.client.registry), target.client.registry);
  const repos = doc.blobs[desc.digest];
  return Array.isArray(repos) ? repos.filter((r) => typeof r === 'string' && r !== target.repository) : [];
}

/**
 * Asks a registry to mount `desc` from a repository where weld saw it before; true when it did (nothing to upload).
 * A refused mount (the blob is gone there, no pull right on it) leaves the upload to the caller.
 */
export async function mountFromKnown(target: Target, desc: Descriptor, options: BlobLocationOptions = {}): Promise<boolean> {
  if (!(target instanceof RemoteRepository) || desc.size < MOUNT_MIN_BYTES) return false;
  const refused: string[] = [];
  for (const from of (await knownElsewhere(target, desc, options)).slice(0, MOUNT_ATTEMPTS)) {
    try {
      if (await target.mountFrom(desc, from)) return true;
    } catch {
      /* refused outright (401/403/404): upload instead */
    }
    refused.push(from);
  }
  if (refused.length > 0) await forget(target, desc, refused, options);
  return false;
}

/** Drops repositories that no longer give `desc` from its record, so they are not asked again. */
async function forget(target: RemoteRepository, desc: Descriptor, repos: string[], options: BlobLocationOptions): Promise<void> {
  const dir = dirOf(options, target);
  if (!dir) return;
  try {
    const file = fileFor(dir, target.client.registry);
    const doc = await load(file, target.client.registry);
    const left = (doc.blobs[desc.digest] ?? []).filter((r) => !repos.includes(r));
    if (left.length > 0) doc.blobs[desc.digest] = left;
    else delete doc.blobs[desc.digest];
    await writeFileAtomic(file, JSON.stringify(doc) + '\n', { mkdir: true });
  } catch {
    /* the record only saves uploads */
  }
}

/** The repositories remembered as holding `digest` on `target`'s registry, newest first (tests, `weld` diagnostics). */
export async function rememberedLocations(target: RemoteRepository, digest: string, options: BlobLocationOptions = {}): Promise<string[]> {
  const dir = dirOf(options, target);
  if (!dir) return [];
  return (await load(fileFor(dir, target.client.registry), target.client.registry)).blobs[digest] ?? [];
}

/** Notes that `target`'s repository holds these blobs (after a push or a pull). Never fails. */
export async function rememberBlobLocations(target: Target, descs: readonly Descriptor[], options: BlobLocationOptions = {}): Promise<void> {
  if (!(target instanceof RemoteRepository) || descs.length === 0) return;
  const dir = dirOf(options, target);
  if (!dir) return;
  try {
    const file = fileFor(dir, target.client.registry);
    const doc = await load(file, target.client.registry);
    for (const d of descs) {
      const repos = (doc.blobs[d.digest] ?? []).filter((r) => r !== target.repository);
      delete doc.blobs[d.digest]; // re-inserted last: the newest
      doc.blobs[d.digest] = [target.repository, ...repos].slice(0, REPOSITORIES_PER_BLOB);
    }
    const digests = Object.keys(doc.blobs);
    for (const old of digests.slice(0, Math.max(0, digests.length - BLOBS_PER_REGISTRY))) delete doc.blobs[old];
    await writeFileAtomic(file, JSON.stringify(doc) + '\n', { mkdir: true });
  } catch {
    /* the record only saves uploads */
  }
}
