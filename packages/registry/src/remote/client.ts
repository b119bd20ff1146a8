import { createAgents, sendHttp, type FileBody, type HttpAgents, type HttpError, type HttpResponse } from './http.js';
import { RegistryError, type RegistryErrorCode } from '../errors.js';
import { isLoopbackHost } from '../reference.js';
import { parseChallenge, type Challenge } from './challenge.js';
import { defaultCredentials, type Credential, type CredentialProvider } from './credentials.js';

export interface ClientOptions {
  /** Use http:// for this (non-loopback) registry. Loopback hosts use http:// unless `tls` is set. */
  plainHttp?: boolean;
  /** Force https:// even on loopback. */
  tls?: boolean;
  credentials?: CredentialProvider;
  /** Time to wait for response headers, and between body chunks (ms). Default 60 s. */
  timeoutMs?: number;
  /** Attempts for idempotent requests on 429/5xx/connection resets. Default 4. */
  retries?: number;
  /** Base backoff (ms), doubled per attempt, with jitter; `Retry-After` wins when present. Default 250. */
  backoffMs?: number;
  userAgent?: string;
  /** Connection pools to use (default: one keep-alive pool per process). */
  agents?: HttpAgents;
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Path starting with /v2/ or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  /** A Buffer/string body is replayable (retried); an iterable or file body is sent once. */
  body?: Uint8Array | string | AsyncIterable<Uint8Array> | FileBody;
  /** Token scopes this request needs, e.g. `repository:team/app:pull`. */
  scopes: string[];
  /** What the request is about, for error messages ("manifest team/app:v1"). */
  what: string;
  /** Status codes that are not errors (the caller handles them). */
  accept?: number[];
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: HttpResponse['body'];
  url: string;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

/** One keep-alive pool per process, made on first use. */
let DEFAULT_AGENTS: HttpAgents | undefined;
const CONNECT_TIMEOUT_MS = 15_000;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'CONNECT_TIMEOUT']);

export function header(h: RegistryResponse['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** API host for a registry name: Docker Hub's `docker.io` is served from `registry-1.docker.io`. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/**
 * HTTP access to one registry host: auth challenges (basic and bearer with per-scope token cache, refresh
 * tokens), retries with backoff, timeouts, redirects, and one typed error per failure.
 */
export class RegistryClient {
  readonly host: string;
  readonly base: string;
  private readonly opts: Required<Pick<ClientOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'userAgent'>>;
  private readonly credentials: CredentialProvider;
  private readonly agents: HttpAgents;
  private credential?: Promise<Credential | undefined>;
  private challenge?: Challenge;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pendingTokens = new Map<string, Promise<CachedToken>>();

  constructor(
    readonly registry: string,
    options: ClientOptions = {},
  ) {
    this.host = apiHost(registry);
    const loopback = isLoopbackHost(this.host);
    const scheme = options.tls ? 'https' : options.plainHttp || loopback ? 'http' : 'https';
    this.base = `${scheme}://${this.host}`;
    this.credentials = options.credentials ?? defaultCredentials();
    this.agents = options.agents ?? (DEFAULT_AGENTS ??= createAgents());
    this.opts = {
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 250,
      userAgent: options.userAgent ?? 'weld',
    };
  }

  private getCredential(): Promise<Credential | undefined> {
    this.credential ??= this.credentials(this.registry);
    return this.credential;
  }

  /** Sends a request; 401 triggers the challenge flow once, retryable failures back off and retry. */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const replayable = req.body === undefined || typeof req.body === 'string' || req.body instanceof Uint8Array;
    const attempts = replayable ? this.opts.retries : 1;
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      let res: RegistryResponse & { sentAuth: boolean; sentHeader?: string };
      try {
        res = await this.once(req);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (attempt < attempts && RETRYABLE_ERRORS.has(code)) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw this.networkError(e, req);
      }
      if (res.status === 401 && !authRetried && !req.accept?.includes(401)) {
        const challenge = parseChallenge(header(res.headers, 'www-authenticate'));
        const text = req.method === 'HEAD' ? '' : await res.body.text().catch(() => '');
        if (challenge && (challenge.scheme === 'bearer' || challenge.scheme === 'basic')) {
          this.challenge = challenge;
          // Forget the token only if this request carried it and was refused: a request that went out before the
          // first challenge (several in flight) must not throw away the token another one has fetched since.
          if (challenge.scheme === 'bearer' && res.sentHeader !== undefined) {
            const key = this.tokenKey(req.scopes);
            if (this.tokens.get(key)?.header === res.sentHeader) this.tokens.delete(key);
          }
          authRetried = true;
          // Retry unless we already sent basic credentials (then they are wrong); a bearer token may just lack scope.
          if (!res.sentAuth || challenge.scheme === 'bearer') {
            if (!replayable) throw new RegistryError('unauthorized', `${this.host} asks for credentials before accepting ${req.what}`, { status: 401 });
            continue;
          }
        }
        throw await this.statusError(res.status, text, req);
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt < attempts && !req.accept?.includes(res.status)) {
        const retryAfter = Number(header(res.headers, 'retry-after'));
        await res.body.dump();
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : this.backoff(attempt));
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) return res;
      const text = req.method === 'HEAD' ? '' : await res.body.text().catch(() => '');
      if (req.method === 'HEAD') await res.body.dump().catch(() => undefined);
      throw await this.statusError(res.status, text, req);
    }
  }

  /**
   * Connects and settles authentication for these scope sets ahead of the requests that need them (a push does
   * this while it hashes its file): the API check (`GET /v2/`, one attempt) learns the registry's challenge, then
   * the tokens are fetched side by side. Failures are left to the requests themselves to report.
   */
  async prepare(scopeSets: string[][]): Promise<void> {
    try {
      if (!this.challenge) {
        const res = await this.once({ method: 'GET', url: '/v2/', scopes: [], what: 'the API version check' });
        const challenge = res.status === 401 ? parseChallenge(header(res.headers, 'www-authenticate')) : undefined;
        await res.body.dump();
        if (challenge && (challenge.scheme === 'bearer' || challenge.scheme === 'basic')) this.challenge ??= challenge;
      }
      if (this.challenge) await Promise.all(scopeSets.map((scopes) => this.authorization(scopes)));
    } catch {
      /* an unreachable registry or refused credentials: the push's own requests say so */
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** (attempt - 1);
    return base / 2 + Math.random() * base;
  }

  private resolveUrl(url: string): string {
    return /^https?:\/\//.test(url) ? url : new URL(url, this.base).toString();
  }

  private async once(req: RegistryRequest): Promise<RegistryResponse & { sentAuth: boolean; sentHeader?: string }> {
    let url = this.resolveUrl(req.url);
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...req.headers };
    const auth = await this.authorization(req.scopes);
    let sameOrigin = true;
    for (let hop = 0; hop < 6; hop++) {
      const h = { ...headers };
      if (auth && sameOrigin) h.authorization = auth;
      const r = await sendHttp(url, { method: req.method, headers: h, body: req.body, agents: this.agents, timeoutMs: this.opts.timeoutMs, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      const location = r.headers.location;
      if ((req.method === 'GET' || req.method === 'HEAD') && [301, 302, 303, 307, 308].includes(r.statusCode) && typeof location === 'string') {
        await r.body.dump();
        const next = new URL(location, url);
        sameOrigin = next.origin === new URL(this.base).origin;
        url = next.toString();
        continue;
      }
      const sent = auth && sameOrigin ? auth : undefined;
      return { status: r.statusCode, headers: r.headers, body: r.body, url, sentAuth: sent !== undefined, sentHeader: sent };
    }
    throw new RegistryError('registry-error', `too many redirects fetching ${req.what} from ${this.host}`);
  }

  private tokenKey(scopes: string[]): string {
    return [...scopes].sort().join(' ');
  }

  /** The Authorization header for these scopes, fetching a bearer token when the registry asked for one. */
  private async authorization(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const cred = await this.getCredential();
    if (challenge.scheme === 'basic') {
      if (!cred?.username || cred.password === undefined) {
        throw new RegistryError('unauthorized', `${this.host} requires a username and password`, { status: 401, hint: `run: weld login ${this.registry}` });
      }
      return 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
    }
    const key = this.tokenKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.header;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(challenge, scopes, cred).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return token.header;
  }

  private async fetchToken(challenge: Challenge, scopes: string[], cred: Credential | undefined): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('registry-error', `${this.host} sent a bearer challenge without a realm`);
    const service = challenge.params.service;
    const allScopes = [...new Set([...scopes, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])])];
    let r: HttpResponse;
    try {
      if (cred?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'weld' });
        if (service) form.set('service', service);
        if (allScopes.length) form.set('scope', allScopes.join(' '));
        r = await sendHttp(realm, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': this.opts.userAgent },
          body: form.toString(),
          agents: this.agents,
          timeoutMs: this.opts.timeoutMs,
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
        });
      } else {
        const u = new URL(realm);
        if (service) u.searchParams.set('service', service);
        for (const s of allScopes) u.searchParams.append('scope', s);
        const headers: Record<string, string> = { 'user-agent': this.opts.userAgent };
        if (cred?.username && cred.password !== undefined) headers.authorization = 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
        r = await sendHttp(u, { method: 'GET', headers, agents: this.agents, timeoutMs: this.opts.timeoutMs, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      }
    } catch (e) {
      throw new RegistryError('network-error', `cannot reach the token service ${realm} for ${this.host}`, { cause: e });
    }
    const text = await r.body.text();
    if (r.statusCode === 401 || r.statusCode === 403) {
      throw new RegistryError('unauthorized', cred ? `${this.host} rejected the credentials from ${cred.source}` : `${this.host} requires authentication`, {
        status: r.statusCode,
        detail: errorBodySummary(text),
        hint: cred ? `check the username and password, or run: weld login ${this.registry}` : `run: weld login ${this.registry}`,
      });
    }
    if (r.statusCode !== 200) {
      throw new RegistryError('registry-error', `the token service ${realm} answered ${r.statusCode}`, { status: r.statusCode, detail: errorBodySummary(text) });
    }
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch (e) {
      throw new RegistryError('registry-error', `the token service ${realm} returned invalid JSON`, { cause: e });
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new RegistryError('registry-error', `the token service ${realm} returned no token`);
    const lifetime = Math.max(30, doc.expires_in ?? 60);
    return { header: `Bearer ${token}`, expiresAt: Date.now() + (lifetime - 10) * 1000 };
  }

  /** A response body whose network failures while streaming (stalls, resets) surface as `RegistryError`s. */
  async *guardedBody(body: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) yield chunk;
    } catch (e) {
      throw this.networkError(e, { what });
    }
  }

  private networkError(e: unknown, req: Pick<RegistryRequest, 'what'>): RegistryError {
    if (e instanceof RegistryError) return e;
    const code = (e as { code?: string }).code ?? '';
    const msg = (e as Error).message ?? String(e);
    if (code === 'BODY_UNREADABLE') return new RegistryError((e as HttpError).fileProblem ?? 'unreadable-file', msg, { cause: e });
    if (code === 'CONTENT_LENGTH_MISMATCH') {
      return new RegistryError('size-mismatch', `the content sent for ${req.what} is shorter or longer than its declared size`, { cause: e });
    }
    if (code === 'TIMEOUT' || code === 'CONNECT_TIMEOUT') {
      return new RegistryError('timeout', `${this.host} did not answer in time (${req.what})`, { cause: e });
    }
    if (/wrong version number|packet length too long|EPROTO/i.test(msg + code)) {
      return new RegistryError('insecure-registry', `${this.host} does not speak TLS`, { cause: e, hint: 'if this registry is meant to be plain HTTP, pass --plain-http' });
    }
    return new RegistryError('network-error', `cannot reach ${this.host} (${code || msg})`, { cause: e, hint: 'check the host name and port, and that the registry is running' });
  }

  private async statusError(status: number, text: string, req: RegistryRequest): Promise<RegistryError> {
    const codes = registryErrorCodes(text);
    const detail = errorBodySummary(text);
    const cred = status === 401 || status === 403 ? await this.getCredential().catch(() => undefined) : undefined;
    const make = (code: RegistryErrorCode, message: string, hint?: string) => new RegistryError(code, message, { status, detail, hint });
    if (codes.includes('DENIED') || status === 403) {
      return make('denied', `${this.host} denied access to ${req.what}`, cred ? `the account from ${cred.source} lacks permission for this repository` : `log in with an account that has access: weld login ${this.registry}`);
    }
    if (status === 401) {
      return make(
        'unauthorized',
        cred ? `${this.host} rejected the credentials from ${cred.source} for ${req.what}` : `${this.host} requires authentication for ${req.what}`,
        cred ? `check the username and password, or run: weld login ${this.registry}` : `run: weld login ${this.registry}`,
      );
    }
    if (status === 404) {
      if (codes.includes('NAME_UNKNOWN')) return make('name-unknown', `repository not found on ${this.host}: ${req.what}`);
      if (codes.includes('BLOB_UNKNOWN')) return make('blob-unknown', `blob not found on ${this.host}: ${req.what}`);
      return make('manifest-unknown', `not found on ${this.host}: ${req.what}`);
    }
    if (status === 429) return make('too-many-requests', `${this.host} is rate-limiting requests (${req.what})`, 'wait and retry');
    if (status >= 500) return make('registry-unavailable', `${this.host} failed with ${status} on ${req.what}`, 'the registry is unhealthy; retry later');
    if (codes.includes('DIGEST_INVALID')) return make('digest-mismatch', `${this.host} says the uploaded content does not match its digest (${req.what})`);
    if (codes.includes('MANIFEST_INVALID') || codes.includes('MANIFEST_BLOB_UNKNOWN')) return make('invalid-manifest', `${this.host} rejected the manifest ${req.what}`);
    if (codes.includes('TAG_INVALID')) return make('invalid-reference', `${this.host} rejected the tag in ${req.what}`);
    if (codes.includes('UNSUPPORTED')) return make('unsupported-operation', `${this.host} does not support this operation (${req.what})`);
    return make('registry-error', `${this.host} answered ${status} to ${req.method} ${req.what}`);
  }
}

function registryErrorCodes(text: string): string[] {
  try {
    const doc = JSON.parse(text) as { errors?: { code?: string }[] };
    return (doc.errors ?? []).map((e) => String(e.code ?? ''));
  } catch {
    return [];
  }
}

function errorBodySummary(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const doc = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[]; details?: string };
    if (doc.errors?.length) return doc.errors.map((e) => `${e.code}: ${e.message ?? ''}${e.detail ? ' ' + JSON.stringify(e.detail) : ''}`).join('\n');
    if (doc.details) return doc.details;
  } catch {
    /* not JSON */
  }
  return text.length > 300 ? text.slice(0, 300) + '…' : text.trim() || undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
