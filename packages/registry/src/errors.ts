import { WeldError, type FileProblemCode, type WeldErrorOptions } from '@weld/core';

/** Stable codes of every registry error a user can cause or meet. */
export type RegistryErrorCode =
  | 'invalid-reference'
  | 'invalid-digest'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'blob-unknown'
  | 'manifest-unknown'
  | 'name-unknown'
  | 'tag-unknown'
  | 'unauthorized'
  | 'denied'
  | 'too-many-requests'
  | 'registry-unavailable'
  | 'registry-error'
  | 'network-error'
  | 'timeout'
  | 'insecure-registry'
  | 'invalid-manifest'
  | 'not-a-wasm-artifact'
  | 'layout-invalid'
  | 'archive-invalid'
  | 'credential-helper-failed'
  | 'docker-config-invalid'
  | FileProblemCode
  | 'unsupported-operation'
  | 'invalid-package-name'
  | 'registry-metadata-invalid'
  | 'lock-mismatch'
  | 'version-exists'
  | 'breaking-change';

/** Exit 1 for failed integrity checks (content did not match what was promised); 2 for everything else. */
const CHECK_FAILURES: ReadonlySet<RegistryErrorCode> = new Set(['digest-mismatch', 'size-mismatch', 'lock-mismatch', 'version-exists', 'breaking-change']);

export class RegistryError extends WeldError<RegistryErrorCode> {
  /** HTTP status when the error came from a registry response. */
  readonly status?: number;

  constructor(
    code: RegistryErrorCode,
    message: string,
    options: WeldErrorOptions & { status?: number } = {},
  ) {
    super(code, message, { ...options, exit: options.exit ?? (CHECK_FAILURES.has(code) ? 1 : 2) });
    this.name = 'RegistryError';
    this.status = options.status;
  }
}

export function isRegistryError(e: unknown, code?: RegistryErrorCode): e is RegistryError {
  return e instanceof RegistryError && (code === undefined || e.code === code);
}
