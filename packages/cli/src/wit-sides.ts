/**
 * Loads one side of a contract check from whatever the user names: a WIT folder or file, a component or binary
 * WIT package (.wasm/.wat), or a reference (registry, `oci:`, embedded store). Heavy modules (the codec, the
 * registry client, jco's text parser) load only when the input needs them, so a folder-to-folder check starts fast.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, decodingFile } from '@weld/core';
import { type ResolveOptions, type WitSide, isVersion } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';

export interface LoadedSide extends WitSide {
  kind: 'wit' | 'component' | 'package';
  /** the version a reference's tag names, when it is semver (components carry none of their own) */
  tagVersion?: string;
}

function mentionsBinary(path: string): boolean {
  if (/\.(wasm|wat)$/.test(path)) return true;
  const deps = join(path, 'deps');
  try {
    return statSync(path).isDirectory() && existsSync(deps) && readdirSync(deps).some((f) => /\.(wasm|wat)$/.test(f));
  } catch {
    return false;
  }
}

/** The WIT of a component or binary WIT package; a decoding error names `label` (the file or reference) as its input. */
async function fromBytes(bytes: Uint8Array, label: string): Promise<LoadedSide> {
  const { extractWit } = await import('@weld/binary');
  const x = decodingFile(label, () => extractWit(bytes));
  return x.kind === 'component'
    ? { kind: 'component', resolve: x.resolve, package: x.package, world: x.world, label }
    : { kind: 'package', resolve: x.resolve, package: x.package, label };
}

/** Opens a reference and returns its wasm layer. */
export async function pullBytes(ref: string, open: { plainHttp?: boolean; timeoutMs?: number } = {}): Promise<{ bytes: Uint8Array; tag?: string }> {
  const { missingFileOrReference, openTarget, pullComponent } = await import('@weld/registry');
  const opened = await openTarget(ref, open);
  try {
    const pulled = await pullComponent(opened.target, opened.selector).catch((e: unknown) => Promise.reject(missingFileOrReference(ref, e)));
    return { bytes: pulled.bytes!, tag: opened.reference.tag };
  } finally {
    await opened.close();
  }
}

export async function loadSide(input: string, options: ResolveOptions & { plainHttp?: boolean; timeoutMs?: number } = {}): Promise<LoadedSide> {
  const resolveOptions: ResolveOptions = { features: options.features, allFeatures: options.allFeatures ?? true };
  if (existsSync(input)) {
    if (input.endsWith('.wasm')) {
      const { readBinaryFile } = await import('@weld/binary/node');
      return fromBytes(readBinaryFile(input), input);
    }
    if (mentionsBinary(input)) {
      await import('@weld/binary'); // installs the decoder for .wasm packages in deps/
      const { withWatInputs } = await import('./wit-input.js');
      if (input.endsWith('.wat')) {
        const { watToBinary } = await import('@weld/compose');
        const bytes = await watToBinary(input);
        return fromBytes(bytes, input);
      }
      const r = resolvePath(input, await withWatInputs(input, resolveOptions));
      return { kind: 'wit', ...r, label: input };
    }
    const r = resolvePath(input, resolveOptions);
    return { kind: 'wit', ...r, label: input };
  }
  if (/^[.~/]/.test(input) || /\.(wit|wasm|wat)$/.test(input) || (!input.includes(':') && !input.includes('/'))) {
    throw new CliError('no-such-file', `${input}: no such file or folder`, {
      hint: 'give a WIT folder or file, a component or binary WIT package (.wasm/.wat), or a reference (host/repo:tag, oci:PATH:tag, repo:tag)',
    });
  }
  const pulled = await pullBytes(input, options);
  const side = await fromBytes(pulled.bytes, input);
  return { ...side, tagVersion: pulled.tag && isVersion(pulled.tag) ? pulled.tag : undefined };
}
