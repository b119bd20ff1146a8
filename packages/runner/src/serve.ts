import { RunError } from './errors.js';
import { hostImports, loadHostShim, shimModule, type Denial } from './host.js';
import type { Grants } from './grants.js';
import { checkImportsProvided, versionless } from './instance.js';
import { transpileCached, transpileCacheDir } from './transpile-cache.js';

export interface ServeOptions {
  grants: Grants;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  onDenied?: (denial: Denial) => void;
  /** A request the component failed (trap, error response, no response): it got a 500. */
  onRequestFailed?: (failure: RequestFailure) => void;
}

export interface RequestFailure {
  request: number;
  reason: string;
}

export interface HttpService {
  host: string;
  port: number;
  url: string;
  /** Requests handled so far (each by a fresh instance). */
  requests(): number;
  close(): void;
}

interface OutgoingBodyLike {
  write(): { blockingWriteAndFlush(bytes: Uint8Array): void };
}
interface OutgoingResponseLike {
  setStatusCode(code: number): void;
  body(): OutgoingBodyLike;
}
interface HttpTypes {
  Fields: { fromList(entries: Array<[string, Uint8Array]>): unknown };
  OutgoingResponse: new (headers: unknown) => OutgoingResponseLike;
  OutgoingBody: { finish(body: OutgoingBodyLike, trailers: undefined): void };
  ResponseOutparam: { set(param: unknown, response: { tag: 'ok' | 'err'; val: unknown }): void };
}

/** Params whose response is set, so a handler that returns without one gets a 500 instead of a hung client. */
const answered = new WeakSet<object>();
/** Where an `err` response of the current request is reported; see `guardResponseOutparam`. */
let reportErrorResponse: ((reason: string) => void) | undefined;

/**
 * preview2-shim's HTTP server ends the whole process when a guest answers with `response-outparam.set(err(…))`;
 * a server must answer 500 instead. The class is shared by every instance, so its static `set` is wrapped once.
 */
function guardResponseOutparam(types: HttpTypes): void {
  const cls = types.ResponseOutparam as HttpTypes['ResponseOutparam'] & { weldGuarded?: boolean };
  if (cls.weldGuarded) return;
  const original = cls.set.bind(cls);
  cls.set = (param, response) => {
    answered.add(param as object);
    if (response.tag === 'err') {
      reportErrorResponse?.(`the component answered with an error: ${JSON.stringify(response.val)}`);
      return answerServerError(types, original, param);
    }
    return original(param, response);
  };
  cls.weldGuarded = true;
}

/** Sets a plain-text 500 on `param` through `set`, writing and finishing its body as a guest would. */
function answerServerError(types: HttpTypes, set: HttpTypes['ResponseOutparam']['set'], param: unknown): void {
  const text = new TextEncoder().encode('500 internal server error: the component failed this request\n');
  const headers = types.Fields.fromList([
    ['content-type', new TextEncoder().encode('text/plain')],
    ['content-length', new TextEncoder().encode(String(text.length))],
  ]);
  const response = new types.OutgoingResponse(headers);
  response.setStatusCode(500);
  const body = response.body();
  set(param, { tag: 'ok', val: response });
  body.write().blockingWriteAndFlush(text);
  types.OutgoingBody.finish(body, undefined);
}

/**
 * Serves a `wasi:http/incoming-handler` component: every request gets a fresh instance whose imports come from
 * `grants` (core modules are compiled once), so no state or capability leaks between requests. A trap, an error
 * response or a missing response becomes a 500 for that request only.
 */
export async function serveHttp(bytes: Uint8Array, options: ServeOptions): Promise<HttpService> {
  const component = await transpileCached(bytes, transpileCacheDir(), 'sync');
  const handlerExport = component.exports.find(([name]) => versionless(name) === 'wasi:http/incoming-handler');
  if (!handlerExport) {
    const names = component.exports.map(([n]) => n).join(', ') || '(none)';
    throw new RunError('not-an-http-handler', `the component does not export wasi:http/incoming-handler, so it cannot be served (exports: ${names})`, {
      hint: 'weld run runs wasi:cli/run commands; weld call calls exported functions',
    });
  }
  await loadHostShim();
  checkImportsProvided(component);
  const http = shimModule().http as { types: HttpTypes; HTTPServer: new (handler: unknown) => { listen(port: number, host: string): void; address(): { port: number }; stop(): void } };
  guardResponseOutparam(http.types);

  let count = 0;
  const handler = {
    handle(request: unknown, responseOutparam: object) {
      const id = ++count;
      let failure: string | undefined;
      reportErrorResponse = (reason) => (failure = reason);
      try {
        const instance = component.instantiateSync(
          hostImports({ grants: options.grants, args: ['component'], onDenied: (d) => options.onDenied?.(d) }),
        );
        const exported = instance[handlerExport[0]] ?? instance.incomingHandler;
        exported.handle(request, responseOutparam);
        if (!answered.has(responseOutparam)) failure ??= 'the component returned without setting a response';
      } catch (e) {
        failure = `the component trapped: ${(e as Error).message}`;
      } finally {
        reportErrorResponse = undefined;
      }
      if (failure) {
        options.onRequestFailed?.({ request: id, reason: failure });
        if (!answered.has(responseOutparam)) answerServerError(http.types, http.types.ResponseOutparam.set, responseOutparam);
      }
    },
  };
  const host = options.host ?? '127.0.0.1';
  const server = new http.HTTPServer(handler);
  try {
    server.listen(options.port ?? 8080, host);
  } catch (e) {
    server.stop();
    const code = (e as { code?: string }).code;
    throw new RunError('listen-failed', `cannot listen on ${host}:${options.port ?? 8080}: ${code === 'EADDRINUSE' ? 'the address is in use' : (e as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : undefined,
    });
  }
  const { port } = server.address();
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests: () => count,
    close: () => server.stop(),
  };
}
