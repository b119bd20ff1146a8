/**
 * Signature verification without Node (`@weld/registry/verify`): the same `verifyImage` the CLI runs, over any
 * store that can fetch, resolve, list tags and referrers, with keys imported into WebCrypto.
 */
export { verifyImage, requireVerified, verifyWithAnyKey, keyFailure, type TrustedKey, type VerifyTarget, type VerifyOptions, type VerificationReport, type VerifiedSignature, type SignatureFailure, type SignatureRoute, type FailureReason } from './sign/verify.js';
export { publicKeyFromPem } from './sign/web-keys.js';
export { readBundleView, statementOf, bundleSignedBy, preAuthEncoding, type BundleView, type InTotoStatement } from './sign/bundle-read.js';
export { signatureTag, attestationTag, parseSimpleSigningPayload, type SimpleSigningPayload } from './sign/cosign-read.js';
export { SignError, isSignError, type SignErrorCode } from './sign/errors.js';
export type { Descriptor, Fetcher, Resolver, TagLister, ReferrerLister } from './store/types.js';
