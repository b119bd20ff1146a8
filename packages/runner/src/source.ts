import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { OpenOptions, Policy, PolicyDecision } from '@weld/registry';
import { looksLikeFilePath } from '@weld/core';
import { RunError } from './errors.js';

export interface RunnableComponent {
  bytes: Uint8Array;
  /** The file path, or the reference pinned to the digest that was verified and pulled. */
  origin: string;
  /** Present when a policy was enforced for a reference. */
  decision?: PolicyDecision;
}

/**
 * Loads what `weld run` should run: an existing file as it is, else a reference from a registry or store.
 * With a policy, the reference is resolved to a digest first, the signature is checked for that digest,
 * and exactly that digest is pulled, so a tag moved in between cannot slip unverified content in.
 */
export async function loadRunnable(target: string, options: { policy?: Policy; open?: OpenOptions } = {}): Promise<RunnableComponent> {
  const st = statSync(target, { throwIfNoEntry: false });
  if (st?.isFile()) return { bytes: await readFile(target), origin: target };
  if (st) throw new RunError('unreadable-file', `${target} is ${st.isDirectory() ? 'a folder, not a component file' : 'not a regular file'}`, { hint: 'name the .wasm file' });
  if (looksLikeFilePath(target)) {
    throw new RunError('no-such-file', `${target}: no such file`, { hint: 'check the path; a registry reference looks like host[:port]/repo:tag' });
  }
  const { enforcePolicy, missingFileOrReference, openTarget, pullComponent } = await import('@weld/registry'); // loaded only for references
  const opened = await openTarget(target, options.open);
  try {
    const desc = await opened.target.resolve(opened.selector).catch((e: unknown) => Promise.reject(missingFileOrReference(target, e)));
    const decision = options.policy ? await enforcePolicy(target, opened.target, options.policy, desc.digest) : undefined;
    const pulled = await pullComponent(opened.target, desc.digest);
    return { bytes: pulled.bytes!, origin: `${target}@${desc.digest}`.replace(/@sha256:[0-9a-f]{64}@/, '@'), decision };
  } finally {
    await opened.close();
  }
}
