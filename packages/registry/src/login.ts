import { RegistryError } from './errors.js';
import { atomicWriteFile } from './fsutil.js';
import { RegistryClient, type ClientOptions } from './remote/client.js';
import { dockerConfigKey, dockerConfigPath, readDockerConfig, runCredentialHelper, staticCredentials } from './remote/credentials.js';

export interface LoginOptions extends Omit<ClientOptions, 'credentials'> {
  username: string;
  password: string;
  env?: NodeJS.ProcessEnv;
  /** Check the credentials against the registry before saving. Default true. */
  verify?: boolean;
}

export interface LoginResult {
  registry: string;
  /** Where the credential went: the config file path or `docker-credential-<helper>`. */
  storedIn: string;
}

/** Checks the credentials against `GET /v2/` (basic or token flow); throws `unauthorized` when rejected. */
export async function verifyCredentials(registry: string, options: LoginOptions): Promise<void> {
  const client = new RegistryClient(registry, { ...options, credentials: staticCredentials({ username: options.username, password: options.password, source: 'the given credentials' }) });
  const res = await client.send({ method: 'GET', url: '/v2/', scopes: [], what: 'login check' });
  await res.body.dump();
}

/** `weld login`: verifies, then stores credentials the way Docker does (credential helper if configured, else `auths`). */
export async function login(registry: string, options: LoginOptions): Promise<LoginResult> {
  if (!options.username) throw new RegistryError('unauthorized', 'a username is required to log in');
  if (options.verify !== false) await verifyCredentials(registry, options);
  const env = options.env ?? process.env;
  const path = dockerConfigPath(env);
  const config = await readDockerConfig(path);
  const key = dockerConfigKey(registry);
  const helper = config.credHelpers?.[key] ?? config.credsStore;
  if (helper) {
    await runCredentialHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: options.username, Secret: options.password }), env);
    return { registry, storedIn: `docker-credential-${helper}` };
  }
  const auths = { ...(config.auths ?? {}) };
  auths[key] = { auth: Buffer.from(`${options.username}:${options.password}`).toString('base64') };
  await atomicWriteFile(path, JSON.stringify({ ...config, auths }, null, '\t') + '\n', 0o600);
  return { registry, storedIn: path };
}

/** `weld logout`: removes the stored credential; false when there was none. */
export async function logout(registry: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<boolean> {
  const env = options.env ?? process.env;
  const path = dockerConfigPath(env);
  const config = await readDockerConfig(path);
  const key = dockerConfigKey(registry);
  const helper = config.credHelpers?.[key] ?? config.credsStore;
  let removed = false;
  if (helper) {
    try {
      await runCredentialHelper(helper, 'erase', key, env);
      removed = true;
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
    }
  }
  if (config.auths && key in config.auths) {
    const auths = { ...config.auths };
    delete auths[key];
    await atomicWriteFile(path, JSON.stringify({ ...config, auths }, null, '\t') + '\n', 0o600);
    removed = true;
  }
  return removed;
}
