import { verify as cryptoVerify } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_SECTIONS } from '@weld/core/project';
import {
  attestImage,
  compositionPredicate,
  enforcePolicy,
  enforcePolicyForReference,
  resolvePolicy,
  generateKeyPair,
  KeySigner,
  loadPolicy,
  parsePolicy,
  publicKeyToPem,
  referenceName,
  requireAttested,
  ruleFor,
  signImage,
  SLSA_PROVENANCE_V1,
  trustedKey,
  verifyAttestations,
  verifyImage,
  type KeyPair,
} from '../../src/sign/index.js';
import { openTarget } from '../../src/open.js';
import { pushTestImage, TestTarget } from './memory-target.js';
import { tempDir } from './temp-dirs.js';



let alice: KeyPair;
let mallory: KeyPair;
beforeAll(() => {
  alice = generateKeyPair();
  mallory = generateKeyPair();
});

const inputs = [
  { name: 'acme:router', digest: 'sha256:' + 'a'.repeat(64), uri: 'ghcr.io/acme/router:1.0' },
  { name: 'acme:backend', digest: 'sha256:' + 'b'.repeat(64) },
];

describe('attest', () => {
  it('attaches a DSSE-signed SLSA provenance statement recording inputs and the weld version; verify reads it back', async () => {
    const target = new TestTarget();
    const image = await pushTestImage(target, 'v1');
    const predicate = compositionPredicate({ inputs, weldVersion: '0.1.0', externalParameters: { composition: 'app.wac' } });
    const result = await attestImage(target, 'v1', new KeySigner(alice.privateKey), { predicateType: SLSA_PROVENANCE_V1, predicate });
    expect(result.digest).toBe(image.digest);
    const report = await verifyAttestations(target, 'v1', { keys: [trustedKey(alice.publicKey, 'cosign.pub')] });
    expect(report.failures).toEqual([]);
    const atts = requireAttested(report);
    expect(atts.map((a) => a.route).sort()).toEqual(['cosign-tag', 'sigstore-bundle']);
    for (const att of atts) {
      expect(att.predicateType).toBe(SLSA_PROVENANCE_V1);
      expect(att.inputs).toEqual(inputs);
      expect(att.weldVersion).toBe('0.1.0');
      expect(att.statement.subject[0].digest).toEqual({ sha256: image.digest.slice(7) });
    }
    // cosign's tag-based layout, checked with node:crypto only: DSSE envelope layer, PAE signed with ECDSA-SHA256
    expect(result.cosign?.tag).toBe(`sha256-${image.digest.slice(7)}.att`);
    const attManifest = JSON.parse((await target.read((await target.resolve(result.cosign!.tag)).digest)).toString());
    const layer = attManifest.layers[0];
    expect(layer.mediaType).toBe('application/vnd.dsse.envelope.v1+json');
    expect(layer.annotations).toEqual({ 'dev.cosignproject.cosign/signature': '', predicateType: SLSA_PROVENANCE_V1 });
    const envelope = JSON.parse((await target.read(layer.digest)).toString());
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const body = Buffer.from(envelope.payload, 'base64');
    const pae = Buffer.concat([Buffer.from(`DSSEv1 28 application/vnd.in-toto+json ${body.length} `), body]);
    expect(cryptoVerify('sha256', pae, alice.publicKey, Buffer.from(envelope.signatures[0].sig, 'base64'))).toBe(true);
    // an attestation is not a signature: verify without --attestation does not count it
    expect((await verifyImage(target, 'v1', { keys: [trustedKey(alice.publicKey)] })).failures.map((f) => f.reason)).toEqual(['no-signature']);
  });

  it('attestation by another key, or none, fails with a reason', async () => {
    const target = new TestTarget();
    await pushTestImage(target, 'v1');
    const none = await verifyAttestations(target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(none.failures.map((f) => f.reason)).toEqual(['no-signature']);
    expect(() => requireAttested(none)).toThrow(/no valid attestation/);
    await attestImage(target, 'v1', new KeySigner(mallory.privateKey), { predicateType: SLSA_PROVENANCE_V1, predicate: compositionPredicate({ inputs, weldVersion: '0.1.0' }) });
    const wrong = await verifyAttestations(target, 'v1', { keys: [trustedKey(alice.publicKey)] });
    expect(wrong.failures.map((f) => f.reason)).toEqual(['wrong-key', 'wrong-key']);
  });

  it("an attestation copied to another image's .att tag is a payload-digest-mismatch", async () => {
    const target = new TestTarget();
    const v1 = await pushTestImage(target, 'v1');
    const v2 = await pushTestImage(target, 'v2', Buffer.from('0061736d0d000100ff', 'hex'));
    const result = await attestImage(target, 'v1', new KeySigner(alice.privateKey), { predicateType: SLSA_PROVENANCE_V1, predicate: compositionPredicate({ inputs, weldVersion: '0.1.0' }) });
    await target.tag(await target.resolve(result.cosign!.tag), `sha256-${v2.digest.slice(7)}.att`);
    const report = await verifyAttestations(target, 'v2', { keys: [trustedKey(alice.publicKey)] });
    expect(report.failures.map((f) => f.reason)).toEqual(['payload-digest-mismatch']);
    expect(v1.digest).not.toBe(v2.digest);
  });

  it('rejects inputs without a digest', () => {
    expect(() => compositionPredicate({ inputs: [{ name: 'x', digest: 'latest' }], weldVersion: '0' })).toThrow(expect.objectContaining({ code: 'attestation-invalid' }));
  });
});

describe('policy', () => {
  async function policyDir() {
    const dir = await tempDir('weld-policy-');
    await writeFile(join(dir, 'team.pub'), publicKeyToPem(alice.publicKey));
    return dir;
  }

  it('parses rules, resolves key files relative to the policy, and picks the most specific prefix', async () => {
    const dir = await policyDir();
    const policy = await parsePolicy(
      { trust: [{ prefix: '*', keys: ['team.pub'] }, { prefix: 'ghcr.io/acme/', keys: ['team.pub'], annotations: { env: 'prod' } }] },
      dir,
      'weld.yaml',
    );
    expect(ruleFor(policy, 'ghcr.io/acme/app:1')?.prefix).toBe('ghcr.io/acme');
    expect(ruleFor(policy, 'ghcr.io/acmex/app:1')?.prefix).toBe('*');
    expect(referenceName('127.0.0.1:5000/demo/app:v1')).toBe('127.0.0.1:5000/demo/app');
    expect(referenceName('127.0.0.1:5000/demo/app@sha256:' + 'a'.repeat(64))).toBe('127.0.0.1:5000/demo/app');
    expect(referenceName('demo/app')).toBe('demo/app');
    expect(referenceName('oci:/tmp/x:v1')).toBe('oci:/tmp/x');
  });

  it('loads the policy: section of a weld.yaml, or a policy-only file; errors are typed', async () => {
    const dir = await policyDir();
    await writeFile(join(dir, 'weld.yaml'), 'components: []\npolicy:\n  trust:\n    - prefix: demo\n      keys: [team.pub]\n');
    expect((await loadPolicy(join(dir, 'weld.yaml')))?.rules[0].prefix).toBe('demo');
    await writeFile(join(dir, 'p.yaml'), 'trust:\n  - prefix: "*"\n    keys: team.pub\nunmatched: allow\n');
    expect((await loadPolicy(join(dir, 'p.yaml')))?.unmatched).toBe('allow');
    await writeFile(join(dir, 'none.yaml'), 'components: []\n');
    expect(await loadPolicy(join(dir, 'none.yaml'))).toBeUndefined();
    await writeFile(join(dir, 'bad.yaml'), 'trust:\n  - prefix: demo\n');
    await expect(loadPolicy(join(dir, 'bad.yaml'))).rejects.toMatchObject({ code: 'policy-invalid' });
    await writeFile(join(dir, 'missing-key.yaml'), 'trust:\n  - prefix: demo\n    keys: [nope.pub]\n');
    await expect(loadPolicy(join(dir, 'missing-key.yaml'))).rejects.toMatchObject({ code: 'key-not-found' });
  });

  it('a key that cannot be used is reported where the policy names it', async () => {
    const dir = await policyDir();
    await writeFile(join(dir, 'missing-key.yaml'), 'trust:\n  - prefix: demo\n    keys: [team.pub, nope.pub]\n');
    await expect(loadPolicy(join(dir, 'missing-key.yaml'))).rejects.toMatchObject({
      code: 'key-not-found',
      span: { file: expect.stringMatching(/missing-key\.yaml$/), line: 3, column: 22, lineText: '    keys: [team.pub, nope.pub]' },
    });
    await writeFile(join(dir, 'weld.yaml'), 'policy:\n  trust:\n    - prefix: demo\n      keys:\n        - team.pub\n        - |\n          -----BEGIN PUBLIC KEY-----\n          garbage\n          -----END PUBLIC KEY-----\n');
    const e = await loadPolicy(join(dir, 'weld.yaml')).catch((x: unknown) => x);
    expect(e).toMatchObject({ span: { line: 6, column: 11 } });
    expect((e as { code: string }).code).toMatch(/^key-/);
  });

  it('a project file with any sections core accepts and no policy has no policy (the sections are core\'s one list)', async () => {
    const dir = await policyDir();
    for (const section of ['lint:\n  rules: {}\n', 'plugins: []\n', ...PROJECT_SECTIONS.filter((s) => s !== 'policy').map((s) => `${s}:\n`)]) {
      await writeFile(join(dir, 'weld.yaml'), section);
      expect(await loadPolicy(join(dir, 'weld.yaml')), section).toBeUndefined();
    }
  });

  it('a policy error points at its line: project-invalid in weld.yaml, policy-invalid in a policy-only file', async () => {
    const dir = await policyDir();
    await writeFile(join(dir, 'weld.yaml'), 'name: x\npolicy:\n  trust:\n    - prefix: demo\n      kyes: [team.pub]\n');
    await expect(loadPolicy(join(dir, 'weld.yaml'))).rejects.toMatchObject({
      code: 'project-invalid', message: 'policy.trust[0].kyes: unknown field (expected one of prefix, keys, annotations)', span: { line: 5, column: 7 },
    });
    await writeFile(join(dir, 'p.yaml'), 'trust:\n  - prefix: demo\n    keys: [team.pub]\nunmatched: sometimes\n');
    await expect(loadPolicy(join(dir, 'p.yaml'))).rejects.toMatchObject({
      code: 'policy-invalid', message: 'unmatched: expected deny or allow', span: { file: join(dir, 'p.yaml'), line: 4, column: 12 },
    });
  });

  it('enforcePolicy allows a validly signed image and denies others with exit 3, naming reference, expected key and findings', async () => {
    const dir = await policyDir();
    const policy = await parsePolicy({ trust: [{ prefix: 'test.local/demo', keys: ['team.pub'] }] }, dir, 'weld.yaml');
    const target = new TestTarget();
    await pushTestImage(target, 'v1');

    const unsigned = await enforcePolicy('test.local/demo/app:v1', target, policy).catch((e) => e);
    expect(unsigned).toMatchObject({ code: 'policy-denied', exit: 3 });
    expect(unsigned.message).toContain('test.local/demo/app:v1');
    expect(unsigned.message).toContain('team.pub');
    expect(unsigned.detail).toContain('no-signature');

    await signImage(target, 'v1', new KeySigner(mallory.privateKey), { dockerReference: 'test.local/demo/app' });
    const wrongKey = await enforcePolicy('test.local/demo/app:v1', target, policy).catch((e) => e);
    expect(wrongKey).toMatchObject({ code: 'policy-denied', exit: 3 });
    expect(wrongKey.detail).toContain('wrong-key');

    await signImage(target, 'v1', new KeySigner(alice.privateKey), { dockerReference: 'test.local/demo/app' });
    const ok = await enforcePolicy('test.local/demo/app:v1', target, policy);
    expect(ok.signatures.length).toBe(2);
    expect(ok.rule?.prefix).toBe('test.local/demo');

    await expect(enforcePolicy('other.local/x:v1', target, policy)).rejects.toMatchObject({ code: 'policy-denied', exit: 3 });
    const open = { ...policy, unmatched: 'allow' as const };
    expect((await enforcePolicy('other.local/x:v1', target, open)).signatures).toEqual([]);
  });

  it('resolvePolicy finds the nearest weld.yaml upwards or takes --policy; enforcePolicyForReference opens the store itself', async () => {
    const dir = await policyDir();
    const { mkdir } = await import('node:fs/promises');
    await writeFile(join(dir, 'weld.yaml'), `name: demo\npolicy:\n  trust:\n    - prefix: oci:${dir}/layout\n      keys: [team.pub]\n`);
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    const policy = await resolvePolicy({ cwd: join(dir, 'sub', 'deeper') });
    expect(policy?.rules[0].prefix).toBe(`oci:${dir}/layout`);
    expect(await resolvePolicy({ cwd: '/' })).toBeUndefined();
    // a project spelled weld.yml is found too: its policy is never silently skipped
    const yml = await policyDir();
    await writeFile(join(yml, 'weld.yml'), `policy:\n  trust:\n    - prefix: team\n      keys: [team.pub]\n`);
    expect((await resolvePolicy({ cwd: yml }))?.rules[0].prefix).toBe('team');
    await writeFile(join(dir, 'plain.yaml'), 'name: demo\n');
    await expect(resolvePolicy({ cwd: dir, policyFile: 'plain.yaml' })).rejects.toMatchObject({ code: 'policy-invalid' });

    const ref = `oci:${dir}/layout:v1`;
    const opened = await openTarget(ref);
    await pushTestImage(opened.target, 'v1');
    await expect(enforcePolicyForReference(ref, policy!)).rejects.toMatchObject({ code: 'policy-denied', exit: 3 });
    await signImage(opened.target, 'v1', new KeySigner(alice.privateKey), { dockerReference: 'localhost/layout' });
    await opened.close();
    expect((await enforcePolicyForReference(ref, policy!)).signatures).toHaveLength(2);
  });
});
