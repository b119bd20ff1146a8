import type { Descriptor, Target } from '../store/types.js';
import { attachBundle, COSIGN_SIGN_PREDICATE_TYPE, createDsseBundle, serializeBundle, statementFor, type AttachedBundle } from './bundle.js';
import { isNotFound } from './content.js';
import { signCosign, type CosignSignResult } from './cosign.js';
import { SignError } from './errors.js';
import type { Signer } from './signer.js';

export interface SignImageOptions {
  /** The identity recorded in the simple-signing payload (`critical.identity.docker-reference`), e.g. `host/repo`. */
  dockerReference: string;
  /** `-a k=v`: recorded in the payload's `optional` section and in the bundle statement's subject annotations. */
  annotations?: Record<string, string>;
  /** Write the cosign `sha256-<hex>.sig` signature (default true). */
  cosign?: boolean;
  /** Attach a sigstore bundle through the referrers API (default true). */
  bundle?: boolean;
  /** Who signed, recorded in the payload's `optional.creator` (e.g. "weld 0.1.0"). */
  creator?: string;
  /** Record the signing time in the signed payload (`optional.timestamp`), default true. */
  recordTimestamp?: boolean;
  now?: Date;
}

export interface SignImageResult {
  target: string;
  reference: string;
  digest: string;
  cosign?: CosignSignResult;
  bundle?: AttachedBundle;
}

export async function resolveSubject(target: Target, reference: string): Promise<Descriptor> {
  try {
    return await target.resolve(reference);
  } catch (e) {
    if (isNotFound(e)) {
      throw new SignError('subject-not-found', `${target.name}: "${reference}" does not exist`, { cause: e, hint: 'push the image first (`weld push`)' });
    }
    throw e;
  }
}

/**
 * `weld sign`: signs the manifest digest `reference` resolves to, by both routes — the cosign signature tag
 * (what `cosign verify --key` reads) and a v0.3 sigstore bundle with a DSSE in-toto statement using cosign v3's
 * sign predicate (what `cosign verify --new-bundle-format` reads). Earlier signatures are kept.
 */
export async function signImage(target: Target, reference: string, signer: Signer, options: SignImageOptions): Promise<SignImageResult> {
  const subject = await resolveSubject(target, reference);
  const result: SignImageResult = { target: target.name, reference, digest: subject.digest };
  if (options.cosign ?? true) {
    result.cosign = await signCosign(target, subject, signer, {
      dockerReference: options.dockerReference,
      annotations: options.annotations,
      creator: options.creator,
      timestamp: options.recordTimestamp === false ? undefined : (options.now ?? new Date()),
    });
  }
  if (options.bundle ?? true) {
    const statement = statementFor(subject.digest, COSIGN_SIGN_PREDICATE_TYPE, {}, options.annotations);
    const bundle = await createDsseBundle(signer, statement);
    result.bundle = await attachBundle(target, subject, serializeBundle(bundle), {
      content: 'dsse-envelope',
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      created: options.now,
    });
  }
  return result;
}
