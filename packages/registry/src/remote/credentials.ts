import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegistryError } from '../errors.js';

/** What a registry login yields: a password pair, or an identity (refresh) token for the token flow. */
export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (Docker config `identitytoken`, or a helper answering Username `<token>`). */
  identityToken?: string;
  /** Where the credential came from, for error messages ("docker config", "WELD_REGISTRY_USER", …). */
  source: string;
}

/** Looks up the credential for a registry host; `undefined` means anonymous. */
export type CredentialProvider = (host: string) => Promise<Credential | undefined>;

export interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

export async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    return doc as DockerConfig;
  } catch (e) {
    throw new RegistryError('docker-config-invalid', `${path} is not valid JSON`, { cause: e, hint: 'fix or remove the file, then run weld login again' });
  }
}

/** Docker Hub is keyed as `https://index.docker.io/v1/` in config.json; everything else by host[:port]. */
export function dockerConfigKey(host: string): string {
  return host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host;
}

function hostOfKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function findAuthEntry(config: DockerConfig, host: string) {
  const auths = config.auths ?? {};
  const key = dockerConfigKey(host);
  if (auths[key]) return auths[key];
  for (const [k, v] of Object.entries(auths)) if (hostOfKey(k) === hostOfKey(key)) return v;
  return undefined;
}

/** Runs `docker-credential-<helper> <action>` with `input` on stdin; returns stdout. */
export function runCredentialHelper(helper: string, action: 'get' | 'store' | 'erase', input: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      reject(new RegistryError('credential-helper-failed', `cannot run ${program}`, { cause: e, hint: `install ${program} or remove "${helper}" from the Docker config` })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else if (action === 'get' && /credentials not found/i.test(out + err)) resolve('');
      else reject(new RegistryError('credential-helper-failed', `${program} ${action} failed (exit ${code})`, { detail: (err || out).trim() || undefined }));
    });
    child.stdin.end(input);
  });
}

async function fromHelper(helper: string, host: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const serverUrl = dockerConfigKey(host);
  const out = await runCredentialHelper(helper, 'get', serverUrl, env);
  if (!out.trim()) return undefined;
  let doc: { Username?: string; Secret?: string };
  try {
    doc = JSON.parse(out) as { Username?: string; Secret?: string };
  } catch (e) {
    throw new RegistryError('credential-helper-failed', `docker-credential-${helper} returned invalid JSON`, { cause: e });
  }
  if (!doc.Secret) return undefined;
  const source = `docker-credential-${helper}`;
  return doc.Username === '<token>' ? { identityToken: doc.Secret, source } : { username: doc.Username, password: doc.Secret, source };
}

/**
 * The default lookup, in order: `WELD_REGISTRY_USER`/`WELD_REGISTRY_PASSWORD` (limited to `WELD_REGISTRY_HOST`
 * when set), then Docker's config.json: `credHelpers[host]`, `auths[host]`, `credsStore`.
 */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env): CredentialProvider {
  return async (host) => {
    const user = env.WELD_REGISTRY_USER;
    const password = env.WELD_REGISTRY_PASSWORD;
    if (user !== undefined && password !== undefined && (!env.WELD_REGISTRY_HOST || env.WELD_REGISTRY_HOST === host)) {
      return { username: user, password, source: 'WELD_REGISTRY_USER/WELD_REGISTRY_PASSWORD' };
    }
    const path = dockerConfigPath(env);
    const config = await readDockerConfig(path);
    const helper = config.credHelpers?.[dockerConfigKey(host)] ?? config.credHelpers?.[host];
    if (helper) return fromHelper(helper, host, env);
    const entry = findAuthEntry(config, host);
    if (entry) {
      const source = path;
      if (entry.identitytoken) return { identityToken: entry.identitytoken, username: entry.username, source };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) throw new RegistryError('docker-config-invalid', `the auth entry for ${host} in ${path} is not base64 of user:password`);
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
      }
      if (entry.username && entry.password) return { username: entry.username, password: entry.password, source };
    }
    if (config.credsStore) return fromHelper(config.credsStore, host, env);
    return undefined;
  };
}

/** A fixed credential for every host (tests, `--username/--password`). */
export function staticCredentials(cred: Omit<Credential, 'source'> & { source?: string }): CredentialProvider {
  return async () => ({ source: 'explicit', ...cred });
}

export const anonymous: CredentialProvider = async () => undefined;
