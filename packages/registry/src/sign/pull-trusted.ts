import { pullComponent, type PullResult } from '../artifact.js';
import type { CopyEvent } from '../copy.js';
import { openTarget, type OpenOptions } from '../open.js';
import { formatReference } from '../reference.js';
import type { Policy, PolicyDecision } from './policy.js';

export interface TrustedPull extends PullResult {
  /** The reference as pulled, normalised. */
  reference: string;
  /** The digest that was verified and pulled (with a policy), else the one the reference resolved to. */
  digest: string;
  /** How the policy accepted it; undefined without a policy. */
  decision?: PolicyDecision;
}

/**
 * `weld pull`: fetches a component into `output`. With a policy the reference is resolved to a digest first, that
 * digest must carry a signature the policy trusts, and exactly that digest is pulled, so a tag moved between the
 * check and the download cannot bring in content nobody verified.
 */
export async function pullTrusted(ref: string, options: OpenOptions & { output: string; policy?: Policy; onEvent?: (e: CopyEvent) => void }): Promise<TrustedPull> {
  const opened = await openTarget(ref, options);
  try {
    let selector = opened.selector;
    let decision: PolicyDecision | undefined;
    if (options.policy) {
      const desc = await opened.target.resolve(opened.selector);
      const { enforcePolicy } = await import('./policy.js'); // signature verification: loaded only with a policy
      decision = await enforcePolicy(ref, opened.target, options.policy, desc.digest);
      selector = desc.digest;
    }
    const result = await pullComponent(opened.target, selector, { output: options.output, onEvent: options.onEvent });
    return { ...result, reference: formatReference(opened.reference), digest: result.manifestDesc.digest, decision };
  } finally {
    await opened.close();
  }
}
