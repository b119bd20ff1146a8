// A wasi:http/incoming-handler written as a fetch-event handler (StarlingMonkey).
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

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
  return new Response('not found\n', { status: 404 });
}
