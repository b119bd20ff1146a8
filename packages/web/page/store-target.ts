/**
 * One repository of the served store as a verification target (`@weld/registry/verify`'s `VerifyTarget`): tags are
 * the layout's `repo:tag` ref names, referrers its untagged manifests whose `subject` is the digest.
 */
import type { Descriptor, VerifyTarget } from '@weld/registry/verify';
import { REF_NAME, type HttpStore, type Manifest } from './store.js';

const notFound = (code: string, message: string) => Object.assign(new Error(message), { code });

export class RepositoryTarget implements VerifyTarget {
  readonly name: string;
  constructor(
    private readonly store: HttpStore,
    private readonly index: { manifests?: Descriptor[] },
    private readonly repository: string,
  ) {
    this.name = repository;
  }

  async resolve(reference: string): Promise<Descriptor> {
    const byDigest = /^sha256:[0-9a-f]{64}$/.test(reference);
    const found = (this.index.manifests ?? []).find((d) => (byDigest ? d.digest === reference : d.annotations?.[REF_NAME] === `${this.repository}:${reference}`));
    if (!found) throw notFound(byDigest ? 'manifest-unknown' : 'tag-unknown', `${this.repository}:${reference} is not in the store`);
    return { mediaType: found.mediaType, digest: found.digest, size: found.size, ...(found.artifactType ? { artifactType: found.artifactType } : {}) };
  }

  async fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const bytes = await this.store.raw(desc.digest);
    if (!bytes) throw notFound('blob-unknown', `${desc.digest} is not in the store`);
    // a Fetcher's content matches its descriptor: changed bytes are an integrity error, which verification reports
    const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)), (b) => b.toString(16).padStart(2, '0')).join('');
    if (`sha256:${hex}` !== desc.digest || bytes.byteLength !== desc.size) throw notFound('digest-mismatch', `${desc.digest}: the stored bytes do not match the digest`);
    return (async function* () {
      yield bytes;
    })();
  }

  async *tags(): AsyncIterable<string> {
    const prefix = `${this.repository}:`;
    for (const d of this.index.manifests ?? []) {
      const ref = d.annotations?.[REF_NAME];
      if (ref?.startsWith(prefix)) yield ref.slice(prefix.length);
    }
  }

  async referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    for (const d of this.index.manifests ?? []) {
      if (d.annotations?.[REF_NAME]) continue;
      const bytes = await this.store.raw(d.digest);
      if (!bytes) continue;
      let m: Manifest;
      try {
        m = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
      } catch {
        continue;
      }
      if (m.subject?.digest !== desc.digest) continue;
      const type = m.artifactType ?? m.config?.mediaType;
      if (artifactType && type !== artifactType) continue;
      out.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, ...(type ? { artifactType: type } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) });
    }
    return out;
  }
}
