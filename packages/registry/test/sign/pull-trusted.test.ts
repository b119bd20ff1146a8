import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, KeySigner, parsePolicy, publicKeyToPem, signImage, type KeyPair } from '../../src/sign/index.js';
import { pullTrusted } from '../../src/sign/pull-trusted.js';
import { openTarget } from '../../src/open.js';
import { pushTestImage } from './memory-target.js';
import { tempDir } from './temp-dirs.js';

let alice: KeyPair;
let mallory: KeyPair;
beforeAll(() => {
  alice = generateKeyPair();
  mallory = generateKeyPair();
});

const WASM = Buffer.from('0061736d0d000100', 'hex');

/** An OCI layout holding one image tagged v1, and a policy trusting alice for it. */
async function setup() {
  const dir = await tempDir('weld-pull-trusted-');
  const layout = join(dir, 'layout');
  const opened = await openTarget(`oci:${layout}:v1`);
  const image = await pushTestImage(opened.target, 'v1', WASM);
  await writeFile(join(dir, 'team.pub'), publicKeyToPem(alice.publicKey));
  const policy = await parsePolicy({ trust: [{ prefix: `oci:${layout}`, keys: ['team.pub'] }] }, dir, 'weld.yaml');
  return { dir, layout, opened, image, policy };
}

describe('pullTrusted', () => {
  it('without a policy pulls what the reference names', async () => {
    const { dir, layout, opened, image } = await setup();
    await opened.close();
    const out = join(dir, 'app.wasm');
    const r = await pullTrusted(`oci:${layout}:v1`, { output: out });
    expect(r.digest).toBe(image.digest);
    expect(r.decision).toBeUndefined();
    expect(await readFile(out)).toEqual(WASM);
  });

  it('with a policy refuses an unsigned or wrongly signed image (exit 3) and writes nothing', async () => {
    const { dir, layout, opened, policy } = await setup();
    const out = join(dir, 'app.wasm');
    await expect(pullTrusted(`oci:${layout}:v1`, { output: out, policy })).rejects.toMatchObject({ code: 'policy-denied', exit: 3 });
    await signImage(opened.target, 'v1', new KeySigner(mallory.privateKey), { dockerReference: `oci:${layout}` });
    await opened.close();
    await expect(pullTrusted(`oci:${layout}:v1`, { output: out, policy })).rejects.toMatchObject({ code: 'policy-denied', exit: 3 });
    expect(existsSync(out)).toBe(false);
  });

  it('with a policy pulls exactly the digest whose signature it verified', async () => {
    const { dir, layout, opened, image, policy } = await setup();
    await signImage(opened.target, 'v1', new KeySigner(alice.privateKey), { dockerReference: `oci:${layout}` });
    await opened.close();
    const out = join(dir, 'app.wasm');
    const r = await pullTrusted(`oci:${layout}:v1`, { output: out, policy });
    expect(r.digest).toBe(image.digest);
    expect(r.decision?.rule?.prefix).toBe(`oci:${layout}`);
    expect(r.decision?.signatures.length).toBeGreaterThan(0);
    expect(await readFile(out)).toEqual(WASM);
  });
});
