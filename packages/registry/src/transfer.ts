/**
 * `@weld/registry/transfer`: references, stores and moving artifacts (push, pull, copy, progress), without the
 * signing and verification half of the package. `weld push` and `weld pull` import only this, so they do not load
 * sigstore (a pull loads the policy and verification code only when there is a policy to enforce).
 */
export { RegistryError, isRegistryError, type RegistryErrorCode } from './errors.js';
export { isDigest, sha256 } from './digest.js';
export { parseReference, formatReference, referenceSelector, weldHome, embeddedStorePath, DEFAULT_TAG, type Reference } from './reference.js';
export { openTarget, missingFileOrReference, type OpenOptions, type OpenedTarget } from './open.js';
export { copy, type CopyOptions, type CopyResult, type CopyEvent } from './copy.js';
export { fileDigest, rememberedFileDigest, type FileDigest, type FileDigestOptions } from './file-digest.js';
export { pushComponent, pullComponent, resolveWasmArtifact, type PushResult, type PushComponentOptions, type PullResult, type ComponentSource } from './artifact.js';
export { transferProgress, type TransferProgress } from './progress.js';
export { checkPublish, type GateContent, type GateOptions, type GateResult } from './publish-gate.js';
export { pullTrusted, type TrustedPull } from './sign/pull-trusted.js';
export { resolvePolicy } from './sign/policy-source.js';
export type { Policy, PolicyDecision } from './sign/policy.js';
export type { Descriptor, Target } from './store/types.js';
