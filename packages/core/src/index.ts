export { WeldError, CliError, isWeldError, spanAt, spanAtLine, type CliErrorCode, type SourceSpan, type ByteLocation, type WeldErrorOptions } from './error.js';
export { renderError, renderSpan, errorDocument, errorLine, type ErrorDocument, type RenderOptions } from './render.js';
export { semverProblem, compareVersions, compatibleName, compatibilityTrack, satisfies, versionChange, type VersionChange } from './semver.js';
export { isKebab, isKebabRange, isLowerKebab } from './names.js';
