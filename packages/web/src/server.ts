/**
 * `weld ui`'s server: the page's files and the store's OCI layout, read-only, on a loopback address. It computes
 * nothing; the page does. Store paths are matched against a closed set of shapes (`index.json`, `oci-layout`,
 * `blobs/sha256/<64 hex>`), so no request names a path outside the store, and the file reached must still be
 * inside the store after symlinks are followed.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { UiError } from './errors.js';

export interface UiServerOptions {
  /** the page's files by path (see `buildPage`) */
  files: Map<string, Uint8Array>;
  /** the OCI image layout served under /store/ (the embedded store); absent: the page shows no store */
  store?: string;
  /** default 127.0.0.1; only loopback addresses are accepted */
  host?: string;
  /** default 0: a free port */
  port?: number;
}

export interface UiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json',
  json: 'application/json',
};

// 'wasm-unsafe-eval': the worker compiles core modules to validate them; nothing else runs but the page's own files.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const STORE_PATH = /^\/store\/(index\.json|oci-layout|blobs\/sha256\/[0-9a-f]{64})$/;

function headers(type: string, length?: number): Record<string, string> {
  return {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'content-security-policy': CSP,
    'cache-control': 'no-store',
    'cross-origin-resource-policy': 'same-origin',
    ...(length !== undefined ? { 'content-length': String(length) } : {}),
  };
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, headers('text/plain; charset=utf-8', Buffer.byteLength(text)));
  res.end(text);
}

/** The Host header names a loopback name (a page on another origin rebinding its DNS to 127.0.0.1 is refused). */
function loopbackHost(req: IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0]!;
  return LOOPBACK.has(name);
}

async function serveStore(root: string, rel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const realRoot = await realpath(root).catch(() => undefined);
  const file = realRoot && (await realpath(join(realRoot, rel)).catch(() => undefined));
  if (!realRoot || !file) return send(res, 404, 'not found\n');
  if (!file.startsWith(realRoot + sep)) return send(res, 403, 'outside the store\n');
  const info = await stat(file);
  if (!info.isFile()) return send(res, 404, 'not found\n');
  res.writeHead(200, headers(rel.startsWith('blobs/') ? 'application/octet-stream' : 'application/json', info.size));
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/** Starts serving; resolves once listening. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new UiError('ui-address', `weld ui listens on loopback only, not ${host}`, { hint: 'use 127.0.0.1 (the default) or ::1' });
  }
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'read-only\n');
      if (!loopbackHost(req)) return send(res, 421, 'this server answers loopback names only\n');
      // the WHATWG parser resolves `..` and `%2e%2e` segments; nothing is percent-decoded after it
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const store = STORE_PATH.exec(path);
      if (store) return options.store ? serveStore(options.store, store[1]!, req, res) : send(res, 404, 'no store is served\n');
      const name = path === '/' ? 'index.html' : path.slice(1);
      const body = options.files.get(name);
      if (!body) return send(res, 404, 'not found\n');
      res.writeHead(200, headers(TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body.byteLength));
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UiError('ui-address', `cannot listen on ${host}:${options.port ?? 0}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`, { cause: e, hint: e.code === 'EADDRINUSE' ? 'pick another --port, or leave it out for a free one' : undefined })),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
