/**
 * Reading the embedded store (an OCI image layout whose tags are `repo:tag` ref names) over HTTP, as the `weld ui`
 * server exposes it read-only: `store/index.json` and `store/blobs/<alg>/<hex>`. Media types and tag schemes are
 * cosign's and the OCI spec's (the same names @weld/registry writes).
 */
import { decodeComponent, provenanceOf, type Provenance } from '@weld/binary';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const WASM_LAYER = 'application/wasm';
export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const BUNDLE_PREDICATE_TYPE = 'dev.sigstore.bundle.predicateType';
export const BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
export const COSIGN_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE = 'predicateType';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const TITLE = 'org.opencontainers.image.title';
/** The store panel downloads a component to read its provenance section; above this it does not. */
const MAX_PROVENANCE_READ = 64 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface TagEntry {
  tag: string;
  descriptor: Descriptor;
}

export interface StoreListing {
  repositories: { repository: string; tags: TagEntry[] }[];
  /** cosign tag-scheme companions (`sha256-<hex>.sig` / `.att`), by the digest they are about */
  companions: Map<string, { repository: string; tag: string; kind: 'signature' | 'attestation'; descriptor: Descriptor }[]>;
  /** manifests kept untagged (referrers: sigstore bundles and attestations) */
  untagged: Descriptor[];
}

const COMPANION = /^(sha256)-([0-9a-f]{64})\.(sig|att)$/;

/** Splits the layout index into repositories and their tags, cosign companions and untagged referrers. */
export function listStore(index: { manifests?: Descriptor[] }): StoreListing {
  const repos = new Map<string, TagEntry[]>();
  const companions: StoreListing['companions'] = new Map();
  const untagged: Descriptor[] = [];
  for (const d of index.manifests ?? []) {
    const ref = d.annotations?.[REF_NAME];
    const colon = ref?.lastIndexOf(':') ?? -1;
    if (!ref || colon <= 0) {
      untagged.push(d);
      continue;
    }
    const repository = ref.slice(0, colon);
    const tag = ref.slice(colon + 1);
    const c = COMPANION.exec(tag);
    if (c) {
      const about = `${c[1]}:${c[2]}`;
      if (!companions.has(about)) companions.set(about, []);
      companions.get(about)!.push({ repository, tag, kind: c[3] === 'sig' ? 'signature' : 'attestation', descriptor: d });
      continue;
    }
    if (!repos.has(repository)) repos.set(repository, []);
    repos.get(repository)!.push({ tag, descriptor: d });
  }
  const repositories = [...repos.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([repository, tags]) => ({ repository, tags: tags.sort((a, b) => a.tag.localeCompare(b.tag)) }));
  return { repositories, companions, untagged };
}

/** The store as the page reads it: content by digest, each blob checked against its digest. */
export class HttpStore {
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  constructor(private readonly base: string) {}

  async index(): Promise<{ manifests?: Descriptor[] } | undefined> {
    const res = await fetch(new URL('index.json', this.base));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`the store's index.json: HTTP ${res.status}`);
    return (await res.json()) as { manifests?: Descriptor[] };
  }

  /** A blob's bytes as stored, unchecked (verification checks them itself and names what was changed). */
  async raw(digest: string): Promise<Uint8Array | undefined> {
    const m = /^(sha256):([0-9a-f]{64})$/.exec(digest);
    if (!m) return undefined;
    const res = await fetch(new URL(`blobs/${m[1]}/${m[2]}`, this.base));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`blob ${digest}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  blob(digest: string): Promise<Uint8Array> {
    let p = this.cache.get(digest);
    if (!p) {
      p = this.fetchBlob(digest);
      this.cache.set(digest, p);
    }
    return p;
  }

  private async fetchBlob(digest: string): Promise<Uint8Array> {
    const m = /^(sha256):([0-9a-f]{64})$/.exec(digest);
    if (!m) throw new Error(`${digest} is not a sha256 digest`);
    const res = await fetch(new URL(`blobs/${m[1]}/${m[2]}`, this.base));
    if (!res.ok) throw new Error(`blob ${digest}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const actual = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
    if (actual !== m[2]) throw new Error(`blob ${digest} does not match its digest (got sha256:${actual})`);
    return bytes;
  }

  async json<T>(digest: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.blob(digest))) as T;
  }
}

export interface Referrer {
  descriptor: Descriptor;
  manifest: Manifest;
  kind: 'signature' | 'attestation' | 'other';
  /** in-toto predicate type of an attestation */
  predicateType?: string;
}

/** Untagged manifests whose `subject` is `digest` (the referrers API over a layout). */
export async function referrersOf(store: HttpStore, listing: StoreListing, digest: string): Promise<Referrer[]> {
  const out: Referrer[] = [];
  for (const d of listing.untagged) {
    const m = await store.json<Manifest>(d.digest).catch(() => undefined);
    if (m?.subject?.digest !== digest) continue;
    const predicateType = m.annotations?.[BUNDLE_PREDICATE_TYPE];
    const content = m.annotations?.[BUNDLE_CONTENT];
    // cosign's `sign` bundles are DSSE envelopes too, told apart by their predicate type
    const signs = content === 'message-signature' || predicateType === COSIGN_SIGN_PREDICATE;
    const kind = m.artifactType === SIGSTORE_BUNDLE ? (signs ? 'signature' : 'attestation') : 'other';
    out.push({ descriptor: d, manifest: m, kind, ...(predicateType ? { predicateType } : {}) });
  }
  return out;
}

export interface ArtifactDetail {
  manifest: Manifest;
  config?: Record<string, unknown>;
  wasm?: Descriptor;
  title?: string;
  provenance?: Provenance;
  /** why the provenance could not be read (not a component, malformed) */
  provenanceError?: string;
}

/** A tagged artifact: its manifest, config and, for a component, the composition inputs its provenance names. */
export async function readArtifact(store: HttpStore, desc: Descriptor): Promise<ArtifactDetail> {
  const manifest = await store.json<Manifest>(desc.digest);
  const out: ArtifactDetail = { manifest };
  if (manifest.config && manifest.config.size < 1 << 20) out.config = await store.json<Record<string, unknown>>(manifest.config.digest).catch(() => undefined);
  out.wasm = manifest.layers?.find((l) => l.mediaType === WASM_LAYER || l.mediaType.endsWith('.wasm'));
  out.title = out.wasm?.annotations?.[TITLE];
  if (out.wasm && out.wasm.size > MAX_PROVENANCE_READ) {
    out.provenanceError = `the component is ${Math.round(out.wasm.size / 1024 / 1024)} MiB; the page reads provenance from components up to ${MAX_PROVENANCE_READ / 1024 / 1024} MiB`;
  } else if (out.wasm) {
    try {
      out.provenance = provenanceOf(decodeComponent(await store.blob(out.wasm.digest)));
    } catch (e) {
      out.provenanceError = (e as Error).message;
    }
  }
  return out;
}
