/** Trusted keys backed by Node's crypto; bundles are checked by @sigstore/verify (see `verifyBundleWithKey`). */
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { parseBundle, verifyBundleWithKey } from './bundle.js';
import { hashForKey, keyId } from './keys.js';
import type { TrustedKey } from './verify.js';

export interface NodeTrustedKey extends TrustedKey {
  key: KeyObject;
}

export function trustedKey(key: KeyObject, source?: string): NodeTrustedKey {
  return {
    key,
    id: keyId(key),
    source,
    verify: async (data, signature) => {
      try {
        return cryptoVerify(hashForKey(key), data, key, signature);
      } catch {
        return false;
      }
    },
    verifyBundle: async (bytes, artifact) => {
      try {
        verifyBundleWithKey(parseBundle(bytes), key, artifact ? Buffer.from(artifact) : undefined);
        return true;
      } catch {
        return false;
      }
    },
  };
}
