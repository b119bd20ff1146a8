/**
 * The publish gate: published versions are immutable (a version tag is never moved to other content unless
 * forced, as wkg and crates.io treat versions), and with `checkBreaking` a new version must make the bump its
 * changes need over the version it follows: the newest published version below it (wkg#128 compares within a
 * semver series; a fix to an older series is compared with that series, not with a newer major).
 */
import { isVersion } from '@weld/core';
import type { BreakingReport } from '@weld/wit-tools';
import { pullComponent, resolveWasmArtifact } from './artifact.js';
import { sha256 } from './digest.js';
import { RegistryError, isRegistryError } from './errors.js';
import type { Target } from './store/types.js';
import { previousVersionTag } from './versions.js';

export interface GateOptions {
  /** compare with the newest published version and refuse a version that does not make the bump needed */
  checkBreaking?: boolean;
  /** allow moving an existing version tag to other content */
  force?: boolean;
}

export interface GateResult {
  /** the version compared with (`checkBreaking`) */
  against?: string;
  report?: BreakingReport;
}

const ABSENT = new Set(['manifest-unknown', 'tag-unknown', 'name-unknown', 'blob-unknown']);

async function tagLayer(target: Target, tag: string): Promise<string | undefined> {
  try {
    return (await resolveWasmArtifact(target, tag)).layer.digest;
  } catch (e) {
    if (isRegistryError(e) && ABSENT.has(e.code)) return undefined;
    throw e;
  }
}

async function previous(target: Target, version: string): Promise<string | undefined> {
  try {
    return await previousVersionTag(target, version);
  } catch (e) {
    if (isRegistryError(e) && ABSENT.has(e.code)) return undefined;
    throw e;
  }
}

/**
 * What is about to be published: its bytes, or its digest and a way to read it (a file is read only for
 * `checkBreaking`). The digest may still be on its way (a file being hashed): the version is looked up meanwhile.
 * Given as a function, it is asked for only when the version tag exists (a file is then hashed only if need be).
 */
export type GateContent = Uint8Array | { digest: string | Promise<string> | (() => Promise<string>); read: () => Promise<Uint8Array> };

/** Checks `content` may be published as `tag` on `target`; throws (exit 1) when it may not. Writes nothing. */
export async function checkPublish(target: Target, content: GateContent, tag: string | undefined, options: GateOptions = {}): Promise<GateResult> {
  const versioned = tag !== undefined && isVersion(tag);
  if (versioned && !options.force) {
    const existing = await tagLayer(target, tag);
    const digest = existing === undefined ? undefined : content instanceof Uint8Array ? sha256(content) : await (typeof content.digest === 'function' ? content.digest() : content.digest);
    if (existing !== undefined && existing !== digest) {
      throw new RegistryError('version-exists', `${target.name}:${tag} is already published with other content (layer ${existing})`, {
        exit: 1,
        hint: 'published versions are immutable: publish a new version, or pass --force to move the tag',
      });
    }
  }
  if (!options.checkBreaking) return {};
  if (!versioned) {
    throw new RegistryError('invalid-reference', `--check-breaking needs a version tag (e.g. :1.2.0), not ${tag ?? 'no tag'}`, { hint: 'name the version in the reference' });
  }
  const against = await previous(target, tag);
  if (against === undefined) return {};
  // Loaded only here: a push without --check-breaking needs neither the WIT decoder nor the comparison.
  const [{ extractWit }, { checkBreaking, describeFinding }] = await Promise.all([import('@weld/binary'), import('@weld/wit-tools')]);
  const old = extractWit((await pullComponent(target, against)).bytes!);
  const next = extractWit(content instanceof Uint8Array ? content : await content.read());
  if (old.kind !== next.kind) {
    throw new RegistryError('breaking-change', `${target.name}:${against} is a ${old.kind === 'component' ? 'component' : 'WIT package'} and the new content is not`, { exit: 1 });
  }
  const report = checkBreaking(
    { ...old, label: `${target.name}:${against}` },
    { ...next, label: `${target.name}:${tag}` },
    { oldVersion: against, newVersion: tag },
  );
  if (!report.ok) {
    throw new RegistryError('breaking-change', `refusing to publish ${tag}: ${report.verdict} (compared with ${against})`, {
      exit: 1,
      detail: report.findings.filter((f) => f.bump !== 'none').map((f) => `  ${f.bump.padEnd(5)} ${f.code}: ${f.message}${describeFinding(f) ? `  (${describeFinding(f)})` : ''}`).join('\n'),
      hint: `publish it as a ${report.requiredBump} bump, or fix the change`,
    });
  }
  return { against, report };
}
