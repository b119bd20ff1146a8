import { weldHome } from '@weld/core/node';
import { join, resolve as resolvePath } from 'node:path';
import { isDigest } from './digest.js';
import { RegistryError } from './errors.js';

/** Where a reference points: a remote registry, an OCI layout dir, an OCI layout in a tar, or the embedded store. */
export type ReferenceKind = 'registry' | 'layout' | 'archive' | 'embedded';

export interface Reference {
  kind: ReferenceKind;
  /** Registry host[:port] as written (`docker.io` stays `docker.io`); only for `registry`. */
  registry?: string;
  /** Repository path (`team/app`); for `layout`/`archive` this is absent. */
  repository?: string;
  /** Filesystem path of the layout directory or tar file (absolute); for `embedded` the store root. */
  path?: string;
  tag?: string;
  digest?: string;
}

const REPO_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPO_RE = new RegExp(`^${REPO_COMPONENT}(?:/${REPO_COMPONENT})*$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;

export const DEFAULT_TAG = 'latest';

/** The tag or digest a reference names, defaulting to `latest`. Digest wins when both are given. */
export function referenceSelector(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

export { weldHome };

/** Root of the embedded OCI layout store that bare `repo:tag` references use. */
export function embeddedStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(weldHome(env), 'oci');
}

function bad(input: string, at: number, message: string, hint?: string): RegistryError {
  const caretAt = Math.max(0, Math.min(at, input.length));
  return new RegistryError('invalid-reference', `invalid reference "${input}": ${message}`, {
    span: { line: 1, column: caretAt + 1, lineText: input },
    hint:
      hint ??
      'use host[:port]/repo[:tag][@sha256:…] for a registry, oci:PATH[:tag] for a layout, oci-archive:FILE.tar[:tag], or repo:tag for the embedded store',
  });
}

/** Splits `name[:tag][@digest]` at its end; `offset` is where `body` starts in `input` (for carets). */
function splitTagDigest(input: string, body: string, offset: number, allowSlashInName: boolean) {
  let name = body;
  let digest: string | undefined;
  const at = body.lastIndexOf('@');
  if (at >= 0) {
    digest = body.slice(at + 1);
    name = body.slice(0, at);
    if (!isDigest(digest)) throw bad(input, offset + at + 1, `"${digest}" is not a digest`, 'a digest looks like sha256: followed by 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && (allowSlashInName ? !name.slice(colon + 1).includes('/') : true)) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG_RE.test(tag)) throw bad(input, offset + colon + 1, `"${tag}" is not a valid tag`, 'tags are 1-128 characters of letters, digits, _ . - and do not start with . or -');
  }
  return { name, tag, digest };
}

function looksLikeHost(segment: string): boolean {
  return segment === 'localhost' || segment.includes('.') || segment.includes(':') || segment.startsWith('[');
}

/**
 * Parses every reference form weld accepts:
 * `host[:port]/repo[:tag][@digest]`, `oci:PATH[:tag][@digest]`, `oci-archive:FILE[:tag][@digest]`, and a bare
 * `repo[:tag][@digest]` naming the embedded store.
 */
export function parseReference(input: string, env: NodeJS.ProcessEnv = process.env): Reference {
  if (input.length === 0) throw bad(input, 0, 'it is empty');
  for (const [prefix, kind] of [['oci:', 'layout'], ['oci-archive:', 'archive']] as const) {
    if (!input.startsWith(prefix)) continue;
    const { name, tag, digest } = splitTagDigest(input, input.slice(prefix.length), prefix.length, true);
    if (name.length === 0) throw bad(input, prefix.length, 'the path is missing');
    return { kind, path: resolvePath(name), tag, digest };
  }
  if (/\s/.test(input)) throw bad(input, input.search(/\s/), 'it contains whitespace');
  const slash = input.indexOf('/');
  const first = slash >= 0 ? input.slice(0, slash) : '';
  if (slash >= 0 && looksLikeHost(first)) {
    if (!HOST_RE.test(first)) throw bad(input, 0, `"${first}" is not a valid registry host`);
    const { name, tag, digest } = splitTagDigest(input, input.slice(slash + 1), slash + 1, false);
    checkRepository(input, name, slash + 1);
    return { kind: 'registry', registry: first, repository: name, tag, digest };
  }
  const { name, tag, digest } = splitTagDigest(input, input, 0, false);
  checkRepository(input, name, 0);
  return { kind: 'embedded', path: embeddedStorePath(env), repository: name, tag, digest };
}

function checkRepository(input: string, name: string, offset: number): void {
  if (name.length === 0) throw bad(input, offset, 'the repository name is missing');
  if (REPO_RE.test(name)) return;
  const upper = name.search(/[A-Z]/);
  if (upper >= 0) throw bad(input, offset + upper, 'repository names must be lowercase');
  const badChar = name.search(/[^a-z0-9._\/-]/);
  throw bad(input, offset + (badChar >= 0 ? badChar : 0), `"${name}" is not a valid repository name`, 'repository names are lowercase path components of [a-z0-9] separated by . _ __ - or /');
}

/** Renders a reference back in the form `parseReference` accepts. */
export function formatReference(ref: Reference): string {
  const suffix = (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
  switch (ref.kind) {
    case 'registry':
      return `${ref.registry}/${ref.repository}${suffix}`;
    case 'layout':
      return `oci:${ref.path}${suffix}`;
    case 'archive':
      return `oci-archive:${ref.path}${suffix}`;
    case 'embedded':
      return `${ref.repository}${suffix}`;
  }
}

/** The same reference with another tag/digest (used by `weld tag`, pushes by digest, etc.). */
export function withSelector(ref: Reference, selector: { tag?: string; digest?: string }): Reference {
  return { ...ref, tag: selector.tag, digest: selector.digest };
}

/** True when `host` (optionally with port) is a loopback address, where plain HTTP is allowed by default. */
export function isLoopbackHost(hostWithPort: string): boolean {
  const host = hostWithPort.startsWith('[') ? hostWithPort.slice(1, hostWithPort.indexOf(']')) : hostWithPort.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}
