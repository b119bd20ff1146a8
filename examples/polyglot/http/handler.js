// A wasi:http/incoming-handler written as a fetch-event handler (StarlingMonkey).
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

// Module state: a host that reuses one instance counts up; `weld serve` gives every request a fresh one.
let served = 0;

async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname === '/hello') {
    const name = url.searchParams.get('name') ?? 'world';
    return new Response(`hello, ${name}\n`, { headers: { 'content-type': 'text/plain' } });
  }
  if (url.pathname === '/echo' && request.method === 'POST') {
    const body = await request.text();
    return new Response(body, { headers: { 'content-type': request.headers.get('content-type') ?? 'application/octet-stream' } });
  }
  if (url.pathname === '/count') {
    served += 1;
    return new Response(`${served}\n`);
  }
  if (url.pathname === '/fetch') {
    // Outgoing wasi:http: allowed only for hosts the runner grants.
    try {
      const upstream = await fetch(url.searchParams.get('url'));
      return new Response(`upstream ${upstream.status}: ${await upstream.text()}`);
    } catch (e) {
      return new Response(`fetch failed: ${e.message}\n`, { status: 502 });
    }
  }
  return new Response('not found\n', { status: 404 });
}
