import { WeldError, type WeldErrorOptions } from '@weld/core';

/** Stable codes of every signing, verification and policy error. */
export type SignErrorCode =
  // keys
  | 'key-not-found'
  | 'key-invalid'
  | 'key-unsupported'
  | 'key-wrong-password'
  | 'key-exists'
  | 'password-required'
  | 'password-mismatch'
  // signing
  | 'subject-not-found'
  | 'signature-manifest-invalid'
  // verification (exit 1: a check failed)
  | 'verification-failed'
  | 'attestation-invalid'
  // policy
  | 'policy-invalid'
  | 'policy-denied';

const CHECK_FAILURES: ReadonlySet<SignErrorCode> = new Set(['verification-failed', 'attestation-invalid']);

export class SignError extends WeldError<SignErrorCode> {
  constructor(code: SignErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, { ...options, exit: options.exit ?? (code === 'policy-denied' ? 3 : CHECK_FAILURES.has(code) ? 1 : 2) });
    this.name = 'SignError';
  }
}

export function isSignError(e: unknown, code?: SignErrorCode): e is SignError {
  return e instanceof SignError && (code === undefined || e.code === code);
}
