export { RegistryError, isRegistryError, type RegistryErrorCode } from './errors.js';
export { parseDigest, isDigest, sha256, describe, DigestVerifier, verifying, readAll } from './digest.js';
export {
  parseReference,
  formatReference,
  referenceSelector,
  withSelector,
  weldHome,
  embeddedStorePath,
  isLoopbackHost,
  isValidTag,
  DEFAULT_TAG,
  type Reference,
  type ReferenceKind,
} from './reference.js';
export {
  MediaType,
  LEGACY_WASM_LAYER_TYPES,
  parseManifest,
  successors,
  isManifestType,
  isIndexType,
  encodeJson,
  type ImageManifest,
  type ImageIndex,
} from './media.js';
export type { Descriptor, Target, Fetcher, Pusher, Exister, Resolver, Tagger, TagLister, ReferrerLister, Preparer, EarlyUploader } from './store/types.js';
export type { FileContent } from './file-content.js';
export { MemoryStore } from './store/memory.js';
export { OciLayoutStore, listLayoutRepositories, REF_NAME_ANNOTATION, type OciLayoutOptions } from './store/layout.js';
export { OciArchiveStore } from './store/archive.js';
export { RegistryClient, type ClientOptions } from './remote/client.js';
export { RemoteRepository, referrersTagFor, type RepositoryOptions } from './remote/repository.js';
export {
  defaultCredentials,
  staticCredentials,
  anonymous,
  dockerConfigPath,
  readDockerConfig,
  type Credential,
  type CredentialProvider,
  type DockerConfig,
} from './remote/credentials.js';
export { openTarget, missingFileOrReference, type OpenOptions, type OpenedTarget } from './open.js';
export { copy, type CopyOptions, type CopyResult, type CopyEvent } from './copy.js';
export { retryTransfer, type TransferRetry } from './retry.js';
export { fileDigest, hashFile, rememberedFileDigest, rememberWrittenFile, defaultFileDigestCacheDir, type FileDigest, type FileDigestOptions } from './file-digest.js';
export { componentWorldNames, componentWorldNamesFromFile, type WorldNames } from './world.js';
export {
  pushComponent,
  pullComponent,
  resolveWasmArtifact,
  buildWasmManifest,
  TITLE_ANNOTATION,
  type WasmConfig,
  type ArtifactOptions,
  type PushResult,
  type PushComponentOptions,
  type PullResult,
  type ComponentSource,
  type ResolvedWasmArtifact,
} from './artifact.js';
export { login, logout, verifyCredentials, type LoginOptions, type LoginResult } from './login.js';
export { inspectReference, type ReferenceInspection } from './inspect.js';
export {
  parsePackageName,
  formatPackageName,
  parseRegistryMetadata,
  discoverRegistry,
  packageReference,
  resolvePackageReference,
  publishWitPackage,
  fetchWitDeps,
  encodeWitSource,
  type EncodedWitPackage,
  readLockfile,
  REGISTRY_METADATA_PATH,
  type PackageName,
  type OciPackageLocation,
  type RegistryMapping,
  type WitLockfile,
  type LockedPackage,
  type WitDepsOptions,
  type WitDepsResult,
} from './wit-package.js';
export { transferProgress, type TransferProgress } from './progress.js';
export * from './sign/index.js';
export { newestVersionTag, previousVersionTag } from './versions.js';
export { checkPublish, type GateContent, type GateOptions, type GateResult } from './publish-gate.js';
export { pullTrusted, type TrustedPull } from './sign/pull-trusted.js';
