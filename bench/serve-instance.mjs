// Where the CPU time of a fresh instance per request goes in `weld serve`, measured in one thread without HTTP or
// worker messages, through the serve worker's own path (weld's WASI host and wasi:http types, jco's bindings):
//  - what weld serve does by default: one instance, put back to its just-made state after every request (its core
//    modules rewritten by exposeCoreState; see packages/runner/src/serve/recycle.ts), split into request and restore;
//  - a new instantiation per request (what weld serve falls back to for components it cannot restore), split into
//    jco's instantiate (of which the core `WebAssembly.Instance` calls) and the first request on that instance;
//  - the same request on a warm instance (`--reuse`), in the same run;
//  - for the C handler, its core module instantiated directly with a hand-written canonical-ABI binding of exactly
//    its 12 imports onto the same host classes: the least a new instantiation could cost without jco's generated
//    per-instance glue (not used by weld serve; it checks nothing jco checks).
// The JS handler (StarlingMonkey, built by `pnpm fixtures` or the test setup) is measured too when it is there.
// Run after `pnpm build`: `node bench/serve-instance.mjs` (N=3000 iterations per line by default, N/30 for JS).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(pathToFileURL(join(root, 'packages', p)).href);
const N = Number(process.env.N ?? 3000);
const { ensureTranspiled, transpileCacheDir } = await dist('runner/dist/transpile-cache.js');
const { createHost, loadHostShim } = await dist('runner/dist/host.js');
const { createWasiHttp } = await dist('runner/dist/serve/wasi-http.js');
const { readyPollable } = await dist('runner/dist/wasi/io.js');
const { InstanceRecorder } = await dist('runner/dist/serve/recycle.js');
const { BINDINGS_STATE } = await dist('runner/dist/transpile-cache.js');
const { exposeCoreState } = await dist('binary/dist/index.js');
const { buildProject, loadProject } = await dist('compose/dist/index.js');
const { parse } = await import('@bytecodealliance/jco');

const cOut = join(root, '.cache/fixtures/http-c');
await buildProject(await loadProject(join(root, 'test/fixtures/http-c')), { outDir: cOut });
const jsHandler = join(root, '.cache/fixtures/polyglot/http.wasm');
const handlers = [
  ['C hello handler', readFileSync(join(cOut, 'http-c.wasm')), '/hello', N, /^hello, world\n$/],
  ['tiny WAT handler', await parse(readFileSync(join(root, 'test/fixtures/http-count.wat'), 'utf8')), '/', N, /^\d\n$/], // the count of this instance's requests, mod 10
  ...(existsSync(jsHandler) ? [['JS hello handler (StarlingMonkey)', readFileSync(jsHandler), '/hello', Math.ceil(N / 30), /^hello, world\n$/]] : []),
];

await loadHostShim();
const grants = { dirs: [], env: {}, allowHosts: [] };
let seq = 0;
let sent = 0;
// the worker's link to the main thread: messages are counted, not sent (no request here reads a body)
let lastBody = '';
const link = {
  post: (m) => {
    sent++;
    if (m.type === 'chunk') lastBody = new TextDecoder().decode(m.bytes);
  },
  call: () => ({ seq: 0, eof: true }),
  nextSeq: () => ++seq,
  grants,
  onDenied() {},
  ready: readyPollable,
};
const http = createWasiHttp(link);
const makeHost = () => createHost({ grants, args: ['component'], stdio: { stdout: 2, stderr: 2 }, onDenied() {} });
const request = (path, handle) => {
  const failure = http.serve({ type: 'request', id: ++seq, method: 'GET', pathWithQuery: path, scheme: 'http', authority: 'bench', headers: [], flight: new SharedArrayBuffer(4) }, handle);
  if (failure) throw new Error(failure);
};

/** Runs `one` N times (after a warm-up) and reports CPU µs per iteration and the wall µs of each named phase. */
function measure(label, one, n) {
  const phases = {};
  const timed = (name, f) => {
    const t = performance.now();
    try {
      return f();
    } finally {
      phases[name] = (phases[name] ?? 0) + performance.now() - t;
    }
  };
  for (let i = 0; i < Math.min(300, Math.ceil(n / 10)); i++) one(timed);
  for (const k of Object.keys(phases)) phases[k] = 0;
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) one(timed);
  const wall = ((performance.now() - t0) / n) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const split = Object.entries(phases).map(([k, v]) => `${k} ${((v / n) * 1000).toFixed(0)}`).join(', ');
  // every line must have answered the request in full, as the others did
  if (!expectedBody.test(lastBody)) throw new Error(`${label}: the last response body was ${JSON.stringify(lastBody)}, not ${expectedBody}`);
  lastBody = '';
  console.log(`  ${label.padEnd(44)} ${((cpu.user + cpu.system) / n).toFixed(0).padStart(5)} µs CPU, ${wall.toFixed(0).padStart(5)} µs wall  (${split})`);
}

let expectedBody = /^/;
for (const [name, bytes, path, n, body] of handlers) {
  expectedBody = body;
  console.log(`-- ${name}: per request, ${n} iterations`);
  const info = await ensureTranspiled(bytes, transpileCacheDir(), 'sync');
  const mod = await import(pathToFileURL(join(info.dir, 'component.js')).href);
  const modules = Object.fromEntries(readdirSync(info.dir).filter((f) => f.endsWith('.wasm')).map((f) => [f, new WebAssembly.Module(readFileSync(join(info.dir, f)))]));
  const exportName = info.exports.find(([n]) => n.startsWith('wasi:http/incoming-handler'))[0];
  const instantiate = (timed) => {
    const host = makeHost();
    const imports = host.imports;
    imports['wasi:http/types'] = http.types;
    imports['wasi:http/outgoing-handler'] = http.outgoingHandler;
    const core = (m, i) => timed('core Instance', () => new WebAssembly.Instance(m, i));
    const instance = timed('jco instantiate', () => mod.instantiate((p) => modules[p], imports, core));
    return { handler: instance[exportName] ?? instance.incomingHandler, host };
  };
  measure('fresh, instantiated anew per request', (timed) => {
    const { handler, host } = instantiate(timed);
    timed('first request', () => request(path, (r, o) => handler.handle(r, o)));
    host.close();
  }, n);
  // What `weld serve` does by default: one instance, put back to its just-made state after every request.
  const exposedModules = Object.fromEntries(Object.entries(modules).map(([f]) => {
    const e = exposeCoreState(readFileSync(join(info.dir, f)));
    if (!e.restorable) throw new Error(`${f}: ${e.reason}`);
    return [f, new WebAssembly.Module(e.bytes)];
  }));
  const recorder = new InstanceRecorder();
  const restorable = (() => {
    const host = makeHost();
    const imports = { ...host.imports, 'wasi:http/types': http.types, 'wasi:http/outgoing-handler': http.outgoingHandler, [BINDINGS_STATE]: recorder.bindings };
    const instance = mod.instantiate((p) => exposedModules[p], imports, recorder.instantiateCore);
    const snapshot = recorder.snapshot();
    if (typeof snapshot === 'string') throw new Error(snapshot);
    return { handler: instance[exportName] ?? instance.incomingHandler, host, snapshot };
  })();
  measure(`fresh, restored (weld serve), ${(restorable.snapshot.memoryBytes / 1024).toFixed(0)} KiB copied`, (timed) => {
    timed('request', () => request(path, (r, o) => restorable.handler.handle(r, o)));
    timed('restore', () => {
      const why = restorable.snapshot.restore();
      if (why || !restorable.host.recycle()) throw new Error(`not restored: ${why ?? 'host'}`);
    });
  }, name.startsWith('JS') ? n * 10 : n);
  if (name.startsWith('JS')) continue; // StarlingMonkey answers one fetch event per instance: no warm line
  const warm = instantiate((_, f) => f());
  measure('warm instance (weld serve --reuse)', (timed) => timed('request', () => request(path, (r, o) => warm.handler.handle(r, o))), n);
  if (name.startsWith('C')) measure('fresh, hand-bound core module (lower bound)', handBound(modules['component.core.wasm'], path), n);
}

/**
 * The C handler's core module instantiated directly: its imports lowered by hand onto weld's wasi:http classes,
 * handles in per-instance tables, memory read through the instance's own export. Only what this handler uses.
 */
function handBound(module, path) {
  const { Fields, OutgoingResponse, OutgoingBody, ResponseOutparam } = http.types;
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  const HEADER_ERRORS = ['invalid-syntax', 'forbidden', 'immutable'];
  return (timed) => {
    const host = makeHost();
    const table = [undefined];
    const own = (value) => table.push(value) - 1;
    const take = (h) => {
      const v = table[h];
      if (v === undefined) throw new WebAssembly.RuntimeError(`unknown handle ${h}`);
      table[h] = undefined;
      return v;
    };
    const get = (h) => {
      const v = table[h];
      if (v === undefined) throw new WebAssembly.RuntimeError(`unknown handle ${h}`);
      return v;
    };
    let exports;
    const view = () => new DataView(exports.memory.buffer);
    const bytes = (ptr, len) => new Uint8Array(exports.memory.buffer, ptr, len);
    const T = 'wasi:http/types@0.2.10';
    const S = 'wasi:io/streams@0.2.10';
    const imports = {
      [T]: {
        '[method]incoming-request.path-with-query'(self, ret) {
          const p = get(self).pathWithQuery();
          if (p === undefined) return view().setUint8(ret, 0);
          const encoded = utf8.encode(p);
          const ptr = exports.cabi_realloc(0, 0, 1, encoded.length);
          bytes(ptr, encoded.length).set(encoded);
          const v = view();
          v.setUint8(ret, 1);
          v.setUint32(ret + 4, ptr, true);
          v.setUint32(ret + 8, encoded.length, true);
        },
        '[resource-drop]incoming-request': (h) => void take(h),
        '[constructor]fields': () => own(new Fields()),
        '[method]fields.append'(self, np, nl, vp, vl, ret) {
          try {
            get(self).append(text.decode(bytes(np, nl)), bytes(vp, vl).slice());
            view().setUint8(ret, 0);
          } catch (e) {
            view().setUint8(ret, 1);
            view().setUint8(ret + 1, HEADER_ERRORS.indexOf(e.tag));
          }
        },
        '[constructor]outgoing-response': (headers) => own(new OutgoingResponse(take(headers))),
        '[method]outgoing-response.set-status-code'(self, code) {
          try {
            get(self).setStatusCode(code);
            return 0;
          } catch {
            return 1;
          }
        },
        '[method]outgoing-response.body'(self, ret) {
          try {
            const body = get(self).body();
            view().setUint8(ret, 0);
            view().setUint32(ret + 4, own(body), true);
          } catch {
            view().setUint8(ret, 1);
          }
        },
        '[static]response-outparam.set'(param, isErr, response) {
          if (isErr) throw new Error('the hand-bound prototype lifts only ok responses');
          ResponseOutparam.set(take(param), { tag: 'ok', val: take(response) });
        },
        '[method]outgoing-body.write'(self, ret) {
          try {
            const stream = get(self).write();
            view().setUint8(ret, 0);
            view().setUint32(ret + 4, own(stream), true);
          } catch {
            view().setUint8(ret, 1);
          }
        },
        '[static]outgoing-body.finish'(self, hasTrailers, trailers, ret) {
          OutgoingBody.finish(take(self), hasTrailers ? take(trailers) : undefined);
          view().setUint8(ret, 0);
        },
      },
      [S]: {
        '[method]output-stream.blocking-write-and-flush'(self, ptr, len, ret) {
          try {
            get(self).blockingWriteAndFlush(bytes(ptr, len).slice());
            view().setUint8(ret, 0);
          } catch (e) {
            view().setUint8(ret, 1);
            view().setUint8(ret + 4, e?.tag === 'closed' ? 1 : 0);
          }
        },
        '[resource-drop]output-stream': (h) => void take(h),
      },
    };
    exports = timed('core Instance', () => new WebAssembly.Instance(module, imports)).exports;
    exports._initialize();
    const handle = exports['wasi:http/incoming-handler@0.2.10#handle'];
    timed('first request', () => request(path, (req, out) => handle(own(req), own(out))));
    host.close();
  };
}
console.log(`(${sent} messages to the main thread counted, not sent)`);
