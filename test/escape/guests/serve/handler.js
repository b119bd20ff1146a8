// A hostile wasi:http handler (fetch-event, StarlingMonkey) for `weld serve`:
//   /ok      200 "ok\n"                    (positive control)
//   /loop    never answers (busy loop)     -> the request's --timeout must end it with a 5xx or a reset
//   /midbody sends headers and a first chunk, then fails the body stream -> never a clean complete 200
//   /status  answers status 1000           -> the host must not pass an invalid status line on
//   /slow    streams 64 KiB chunks for ever (for a client that disconnects mid-response)
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

function handle(request) {
  const path = new URL(request.url).pathname;
  if (path === '/ok') return new Response('ok\n');
  if (path === '/loop') {
    for (;;) {}
  }
  if (path === '/midbody') {
    let sent = false;
    const body = new ReadableStream({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('first chunk of a body that never completes\n'));
          return;
        }
        throw new Error('trap in the middle of the body');
      },
    });
    return new Response(body, { status: 200 });
  }
  if (path === '/status') {
    const r = new Response('bad status\n');
    try {
      Object.defineProperty(r, 'status', { value: 1000 });
    } catch {}
    return new Response('bad status\n', { status: 1000 });
  }
  if (path === '/slow') {
    const chunk = new Uint8Array(65536).fill(65);
    return new Response(new ReadableStream({ pull: (c) => c.enqueue(chunk) }));
  }
  return new Response('not found\n', { status: 404 });
}
