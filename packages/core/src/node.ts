export { sha256Hex, sha256Digest, sha256File, readFileDigest } from './node/digest.js';
export {
  writeFileAtomic, writeFileAtomicSync, replaceFile, makeFolders, tempBeside, writeDestination, writeFailure, FileWriteError,
  type FileWriteErrorCode, type WriteDestination,
} from './node/atomic.js';
export { weldHome, HomeError, type HomeErrorCode } from './node/home.js';
export { projectFileIn, locateProjectFile, findProjectFileUpward, displayPath } from './node/project-paths.js';
export {
  fileDigest,
  rememberedFileDigest,
  rememberWrittenFile,
  defaultFileDigestCacheDir,
  type FileDigest,
  type FileDigestOptions,
} from './node/file-digest.js';
