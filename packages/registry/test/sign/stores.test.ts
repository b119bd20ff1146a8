import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../../test/helpers/registry.js';
import { openTarget } from '../../src/open.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Target } from '../../src/store/types.js';
import {
  attestImage,
  compositionPredicate,
  enforcePolicy,
  generateKeyPair,
  KeySigner,
  parsePolicy,
  publicKeyToPem,
  signatureTag,
  signImage,
  SLSA_PROVENANCE_V1,
  trustedKey,
  verifyAttestations,
  verifyImage,
  type KeyPair,
} from '../../src/sign/index.js';
import { pushTestImage } from './memory-target.js';

let alice: KeyPair;
let registry: TestRegistry;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'weld-sign-store-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  alice = generateKeyPair();
  registry = await startRegistry({ mode: 'open' });
});
afterAll(async () => {
  await registry?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The whole flow on one store: sign twice, attest, verify both routes, attestation, policy. */
async function roundTrip(target: Target, ref: string, dockerReference: string) {
  const image = await pushTestImage(target, 'v1');
  const signer = new KeySigner(alice.privateKey);
  await signImage(target, 'v1', signer, { dockerReference, annotations: { env: 'prod' } });
  await signImage(target, 'v1', signer, { dockerReference });
  await attestImage(target, 'v1', signer, {
    predicateType: SLSA_PROVENANCE_V1,
    predicate: compositionPredicate({ inputs: [{ name: 'a', digest: image.digest }], weldVersion: '0.1.0' }),
  });
  const keys = [trustedKey(alice.publicKey, 'cosign.pub')];
  const report = await verifyImage(target, 'v1', { keys });
  expect(report.failures).toEqual([]);
  expect(report.verified.filter((v) => v.route === 'cosign-tag')).toHaveLength(2);
  expect(report.verified.filter((v) => v.route === 'sigstore-bundle')).toHaveLength(2);
  const prod = await verifyImage(target, 'v1', { keys, annotations: { env: 'prod' } });
  expect(prod.verified).toHaveLength(2);
  const atts = await verifyAttestations(target, 'v1', { keys });
  expect(atts.attestations.map((a) => a.inputs)).toEqual([[{ name: 'a', digest: image.digest }], [{ name: 'a', digest: image.digest }]]);
  const dir = tmp();
  writeFileSync(join(dir, 'cosign.pub'), publicKeyToPem(alice.publicKey));
  const policy = await parsePolicy({ trust: [{ prefix: ref.replace(/:v1$/, ''), keys: ['cosign.pub'] }] }, dir, 'weld.yaml');
  expect((await enforcePolicy(ref, target, policy)).signatures.length).toBe(4);
  return image;
}

describe('sign/verify on every store', () => {
  it('memory store', async () => {
    await roundTrip(new MemoryStore('mem/app'), 'mem/app:v1', 'mem/app');
  });

  it('OCI image layout (oci:PATH)', async () => {
    const dir = tmp();
    const opened = await openTarget(`oci:${dir}:v1`);
    await roundTrip(opened.target, `oci:${dir}:v1`, 'localhost/layout');
    await opened.close();
  });

  it('embedded store (bare repo:tag under WELD_HOME)', async () => {
    const env = { ...process.env, WELD_HOME: tmp() };
    const opened = await openTarget('demo/app:v1', { env });
    await roundTrip(opened.target, 'demo/app:v1', 'demo/app');
    await opened.close();
  });

  it('real registry (distribution on 127.0.0.1): signatures land where cosign looks, tampered layer is caught', async () => {
    const ref = `${registry.host}/demo/signed:v1`;
    const opened = await openTarget(ref);
    const image = await roundTrip(opened.target, ref, `${registry.host}/demo/signed`);
    // cosign's discovery: GET /v2/<repo>/manifests/sha256-<hex>.sig
    const res = await fetch(`http://${registry.host}/v2/demo/signed/manifests/${signatureTag(image.digest)}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(res.status).toBe(200);
    const sigManifest = (await res.json()) as { layers: { mediaType: string }[] };
    expect(sigManifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.dev.cosign.simplesigning.v1+json', 'application/vnd.dev.cosign.simplesigning.v1+json']);
    // change one byte of the wasm layer on the registry's disk
    const manifest = JSON.parse(readFileSync(registry.blobPath(image.digest), 'utf8'));
    const layerPath = registry.blobPath(manifest.layers[0].digest);
    const bytes = readFileSync(layerPath);
    bytes[4] ^= 1;
    writeFileSync(layerPath, bytes);
    const report = await verifyImage(opened.target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(report.failures.map((f) => f.reason)).toEqual(['layer-changed']);
    expect(report.verified).toEqual([]);
    await opened.close();
  });
});
