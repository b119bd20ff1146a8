/**
 * Starts Debian's `docker-registry` (CNCF distribution v2) on 127.0.0.1 with a free port, for tests and
 * benchmarks. Modes: `open` (anonymous), `htpasswd` (basic auth), `token` (bearer tokens from a small token
 * server run here, signed with a throwaway ES256 key the registry trusts).
 *
 * Needs the Debian packages `docker-registry`, `apache2-utils` (htpasswd, for bcrypt) and `openssl` (token mode).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RegistryMode = 'open' | 'htpasswd' | 'token';

export interface RegistryUser {
  username: string;
  password: string;
  /** Token mode: an OAuth2 refresh token (Docker config `identitytoken`) the token server accepts for this user. */
  identityToken?: string;
  /** Token mode: actions granted per repository (default: pull and push everywhere). */
  grant?: (repository: string, requested: string[]) => string[];
}

export interface StartRegistryOptions {
  mode?: RegistryMode;
  users?: RegistryUser[];
  /** Token mode: allow anonymous pull tokens. Default false. */
  anonymousPull?: boolean;
  /** Token lifetime in seconds (token mode). Default 300. */
  tokenTtl?: number;
  /** Keep the registry's access log, to count requests (`requests()`). Default false. */
  accessLog?: boolean;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`: the registry host to put in references. */
  host: string;
  port: number;
  mode: RegistryMode;
  /** Filesystem root of the registry's storage (to corrupt blobs in tests). */
  storageDir: string;
  users: RegistryUser[];
  /** Token mode: how many tokens the token server issued. */
  tokenRequests: () => number;
  /** Path of a blob's data file inside the storage root. */
  blobPath(digest: string): string;
  /**
   * With `accessLog`: every request the registry has logged, as `METHOD /path?query` in order. It first makes
   * a marker request and waits for its line, so requests answered before the call are all in the list.
   */
  requests(): Promise<string[]>;
  stop(): Promise<void>;
}

export const DEFAULT_USER: RegistryUser = { username: 'weld', password: 'weld-secret' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

async function waitForRegistry(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not start on port ${port}:\n${log()}`);
}

function startTokenServer(
  dir: string,
  users: RegistryUser[],
  opts: { service: string; issuer: string; ttl: number; anonymousPull: boolean },
): Promise<{ server: Server; port: number; certPath: string; count: () => number }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=weld-test-token'], { stdio: 'ignore' });
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = new X509Certificate(readFileSync(certPath)).raw;
  let issued = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      // OAuth2 refresh-token grant (what clients holding an identity token use).
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const user = users.find((u) => u.identityToken !== undefined && u.identityToken === form.get('refresh_token'));
        if (form.get('grant_type') !== 'refresh_token' || !user) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'invalid refresh token' }));
          return;
        }
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        respond(res, user, scopes, 'access_token');
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authz = req.headers.authorization;
    let user: RegistryUser | undefined;
    if (authz?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(authz.slice(6), 'base64').toString().split(':');
      user = users.find((x) => x.username === u && x.password === p.join(':'));
      if (!user) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
    }
    respond(res, user, url.searchParams.getAll('scope').flatMap((s) => s.split(' ')), 'token');
  });
  const respond = (res: import('node:http').ServerResponse, user: RegistryUser | undefined, scopes: string[], field: 'token' | 'access_token') => {
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const requested = actions.split(',');
      const granted = user ? (user.grant ? user.grant(name, requested) : requested.filter((a) => a === 'pull' || a === 'push')) : opts.anonymousPull ? requested.filter((a) => a === 'pull') : [];
      return [{ type, name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const head = { alg: 'ES256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = { iss: opts.issuer, sub: user?.username ?? '', aud: opts.service, exp: now + opts.ttl, nbf: now - 5, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signingInput = `${b64url(JSON.stringify(head))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    issued++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ [field]: `${signingInput}.${b64url(signature)}`, expires_in: opts.ttl, issued_at: new Date().toISOString() }));
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0, certPath, count: () => issued });
  }));
}

/** Starts a registry; always `await reg.stop()` (afterAll). */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const mode = options.mode ?? 'open';
  const users = options.users ?? [DEFAULT_USER];
  const dir = mkdtempSync(join(tmpdir(), 'weld-registry-'));
  const storageDir = join(dir, 'storage');
  const port = await freePort();
  let auth = '';
  let tokenServer: Awaited<ReturnType<typeof startTokenServer>> | undefined;
  if (mode === 'htpasswd') {
    const lines = users.map((u) => execFileSync('htpasswd', ['-nbB', u.username, u.password]).toString().trim());
    writeFileSync(join(dir, 'htpasswd'), lines.join('\n') + '\n');
    auth = `auth:\n  htpasswd:\n    realm: weld-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (mode === 'token') {
    tokenServer = await startTokenServer(dir, users, { service: 'weld-test-registry', issuer: 'weld-test-issuer', ttl: options.tokenTtl ?? 300, anonymousPull: options.anonymousPull ?? false });
    auth = `auth:\n  token:\n    realm: http://127.0.0.1:${tokenServer.port}/token\n    service: weld-test-registry\n    issuer: weld-test-issuer\n    rootcertbundle: ${tokenServer.certPath}\n`;
  }
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: ${options.accessLog ? 'false' : 'true'}
storage:
  filesystem:
    rootdirectory: ${storageDir}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
  secret: ${randomBytes(16).toString('hex')}
${auth}`;
  writeFileSync(join(dir, 'config.yml'), config);
  let log = '';
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  // The access log (Apache combined format) goes to stdout: `… "POST /v2/x/blobs/uploads/ HTTP/1.1" 202 …`.
  const requests: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
    if (!options.accessLog) return;
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = /"([A-Z]+) (\S+) HTTP\/[\d.]+"/.exec(line);
      if (m) requests.push(`${m[1]} ${m[2]}`);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (tokenServer) await new Promise((r) => tokenServer!.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForRegistry(port, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    mode,
    storageDir,
    users,
    tokenRequests: () => tokenServer?.count() ?? 0,
    blobPath: (digest: string) => {
      const hex = digest.replace(/^sha256:/, '');
      return join(storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    requests: async () => {
      if (!options.accessLog) throw new Error('startRegistry({ accessLog: true }) keeps the access log');
      const marker = `/v2/_weld_log_marker_${randomBytes(6).toString('hex')}`;
      await (await fetch(`http://127.0.0.1:${port}${marker}`)).arrayBuffer();
      const deadline = Date.now() + 5000;
      while (!requests.some((r) => r.endsWith(marker))) {
        if (Date.now() > deadline) throw new Error('docker-registry did not log the marker request');
        await new Promise((r) => setTimeout(r, 10));
      }
      return requests.filter((r) => !r.includes('/_weld_log_marker_'));
    },
    stop,
  };
}
