import { createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Signature, Signer as SigstoreSigner } from '@sigstore/sign';
import { hashForKey, keyId, publicKeyToPem } from './keys.js';

/**
 * Anything that signs bytes. Same shape as `@sigstore/sign`'s `Signer`, so sigstore's `FulcioSigner`
 * (keyless: an OIDC token exchanged for a short-lived certificate) can be passed in unchanged once weld
 * has network signing; today weld ships the key-based signer.
 */
export type Signer = SigstoreSigner;
export type { Signature };

/** Signs with a local private key (ECDSA → ASN.1 DER signature, RSA → PKCS#1 v1.5), hash chosen as cosign does. */
export class KeySigner implements Signer {
  readonly publicKey: KeyObject;
  /** Hex SHA-256 of the SPKI; recorded as the bundle key hint. */
  readonly keyId: string;
  private readonly publicKeyPem: string;

  constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyId(this.publicKey);
    this.publicKeyPem = publicKeyToPem(this.publicKey);
  }

  async sign(data: Buffer): Promise<Signature> {
    return {
      signature: cryptoSign(hashForKey(this.privateKey), data, this.privateKey),
      key: { $case: 'publicKey', publicKey: this.publicKeyPem, hint: this.keyId },
    };
  }
}
