/** The "store" panel: the embedded store's repositories and tags; per tag its signatures, attestations and inputs. */
import { append, byId, bytes, h, table } from './dom.js';
import { verifyForm } from './verify-view.js';
import { HttpStore, listStore, readArtifact, referrersOf, COSIGN_SIGNATURE, PREDICATE_TYPE, type Descriptor, type StoreListing, type TagEntry, type Manifest } from './store.js';

const store = new HttpStore(new URL('store/', document.baseURI).href);
let listing: StoreListing | undefined;
let storeIndex: { manifests?: Descriptor[] } = {};
/** `sha256:…` of a wasm layer → the `repo:tag`s whose artifact holds it (to name composition inputs) */
const layerOwners = new Map<string, string[]>();

const short = (d: string) => d.slice(0, 19) + '…';

async function indexLayers(l: StoreListing): Promise<void> {
  for (const r of l.repositories) {
    for (const t of r.tags) {
      const m = await store.json<Manifest>(t.descriptor.digest).catch(() => undefined);
      for (const layer of m?.layers ?? []) {
        if (!layerOwners.has(layer.digest)) layerOwners.set(layer.digest, []);
        layerOwners.get(layer.digest)!.push(`${r.repository}:${t.tag}`);
      }
    }
  }
}

async function showTag(repository: string, t: TagEntry): Promise<void> {
  const out = byId('store-detail');
  out.replaceChildren(h('p', { role: 'status' }, `Reading ${repository}:${t.tag}…`));
  const digest = t.descriptor.digest;
  const detail = await readArtifact(store, t.descriptor);
  const companions = listing?.companions.get(digest) ?? [];
  const referrers = listing ? await referrersOf(store, listing, digest) : [];

  const signatureRows: (string | Node)[][] = [];
  for (const c of companions.filter((x) => x.kind === 'signature')) {
    const m = await store.json<Manifest>(c.descriptor.digest).catch(() => undefined);
    for (const layer of m?.layers ?? []) signatureRows.push([`cosign tag ${c.tag}`, layer.annotations?.[COSIGN_SIGNATURE] ? 'simple-signing payload, signature in the layer annotation' : 'no signature annotation', h('code', {}, short(c.descriptor.digest))]);
  }
  for (const r of referrers.filter((x) => x.kind === 'signature')) signatureRows.push(['sigstore bundle (referrer)', r.manifest.annotations?.['org.opencontainers.image.created'] ?? '', h('code', {}, short(r.descriptor.digest))]);

  const attestationRows: (string | Node)[][] = [];
  for (const c of companions.filter((x) => x.kind === 'attestation')) {
    const m = await store.json<Manifest>(c.descriptor.digest).catch(() => undefined);
    for (const layer of m?.layers ?? []) attestationRows.push([`cosign tag ${c.tag}`, layer.annotations?.[PREDICATE_TYPE] ?? '', h('code', {}, short(c.descriptor.digest))]);
  }
  for (const r of referrers.filter((x) => x.kind === 'attestation')) attestationRows.push(['sigstore bundle (referrer)', r.predicateType ?? '', h('code', {}, short(r.descriptor.digest))]);

  const config = detail.config as { component?: { imports?: string[]; exports?: string[] }; created?: string } | undefined;
  out.replaceChildren();
  append(
    out,
    h('h3', { id: 'store-detail-h' }, `${repository}:${t.tag}`),
    h('p', {}, 'manifest ', h('code', { id: 'store-digest' }, digest), ` (${t.descriptor.mediaType})`),
    detail.wasm ? h('p', {}, 'component ', h('code', {}, detail.title ?? detail.wasm.digest), `, ${bytes(detail.wasm.size)}`, config?.created ? `, created ${config.created}` : '') : h('p', {}, 'not a wasm artifact'),
    config?.component
      ? h('div', { class: 'cols' }, h('div', {}, h('h4', {}, 'Imports'), h('ul', {}, ...(config.component.imports ?? []).map((i) => h('li', {}, h('code', {}, i))))), h('div', {}, h('h4', {}, 'Exports'), h('ul', {}, ...(config.component.exports ?? []).map((i) => h('li', {}, h('code', {}, i))))))
      : null,
    h('h4', { id: 'store-signatures-h' }, 'Signatures'),
    signatureRows.length ? table('', ['kind', 'detail', 'manifest'], signatureRows, { id: 'store-signatures', 'aria-labelledby': 'store-signatures-h' }) : h('p', { id: 'store-signatures' }, 'unsigned'),
    signatureRows.length ? verifyForm(store, storeIndex, repository, t.tag) : null,
    h('h4', { id: 'store-attestations-h' }, 'Attestations'),
    attestationRows.length ? table('', ['kind', 'predicate type', 'manifest'], attestationRows, { id: 'store-attestations', 'aria-labelledby': 'store-attestations-h' }) : h('p', { id: 'store-attestations' }, 'none'),
    h('h4', { id: 'store-inputs-h' }, 'Composed from (the weld-provenance section)'),
    detail.provenance
      ? table('', ['input', 'role', 'digest', 'in this store as'], detail.provenance.inputs.map((i) => [i.name, i.role, h('code', {}, short(i.digest)), (layerOwners.get(i.digest) ?? []).join(', ') || 'not in this store']), { id: 'store-inputs', 'aria-labelledby': 'store-inputs-h' })
      : h('p', { id: 'store-inputs' }, detail.provenanceError ? `no provenance: ${detail.provenanceError}` : 'not composed by weld (no weld-provenance section)'),
  );
}

export async function setupStorePanel(): Promise<void> {
  const list = byId('store-repos');
  const status = byId('store-status');
  let index;
  try {
    index = await store.index();
  } catch (e) {
    status.textContent = `Cannot read the store: ${(e as Error).message}`;
    return;
  }
  if (!index) {
    status.textContent = 'No store is served (static build, or an empty store).';
    return;
  }
  storeIndex = index;
  listing = listStore(index);
  await indexLayers(listing);
  status.textContent = `${listing.repositories.length} repositor${listing.repositories.length === 1 ? 'y' : 'ies'}`;
  list.replaceChildren(
    ...listing.repositories.map((r) =>
      h(
        'li',
        {},
        h('span', { class: 'repo' }, r.repository),
        h(
          'ul',
          {},
          ...r.tags.map((t) => {
            const b = h('button', { type: 'button', class: 'tag', 'data-ref': `${r.repository}:${t.tag}` }, `${r.repository}:${t.tag}`);
            b.addEventListener('click', () => void showTag(r.repository, t).catch((e) => byId('store-detail').replaceChildren(h('p', { class: 'problem', role: 'alert' }, (e as Error).message))));
            const signed = (listing!.companions.get(t.descriptor.digest) ?? []).some((c) => c.kind === 'signature');
            return h('li', {}, b, signed ? h('span', { class: 'badge' }, ' signed') : null);
          }),
        ),
      ),
    ),
  );
}
