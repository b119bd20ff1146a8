/** Verifying a tag's signatures in the page: a pasted public key, weld's own verifyImage, WebCrypto. */
import { publicKeyFromPem, verifyImage, isSignError, type VerificationReport } from '@weld/registry/verify';
import { h, table } from './dom.js';
import type { Descriptor, HttpStore } from './store.js';
import { RepositoryTarget } from './store-target.js';

function reportView(r: VerificationReport): HTMLElement {
  const ok = r.verified.length > 0;
  return h(
    'div',
    { id: 'verify-report' },
    h('p', { class: ok ? 'ok' : 'problem', id: 'verify-verdict' }, ok ? `✓ ${r.verified.length} valid signature${r.verified.length === 1 ? '' : 's'} for ${r.digest}` : `✗ no valid signature for ${r.digest}`),
    ok ? table('Verified signatures', ['route', 'key', 'where', 'signed at'], r.verified.map((v) => [v.route, h('code', {}, `${v.keyId.slice(0, 16)}…`), v.location, v.createdAt ?? ''])) : null,
    r.failures.length ? table('Problems', ['reason', 'what', 'where'], r.failures.map((f) => [h('code', {}, f.reason), f.message, f.location]), { id: 'verify-failures' }) : null,
    h('p', { class: 'note' }, `transparency log: ${r.transparencyLog}`),
  );
}

/** The form under a tag's detail: paste cosign.pub, verify with the same steps as `weld verify`. */
export function verifyForm(store: HttpStore, index: { manifests?: Descriptor[] }, repository: string, tag: string): HTMLElement {
  const area = h('textarea', { id: 'verify-key', rows: '5', spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----' });
  const out = h('div', { id: 'verify-output', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'verify' }, 'Verify');
  button.addEventListener('click', () => {
    out.replaceChildren(h('p', { role: 'status' }, 'Verifying…'));
    void (async () => {
      try {
        const key = await publicKeyFromPem(area.value, 'the pasted key');
        const report = await verifyImage(new RepositoryTarget(store, index, repository), tag, { keys: [key] });
        out.replaceChildren(reportView(report));
      } catch (e) {
        const text = isSignError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : (e as Error).message;
        out.replaceChildren(h('p', { class: 'problem', role: 'alert' }, text));
      }
    })();
  });
  return h('div', { class: 'verify' }, h('label', { for: 'verify-key' }, 'Verify with a public key (cosign.pub)'), area, button, out);
}
