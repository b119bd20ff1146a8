// GET /count/<name> adds one to the counter <name> in the `counters` bucket (wasi:keyvalue) and logs it.
import { open } from 'wasi:keyvalue/store@0.2.0-draft';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft';
import { log } from 'wasi:logging/logging@0.1.0-draft';

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

async function handle(request) {
  const url = new URL(request.url);
  const m = /^\/count\/([a-z0-9-]+)$/.exec(url.pathname);
  if (!m) return new Response('not found\n', { status: 404 });
  let n;
  try {
    n = increment(open('counters'), m[1], 1n);
  } catch (e) {
    const p = e && e.payload;
    return new Response(`keyvalue failed: ${p && p.tag ? `${p.tag} ${p.val ?? ''}` : e}\n`, { status: 500 });
  }
  log('info', 'counter', `${m[1]} = ${n}`);
  return new Response(`${n}\n`, { headers: { 'content-type': 'text/plain' } });
}
