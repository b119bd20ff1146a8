/**
 * A serve worker: loads the transpiled component (core modules compiled once, on the main thread), keeps an
 * instance ready, and runs one request at a time through it with weld's wasi:http host.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createHost, loadHostShim } from '../host.js';
import { readyPollable } from '../wasi/io.js';
import { SYNC_SIGNAL, type RequestStart, type SyncReply, type WorkerConfig, type WorkerMessage } from './protocol.js';
import { createWasiHttp, guestHeaders, type HttpLink } from './wasi-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const config = workerData as WorkerConfig;
const port = parentPort!;
const signal = new Int32Array(config.signal);
let seq = 0;

function post(message: WorkerMessage, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

function call(message: WorkerMessage & { seq: number }): SyncReply {
  post(message);
  for (;;) {
    const seen = Atomics.load(signal, SYNC_SIGNAL);
    for (let m = receiveMessageOnPort(config.replies); m; m = receiveMessageOnPort(config.replies)) {
      const reply = m.message as SyncReply;
      if (reply.seq === message.seq) return reply;
    }
    Atomics.wait(signal, SYNC_SIGNAL, seen);
  }
}

async function main(): Promise<void> {
  await loadHostShim();
  const mod = (await import(pathToFileURL(path.join(config.dir, 'component.js')).href)) as {
    instantiate(getCoreModule: (p: string) => unknown, imports: Record<string, unknown>): Record<string, any>;
  };
  // The guest's stdout and stderr go to the server's stderr as it writes them; its stdin is empty.
  const makeHost = () =>
    createHost({
      grants: config.grants,
      args: ['component'],
      stdio: { stdout: 2, stderr: 2 },
      onDenied: (denial) => post({ type: 'denied', denial }),
    });
  const probe = makeHost().imports as Record<string, any>;
  const streams = probe['wasi:io/streams'] as { InputStream: new () => any; OutputStream: new () => any };
  const IoError = (probe['wasi:io/error'] as { Error: new (m: string) => object }).Error;

  const link: HttpLink = {
    post,
    call,
    nextSeq: () => ++seq,
    grants: config.grants,
    onDenied: (denial) => post({ type: 'denied', denial }),
    InputStream: streams.InputStream,
    OutputStream: streams.OutputStream,
    IoError,
    ready: readyPollable,
  };
  const http = createWasiHttp(link);

  type Ready = { handle(request: unknown, out: unknown): void; close(): void };
  const instantiate = (): Ready => {
    const host = makeHost();
    const imports = host.imports;
    imports['wasi:http/types'] = http.types;
    imports['wasi:http/outgoing-handler'] = http.outgoingHandler;
    const instance = mod.instantiate((p) => config.modules[p], imports);
    const exported = (instance[config.handlerExport] ?? instance.incomingHandler) as { handle(request: unknown, out: unknown): void };
    return { handle: (request, out) => exported.handle(request, out), close: host.close };
  };

  let ready: Ready | undefined;
  const prepare = () => {
    try {
      ready = instantiate();
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'init-failed', message: `instantiating the component failed: ${(e as Error).message}` });
    }
  };

  port.on('message', (start: RequestStart) => {
    const handler = ready!;
    if (!config.reuse) ready = undefined;
    start.headers = guestHeaders(start.headers);
    const failure = http.serve(start, (request, out) => handler.handle(request, out));
    post({ type: 'done', id: start.id, failure });
    if (failure?.startsWith('the component trapped')) ready = undefined; // a trapped instance is not used again
    if (ready !== handler) handler.close(); // its descriptors close with it
    if (ready) post({ type: 'ready' });
    else prepare();
  });
  prepare();
}

main().catch((e) => post({ type: 'init-failed', message: `loading the component failed: ${(e as Error).message}` }));
