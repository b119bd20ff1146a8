import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from '../../../../test/helpers/cli.js';
import { startRegistry, type TestRegistry } from '../../../../test/helpers/registry.js';
import { openTarget } from '../../src/open.js';
import { pushTestImage } from './memory-target.js';

let registry: TestRegistry;
let dir: string;
const env = { WELD_PASSWORD: 'demo-password', COSIGN_PASSWORD: '' };

beforeAll(async () => {
  registry = await startRegistry({ mode: 'open' });
  dir = mkdtempSync(join(tmpdir(), 'weld-sign-cli-'));
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('weld keygen / sign / verify / attest against a real registry', () => {
  it('the README demo flow, then tampering, wrong key and policy denial with their exit codes', async () => {
    const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { ...env, WELD_HOME: join(dir, 'home') } });
    const ref = `${registry.host}/demo/app:v1`;
    const opened = await openTarget(ref);
    const image = await pushTestImage(opened.target, 'v1');

    const keygen = await weld(['keygen']);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toContain('Private key written to cosign.key');
    expect((await weld(['keygen', '--output-key-prefix', 'other'])).code).toBe(0);

    const sign = await weld(['sign', ref, '--key', 'cosign.key', '-a', 'team=platform']);
    expect(sign.stderr).toBe(`signing ${ref} with key ${sign.stdout.match(/key ([0-9a-f]{16})…/)?.[1]}…\n`);
    expect(sign.code).toBe(0);
    expect(sign.stdout).toContain(`sha256-${image.digest.slice(7)}.sig`);

    const verify = await weld(['verify', ref, '--key', 'cosign.pub', '-a', 'team=platform']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('2 valid signatures');
    expect(verify.stdout).toContain('offline: no transparency log checked');

    const json = await weld(['-o', 'json', 'verify', ref, '--key', 'cosign.pub']);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ ok: true, digest: image.digest, reference: ref, transparencyLog: 'not checked (offline)' });

    const wrong = await weld(['verify', ref, '--key', 'other.pub']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error[verification-failed]');
    expect(wrong.stderr).toContain('wrong-key');

    const attest = await weld(['attest', ref, '--key', 'cosign.key', '--input', `router=sha256:${'c'.repeat(64)}`]);
    expect(attest.code).toBe(0);
    const att = await weld(['verify', ref, '--key', 'cosign.pub', '--attestation']);
    expect(att.code).toBe(0);
    expect(att.stdout).toContain(`input router  sha256:${'c'.repeat(64)}`);

    writeFileSync(join(dir, 'policy.yaml'), `trust:\n  - prefix: ${registry.host}/demo\n    keys: [other.pub]\n`);
    const denied = await weld(['verify', ref, '--policy', 'policy.yaml']);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain(`policy denies ${ref}`);
    expect(denied.stderr).toContain('other.pub');
    writeFileSync(join(dir, 'weld.yaml'), `policy:\n  trust:\n    - prefix: ${registry.host}/demo\n      keys: [cosign.pub]\n`);
    expect((await weld(['verify', ref])).code).toBe(0);

    // weld pull enforces the same policy: the nearest weld.yaml trusts cosign.pub, policy.yaml only other.pub
    const pulled = await weld(['pull', ref, 'trusted.wasm']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain(`${ref}@${image.digest} accepted by policy rule "${registry.host}/demo"`);
    expect(readFileSync(join(dir, 'trusted.wasm')).toString('hex')).toBe('0061736d0d000100');
    const refused = await weld(['pull', ref, 'refused.wasm', '--policy', 'policy.yaml']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`policy denies ${ref}`);
    expect(refused.stderr).toContain('other.pub');
    expect(existsSync(join(dir, 'refused.wasm'))).toBe(false);

    // one byte of the wasm layer changes on the registry's disk
    const manifest = JSON.parse(readFileSync(registry.blobPath(image.digest), 'utf8'));
    const layerPath = registry.blobPath(manifest.layers[0].digest);
    const bytes = readFileSync(layerPath);
    bytes[3] ^= 1;
    writeFileSync(layerPath, bytes);
    const tampered = await weld(['verify', ref, '--key', 'cosign.pub']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('layer-changed');

    const badPassword = await runWeld(['sign', ref, '--key', 'cosign.key'], { cwd: dir, env: { WELD_PASSWORD: 'nope' } });
    expect(badPassword.code).toBe(2);
    expect(badPassword.stderr).toContain('error[key-wrong-password]: wrong password for cosign.key');
    await opened.close();
  });
});
