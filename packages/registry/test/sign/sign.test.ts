import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attachBundle,
  BUNDLE_MEDIA_TYPE,
  COSIGN_SIGN_PREDICATE_TYPE,
  createDsseBundle,
  generateKeyPair,
  KeySigner,
  requireVerified,
  serializeBundle,
  SIGNATURE_ANNOTATION,
  signatureTag,
  signCosign,
  signImage,
  SIMPLE_SIGNING_MEDIA_TYPE,
  simpleSigningPayload,
  statementFor,
  trustedKey,
  verifyImage,
  publicKeyFromPem,
  publicKeyToPem,
  type KeyPair,
  type TrustedKey,
  type VerificationReport,
} from '../../src/sign/index.js';
import { flipByte, pushTestImage, TestTarget } from './memory-target.js';

let alice: KeyPair;
let mallory: KeyPair;
beforeAll(() => {
  alice = generateKeyPair();
  mallory = generateKeyPair();
});

const reasons = (r: VerificationReport) => r.failures.map((f) => f.reason);

async function signedImage(opts: { cosign?: boolean; bundle?: boolean; annotations?: Record<string, string>; creator?: string; now?: Date } = {}) {
  const target = new TestTarget();
  const image = await pushTestImage(target, 'v1');
  const signer = new KeySigner(alice.privateKey);
  const result = await signImage(target, 'v1', signer, { dockerReference: 'test.local/demo/app', ...opts });
  return { target, image, signer, result };
}

describe('sign + verify round trip', () => {
  it('signs by both routes and verifies both, reporting who/what/when, offline', async () => {
    const { target, image, signer, result } = await signedImage({ annotations: { env: 'prod' } });
    expect(result.digest).toBe(image.digest);
    expect(result.cosign?.tag).toBe(signatureTag(image.digest));
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey, 'cosign.pub')], annotations: { env: 'prod' } });
    expect(report.failures).toEqual([]);
    expect(report.transparencyLog).toBe('not checked (offline)');
    expect(report.verified.map((v) => v.route).sort()).toEqual(['cosign-tag', 'sigstore-bundle']);
    for (const v of report.verified) {
      expect(v.keyId).toBe(signer.keyId);
      expect(v.keySource).toBe('cosign.pub');
      expect(v.digest).toBe(image.digest);
      expect(v.annotations).toEqual({ env: 'prod' });
    }
    expect(report.verified.find((v) => v.route === 'cosign-tag')?.dockerReference).toBe('test.local/demo/app');
    expect(report.verified.find((v) => v.route === 'cosign-tag')?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(report.verified.find((v) => v.route === 'sigstore-bundle')?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(requireVerified(report)).toHaveLength(2);
  });

  it('signing again appends a signature and keeps the existing one', async () => {
    const { target, image } = await signedImage({ bundle: false });
    const second = await signCosign(target, image, new KeySigner(mallory.privateKey), { dockerReference: 'x/y' });
    expect(second.signatureCount).toBe(2);
    const third = await signCosign(target, image, new KeySigner(alice.privateKey), { dockerReference: 'x/y', annotations: { n: '3' } });
    expect(third.signatureCount).toBe(3);
    const byAlice = await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(byAlice.verified).toHaveLength(2);
    expect(reasons(byAlice)).toEqual(['wrong-key']);
    const byMallory = await verifyImage(target, image.digest, { keys: [trustedKey(mallory.publicKey)] });
    expect(byMallory.verified).toHaveLength(1);
  });

  it('several bundles accumulate as separate referrers', async () => {
    const { target, image } = await signedImage({ cosign: false });
    await signImage(target, image.digest, new KeySigner(alice.privateKey), { dockerReference: 'x', cosign: false });
    expect(await target.referrers(image, BUNDLE_MEDIA_TYPE)).toHaveLength(2);
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(report.verified).toHaveLength(2);
  });

  it('a missing image is a typed error', async () => {
    const target = new TestTarget();
    await expect(signImage(target, 'nope', new KeySigner(alice.privateKey), { dockerReference: 'x' })).rejects.toMatchObject({ code: 'subject-not-found' });
  });
});

describe('stored format', () => {
  it('cosign signature image: tag, OCI manifest, simple-signing layer with the signature annotation, gcr config', async () => {
    const { target, image } = await signedImage({ bundle: false, annotations: { b: '2', a: '<1>' }, creator: 'weld 0.1.0', now: new Date(1_700_000_000_500) });
    const sigDesc = await target.resolve(`sha256-${image.digest.slice(7)}.sig`);
    const manifest = JSON.parse((await target.read(sigDesc.digest)).toString());
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe(SIMPLE_SIGNING_MEDIA_TYPE);
    expect(Object.keys(manifest.layers[0].annotations)).toContain(SIGNATURE_ANNOTATION);
    const config = JSON.parse((await target.read(manifest.config.digest)).toString());
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [manifest.layers[0].digest] });
    const payload = (await target.read(manifest.layers[0].digest)).toString();
    // byte-exact Go encoding/json output: field order, sorted optional keys, HTML escaping
    expect(payload).toBe(
      `{"critical":{"identity":{"docker-reference":"test.local/demo/app"},"image":{"docker-manifest-digest":"${image.digest}"},"type":"cosign container image signature"},"optional":{"a":"\\u003c1\\u003e","b":"2","creator":"weld 0.1.0","timestamp":1700000000}}`,
    );
    // cosign's own golden (pkg/cosign/obsolete_test.go): the payload bytes must be exactly these
    expect(simpleSigningPayload('index.docker.io/namespace/image', 'sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec').toString()).toBe(
      '{"critical":{"identity":{"docker-reference":"index.docker.io/namespace/image"},"image":{"docker-manifest-digest":"sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec"},"type":"cosign container image signature"},"optional":null}',
    );
    expect(simpleSigningPayload('r', 'sha256:00').toString()).toBe(
      '{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:00"},"type":"cosign container image signature"},"optional":null}',
    );
  });

  it('independent check with node:crypto only: the stored signature verifies the payload as cosign verifies it', async () => {
    const { target, image } = await signedImage({ bundle: false });
    const sigDesc = await target.resolve(`sha256-${image.digest.slice(7)}.sig`);
    const layer = JSON.parse((await target.read(sigDesc.digest)).toString()).layers[0];
    const payload = await target.read(layer.digest);
    expect('sha256:' + createHash('sha256').update(payload).digest('hex')).toBe(layer.digest);
    const der = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
    expect(der[0]).toBe(0x30); // ASN.1 SEQUENCE: DER-encoded ECDSA (r, s)
    const pubFromPem = createPublicKey(alice.publicKey.export({ format: 'pem', type: 'spki' }));
    expect(cryptoVerify('sha256', payload, pubFromPem, der)).toBe(true);
    expect(cryptoVerify('sha256', payload, mallory.publicKey, der)).toBe(false);
    expect(JSON.parse(payload.toString()).critical.image['docker-manifest-digest']).toBe(image.digest);
    const manifestBytes = await target.read(image.digest);
    expect('sha256:' + createHash('sha256').update(manifestBytes).digest('hex')).toBe(image.digest);
  });

  it('bundle: v0.3 DSSE in-toto statement as an OCI referrer, verifiable by @sigstore/verify with only the public key', async () => {
    const { target, image } = await signedImage({ cosign: false, annotations: { k: 'v' } });
    const [ref] = await target.referrers(image, BUNDLE_MEDIA_TYPE);
    const manifest = JSON.parse((await target.read(ref.digest)).toString());
    expect(manifest.artifactType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(manifest.subject).toEqual({ mediaType: image.mediaType, digest: image.digest, size: image.size });
    expect(manifest.config).toEqual({ mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' });
    expect(manifest.annotations['dev.sigstore.bundle.content']).toBe('dsse-envelope');
    expect(manifest.annotations['dev.sigstore.bundle.predicateType']).toBe(COSIGN_SIGN_PREDICATE_TYPE);
    const json = JSON.parse((await target.read(manifest.layers[0].digest)).toString());
    expect(json.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(json.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString());
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: image.digest.slice(7) }, annotations: { k: 'v' } }],
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      predicate: {},
    });
    // The same steps sigstore's `verify(bundle, { keySelector })` runs, with an empty local trusted root instead
    // of the TUF-fetched one (offline) and timestamp threshold 0 (key-based bundles carry no timestamp).
    const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
    const keySelector = (hint: string) => (hint === json.verificationMaterial.publicKey.hint ? alice.publicKey.export({ format: 'pem', type: 'spki' }) : undefined);
    const keyFinder = (hint: string) => {
      const pem = keySelector(hint);
      if (!pem) throw new Error(`key not found: ${hint}`);
      return { publicKey: createPublicKey(pem), validFor: () => true };
    };
    const verifier = new Verifier(toTrustMaterial(root, keyFinder), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(json)));
    expect(signer.key.export({ format: 'der', type: 'spki' })).toEqual(alice.publicKey.export({ format: 'der', type: 'spki' }));
    const wrong = new Verifier(toTrustMaterial(root, () => ({ publicKey: mallory.publicKey, validFor: () => true })), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    expect(() => wrong.verify(toSignedEntity(bundleFromJSON(json)))).toThrow(/signature verification failed/);
  });
});

// The same cases with Node's crypto and with WebCrypto (the keys the web page uses): the reasons must agree.
const KEY_KINDS: [string, (key: KeyObject, source: string) => Promise<TrustedKey>][] = [
  ['node:crypto', async (key, source) => trustedKey(key, source)],
  ['WebCrypto', (key, source) => publicKeyFromPem(publicKeyToPem(key), source)],
];

describe.each(KEY_KINDS)('tampering (%s keys): each case fails with its own reason', (_kind, make) => {
  const keys = async () => [await make(alice.publicKey, 'cosign.pub')];

  it('no signature at all', async () => {
    const target = new TestTarget();
    await pushTestImage(target, 'v1');
    const report = await verifyImage(target, 'v1', { keys: await keys() });
    expect(reasons(report)).toEqual(['no-signature']);
    const err = (() => {
      try {
        requireVerified(report);
      } catch (e) {
        return e as { code: string; exit: number; detail: string; hint: string };
      }
    })();
    expect(err).toMatchObject({ code: 'verification-failed', exit: 1 });
    expect(err?.detail).toContain('no-signature');
    expect(err?.hint).toContain('offline: no transparency log checked');
  });

  it('one byte of the manifest changed (re-pushed under the same tag)', async () => {
    const { target, image } = await signedImage();
    const changed = flipByte(await target.read(image.digest), 10); // inside the "schemaVersion" key: still valid JSON
    const text = changed.toString();
    const desc = { mediaType: image.mediaType, size: changed.length, digest: 'sha256:' + createHash('sha256').update(changed).digest('hex') };
    expect(() => JSON.parse(text)).not.toThrow();
    await target.push(desc, changed);
    await target.tag(desc, 'v1');
    const report = await verifyImage(target, 'v1', { keys: await keys() });
    expect(reasons(report)).toEqual(['manifest-changed']);
    expect(report.failures[0].message).toContain(image.digest);
  });

  it('one byte of the manifest changed in place (same digest key, different bytes)', async () => {
    const { target, image } = await signedImage();
    target.corrupt(image.digest, (b) => flipByte(b));
    expect(reasons(await verifyImage(target, 'v1', { keys: await keys() }))).toEqual(['manifest-changed']);
  });

  it('one byte of the wasm layer changed', async () => {
    const { target, image } = await signedImage();
    const layer = JSON.parse((await target.read(image.digest)).toString()).layers[0];
    target.corrupt(layer.digest, (b) => flipByte(b, 4));
    const report = await verifyImage(target, 'v1', { keys: await keys() });
    expect(reasons(report)).toEqual(['layer-changed']);
    expect(report.failures[0].location).toBe(layer.digest);
  });

  it('one byte of the cosign signature changed', async () => {
    const { target, image } = await signedImage({ bundle: false });
    const sigDesc = await target.resolve(signatureTag(image.digest));
    const m = JSON.parse((await target.read(sigDesc.digest)).toString());
    const der = Buffer.from(m.layers[0].annotations[SIGNATURE_ANNOTATION], 'base64');
    m.layers[0].annotations[SIGNATURE_ANNOTATION] = flipByte(der, der.length - 3).toString('base64');
    const bytes = Buffer.from(JSON.stringify(m));
    const desc = { mediaType: sigDesc.mediaType, size: bytes.length, digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex') };
    await target.push(desc, bytes);
    await target.tag(desc, signatureTag(image.digest));
    expect(reasons(await verifyImage(target, 'v1', { keys: await keys() }))).toEqual(['signature-invalid']);
  });

  it('one byte of the bundle signature changed', async () => {
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    const bundle = await createDsseBundle(new KeySigner(alice.privateKey), statementFor(image.digest, COSIGN_SIGN_PREDICATE_TYPE, {}));
    const env = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
    env!.signatures[0].sig = flipByte(Buffer.from(env!.signatures[0].sig), 8);
    await attachBundle(target, image, serializeBundle(bundle), { content: 'dsse-envelope', predicateType: COSIGN_SIGN_PREDICATE_TYPE });
    expect(reasons(await verifyImage(target, 'v1', { keys: await keys() }))).toEqual(['signature-invalid']);
  });

  it('the signed payload blob changed in place', async () => {
    const { target, image } = await signedImage({ bundle: false });
    const sigDesc = await target.resolve(signatureTag(image.digest));
    const layer = JSON.parse((await target.read(sigDesc.digest)).toString()).layers[0];
    target.corrupt(layer.digest, (b) => flipByte(b, 20));
    expect(reasons(await verifyImage(target, 'v1', { keys: await keys() }))).toEqual(['payload-changed']);
  });

  it("the payload's digest is another image's (a valid signature copied across)", async () => {
    const { target } = await signedImage({ bundle: false });
    const other = await pushTestImage(target, 'v2', Buffer.from('0061736d0d000100ff', 'hex'));
    // a valid signature by alice over a payload naming v1's digest, stored as v2's signature
    const v1 = await target.resolve('v1');
    const v1Sig = await target.resolve(signatureTag(v1.digest));
    await target.tag(v1Sig, signatureTag(other.digest));
    const report = await verifyImage(target, 'v2', { keys: await keys() });
    expect(reasons(report)).toEqual(['payload-digest-mismatch']);
    expect(report.failures[0].message).toContain(v1.digest);
  });

  it("the bundle statement's digest is another image's", async () => {
    const target = new TestTarget();
    const v1 = await pushTestImage(target, 'v1');
    const v2 = await pushTestImage(target, 'v2', Buffer.from('0061736d0d000100ff', 'hex'));
    const bundle = await createDsseBundle(new KeySigner(alice.privateKey), statementFor(v1.digest, COSIGN_SIGN_PREDICATE_TYPE, {}));
    await attachBundle(target, v2, serializeBundle(bundle), { content: 'dsse-envelope', predicateType: COSIGN_SIGN_PREDICATE_TYPE });
    expect(reasons(await verifyImage(target, 'v2', { keys: await keys() }))).toEqual(['payload-digest-mismatch']);
  });

  it('signed with another key: both routes say wrong-key and name it', async () => {
    const target = new TestTarget();
    await pushTestImage(target, 'v1');
    const m = new KeySigner(mallory.privateKey);
    await signImage(target, 'v1', m, { dockerReference: 'x' });
    const report = await verifyImage(target, 'v1', { keys: await keys() });
    expect(reasons(report).sort()).toEqual(['wrong-key', 'wrong-key']);
    expect(report.failures[0].message).toContain(m.keyId.slice(0, 16));
    expect(report.failures[0].message).toContain('cosign.pub');
  });

  it('a required annotation is missing or different', async () => {
    const { target } = await signedImage({ annotations: { env: 'staging' } });
    const report = await verifyImage(target, 'v1', { keys: await keys(), annotations: { env: 'prod' } });
    expect(reasons(report)).toEqual(['annotation-mismatch', 'annotation-mismatch']);
    expect(report.failures[0].message).toContain('env=prod (found "staging")');
  });
});

describe('keys cosign wrote', () => {
  it('a cosign-generated key signs, and the signature verifies with its public key by both routes', async () => {
    const { readFile } = await import('node:fs/promises');
    const { decryptPrivateKey } = await import('../../src/sign/keys.js');
    const pem = await readFile(new URL('./fixtures/cosign-sigstore-label.key', import.meta.url), 'utf8');
    const key = await decryptPrivateKey(pem, 'hello', 'cosign-sigstore-label.key');
    const target = new TestTarget();
    await pushTestImage(target, 'v1');
    await signImage(target, 'v1', new KeySigner(key), { dockerReference: 'test.local/demo/app' });
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(createPublicKey(key))] });
    expect(report.verified).toHaveLength(2);
  });
});

describe('concurrent signers', () => {
  it('eight signers at once on the same image: every signature ends up in the .sig manifest', async () => {
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    const signer = new KeySigner(alice.privateKey);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => signCosign(target, image, signer, { dockerReference: 'x', annotations: { n: String(i) } })));
    expect(results.every((r) => !r.unchanged)).toBe(true);
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey)], routes: ['cosign-tag'] });
    expect(report.verified.map((v) => v.annotations.n).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('other key types cosign uses', () => {
  it('P-384 signs with SHA-384 (as cosign and sigstore-go) and verifies by both routes', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    await signImage(target, 'v1', new KeySigner(pair.privateKey), { dockerReference: 'x' });
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(pair.publicKey)] });
    expect(report.failures).toEqual([]);
    expect(report.verified).toHaveLength(2);
    const sigDesc = await target.resolve(signatureTag(image.digest));
    const layer = JSON.parse((await target.read(sigDesc.digest)).toString()).layers[0];
    const der = Buffer.from(layer.annotations[SIGNATURE_ANNOTATION], 'base64');
    expect(cryptoVerify('sha384', await target.read(layer.digest), pair.publicKey, der)).toBe(true);
  });
});

describe('bundles from other sigstore tooling', () => {
  it('a key-signed bundle carrying a Rekor entry verifies offline (the entry is set aside, not trusted)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseBundle, verifyBundleWithKey, parsePublicKey } = await import('../../src/sign/index.js');
    const bundle = parseBundle(await readFile(new URL('./fixtures/sigstore-js-dsse-publickey-rekor.bundle.json', import.meta.url)));
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const key = parsePublicKey(await readFile(new URL('./fixtures/sigstore-js-key-1.pub', import.meta.url), 'utf8'));
    expect(() => verifyBundleWithKey(bundle, key)).not.toThrow();
    expect(() => verifyBundleWithKey(bundle, alice.publicKey)).toThrow(/signature verification failed/);
    // without setting the entry aside, an empty trusted root cannot check its inclusion promise
    const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
    const raw = new Verifier(toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true })), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    expect(() => raw.verify(toSignedEntity(bundle))).toThrow();
  });
});

describe('keyless signatures', () => {
  it('a cosign keyless signature (certificate annotation) is reported as such, not as a tampered one', async () => {
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    const certSigner = {
      sign: async (data: Buffer) => ({
        signature: (await new KeySigner(mallory.privateKey).sign(data)).signature,
        key: { $case: 'x509Certificate' as const, certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      }),
    };
    await signCosign(target, image, certSigner, { dockerReference: 'x' });
    const sigDesc = await target.resolve(signatureTag(image.digest));
    const layer = JSON.parse((await target.read(sigDesc.digest)).toString()).layers[0];
    expect(layer.annotations['dev.sigstore.cosign/certificate']).toContain('BEGIN CERTIFICATE');
    const report = await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(reasons(report)).toEqual(['wrong-key']);
    expect(report.failures[0].message).toContain('keyless');
  });
});
