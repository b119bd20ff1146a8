export { WeldError, CliError, isWeldError, errorInFile, decodingFile, spanAt, spanAtLine, type CliErrorCode, type SourceSpan, type ByteLocation, type WeldErrorOptions } from './error.js';
export { decodeTextFile, decodeUtf8, firstInvalidUtf8, type NotText, type NotUtf8 } from './text-file.js';
export { renderError, renderSpan, printable, errorDocument, errorLine, type ErrorDocument, type RenderOptions } from './render.js';
export { semverProblem, isVersion, compareVersions, compatibleName, compatibilityTrack, satisfies, versionChange, type VersionChange } from './semver.js';
export { isKebab, isKebabRange, isLowerKebab } from './names.js';
export { sha256Hex, sha256Digest, createSha256, type Sha256 } from './digest.js';
export { looksLikeFilePath, mayBeRelativePath, fileProblem, fileErrorReason, notRegularFile, type FileProblemCode } from './arguments.js';
export { parseDuration } from './duration.js';
export { YAML_ALIAS_MESSAGE } from './yaml-words.js';
