import { existsSync } from 'node:fs';
import { looksLikeFilePath, mayBeRelativePath } from '@weld/core';
import { RegistryError, isRegistryError } from './errors.js';
import { formatReference, parseReference, referenceSelector, type Reference } from './reference.js';
import { RegistryClient, type ClientOptions } from './remote/client.js';
import { RemoteRepository, type RepositoryOptions } from './remote/repository.js';
import { OciArchiveStore } from './store/archive.js';
import { OciLayoutStore } from './store/layout.js';
import type { Target } from './store/types.js';

export interface OpenOptions extends ClientOptions, RepositoryOptions {
  env?: NodeJS.ProcessEnv;
  /** Reuse one client per registry host across targets (token cache, connection pool). */
  clients?: Map<string, RegistryClient>;
}

/** A target plus the resources it holds; always `close()` it (archives are written back then). */
export interface OpenedTarget {
  target: Target;
  reference: Reference;
  /** The tag or digest the reference names (`latest` by default). */
  selector: string;
  close(): Promise<void>;
}

/** Opens the store a reference (string or parsed) points at. */
export async function openTarget(ref: string | Reference, options: OpenOptions = {}): Promise<OpenedTarget> {
  if (typeof ref === 'string') refuseFilePath(ref);
  const reference = typeof ref === 'string' ? parseReference(ref, options.env) : ref;
  const selector = referenceSelector(reference);
  const noop = async () => undefined;
  switch (reference.kind) {
    case 'registry': {
      const clients = options.clients;
      let client = clients?.get(reference.registry!);
      if (!client) {
        client = new RegistryClient(reference.registry!, options);
        clients?.set(reference.registry!, client);
      }
      // Docker Hub keeps official images under library/ (`docker.io/alpine` is `library/alpine`).
      const hub = reference.registry === 'docker.io' || reference.registry === 'index.docker.io';
      const repository = hub && !reference.repository!.includes('/') ? `library/${reference.repository}` : reference.repository!;
      return { target: new RemoteRepository(client, repository, options), reference, selector, close: noop };
    }
    case 'layout':
      return { target: new OciLayoutStore(reference.path!), reference, selector, close: noop };
    case 'embedded':
      return {
        target: new OciLayoutStore(reference.path!, { namespace: reference.repository, name: reference.repository }),
        reference,
        selector,
        close: noop,
      };
    case 'archive': {
      const store = await OciArchiveStore.open(reference.path!);
      return { target: store, reference, selector, close: () => store.close() };
    }
    default:
      throw new RegistryError('invalid-reference', `cannot open ${formatReference(reference)}`);
  }
}

const REFERENCE_FORMS = 'a reference is host[:port]/repo[:tag], oci:PATH[:tag], oci-archive:FILE[:tag], or repo:tag in the embedded store';

/** A file path given where a reference belongs (`weld pull ./app.wasm`): refused as what it is, not parsed as a repository. */
function refuseFilePath(arg: string): void {
  if (!looksLikeFilePath(arg)) return;
  if (existsSync(arg)) throw new RegistryError('invalid-reference', `${arg} is a file, not a reference`, { hint: REFERENCE_FORMS });
  throw new RegistryError('no-such-file', `${arg}: no such file`, { hint: `and it is not a reference either: ${REFERENCE_FORMS}` });
}

/**
 * For commands that take a file or a reference: an argument that could be a relative path (`dir/app`) and named
 * nothing in the embedded store either is reported as the missing file the user most likely meant.
 */
export function missingFileOrReference(arg: string, e: unknown): unknown {
  if (!mayBeRelativePath(arg) || !isRegistryError(e) || !['name-unknown', 'tag-unknown', 'manifest-unknown'].includes(e.code)) return e;
  return new RegistryError('no-such-file', `${arg}: no such file`, { hint: 'and not a repository in the embedded store either', cause: e });
}
