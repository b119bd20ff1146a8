// Verification with WebCrypto keys (what the web page runs): the same verifyImage, keys from PEM.
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, KeySigner, keyId, parseBundle, publicKeyFromPem, publicKeyToPem, signImage, verifyImage, type KeyPair } from '../../src/sign/index.js';
import { readBundleView, statementOf } from '../../src/verification.js';
import { pushTestImage, TestTarget } from './memory-target.js';

let alice: KeyPair;
beforeAll(() => {
  alice = generateKeyPair();
});

describe('WebCrypto keys', () => {
  it("verify weld's signatures by both routes, with the key id Node computes", async () => {
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    await signImage(target, 'v1', new KeySigner(alice.privateKey), { dockerReference: 'x/app', annotations: { env: 'prod' } });
    const key = await publicKeyFromPem(publicKeyToPem(alice.publicKey), 'cosign.pub');
    expect(key.id).toBe(keyId(alice.publicKey));
    const report = await verifyImage(target, 'v1', { keys: [key], annotations: { env: 'prod' } });
    expect(report.failures).toEqual([]);
    expect(report.verified.map((v) => [v.route, v.digest, v.keySource]).sort()).toEqual([
      ['cosign-tag', image.digest, 'cosign.pub'],
      ['sigstore-bundle', image.digest, 'cosign.pub'],
    ]);
  });

  for (const [name, pair] of [
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' })],
    ['P-521', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' })],
    ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ] as const) {
    it(`verify ${name} signatures (the hash cosign pairs with the key)`, async () => {
      const p = pair();
      const target = new TestTarget();
      await pushTestImage(target, 'v1');
      await signImage(target, 'v1', new KeySigner(p.privateKey), { dockerReference: 'x' });
      const report = await verifyImage(target, 'v1', { keys: [await publicKeyFromPem(publicKeyToPem(p.publicKey))] });
      expect(report.failures).toEqual([]);
      expect(report.verified).toHaveLength(2);
    });
  }

  it("check sigstore-js's key-signed bundle offline, as @sigstore/verify does", async () => {
    const bytes = await readFile(new URL('./fixtures/sigstore-js-dsse-publickey-rekor.bundle.json', import.meta.url));
    const pem = await readFile(new URL('./fixtures/sigstore-js-key-1.pub', import.meta.url), 'utf8');
    const key = await publicKeyFromPem(pem);
    expect(await key.verifyBundle(bytes)).toBe(true);
    expect(await (await publicKeyFromPem(publicKeyToPem(alice.publicKey))).verifyBundle(bytes)).toBe(false);
    // the reader agrees with @sigstore/bundle's on what the envelope holds
    const view = readBundleView(bytes);
    const full = parseBundle(bytes);
    expect(view.content.kind).toBe('dsse');
    if (view.content.kind === 'dsse' && full.content.$case === 'dsseEnvelope') {
      expect(Buffer.from(view.content.payload).equals(Buffer.from(full.content.dsseEnvelope.payload))).toBe(true);
      expect(view.content.payloadType).toBe(full.content.dsseEnvelope.payloadType);
    }
    expect(statementOf(view)).toBeUndefined(); // its payload is not an in-toto statement
    // a changed payload no longer verifies
    const doc = JSON.parse(bytes.toString());
    doc.dsseEnvelope.payload = Buffer.from('{"changed":true}').toString('base64');
    expect(await key.verifyBundle(Buffer.from(JSON.stringify(doc)))).toBe(false);
  });

  it('refuse what is not a supported public key, with typed errors', async () => {
    await expect(publicKeyFromPem('hello', 'k.pub')).rejects.toMatchObject({ code: 'key-invalid' });
    const priv = alice.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await expect(publicKeyFromPem(priv, 'cosign.key')).rejects.toMatchObject({ code: 'key-unsupported', message: expect.stringContaining('expected "PUBLIC KEY"') });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(publicKeyFromPem(ed, 'ed.pub')).rejects.toMatchObject({ code: 'key-unsupported' });
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(publicKeyFromPem(rsa1024, 'small.pub')).rejects.toMatchObject({ code: 'key-unsupported', message: expect.stringContaining('1024-bit') });
  });
});
