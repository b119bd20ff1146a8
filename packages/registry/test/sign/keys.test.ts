import { createPublicKey, createVerify, createSign, scryptSync } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  COSIGN_PRIVATE_KEY_PEM,
  decryptPrivateKey,
  encryptPrivateKey,
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  parsePublicKey,
  parseUnencryptedPrivateKey,
  publicKeyToPem,
  writeKeyPair,
} from '../../src/sign/keys.js';
import { decodePem } from '../../src/sign/pem.js';
import { readPassword } from '../../src/sign/password.js';
import { tempDir } from './temp-dirs.js';



const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('cosign encrypted private key format', () => {
  it('a key weld writes decrypts with the documented scrypt + secretbox parameters, independently of weld', async () => {
    const pair = generateKeyPair();
    const pem = await encryptPrivateKey(pair.privateKey, 'correct horse');
    expect(pem.startsWith('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n')).toBe(true);
    for (const line of pem.trim().split('\n').slice(1, -1)) expect(line.length).toBeLessThanOrEqual(64);

    // Decode by hand: PEM body -> JSON envelope -> scrypt(N=32768,r=8,p=1) -> nacl secretbox -> PKCS#8 DER.
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const envelope = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    expect(Object.keys(envelope)).toEqual(['kdf', 'cipher', 'ciphertext']);
    expect(envelope.kdf.name).toBe('scrypt');
    expect(envelope.kdf.params).toEqual({ N: 32768, r: 8, p: 1 });
    expect(envelope.cipher.name).toBe('nacl/secretbox');
    const salt = Buffer.from(envelope.kdf.salt, 'base64');
    const nonce = Buffer.from(envelope.cipher.nonce, 'base64');
    expect(salt.length).toBe(32);
    expect(nonce.length).toBe(24);
    const boxKey = scryptSync('correct horse', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const pkcs8 = nacl.secretbox.open(Buffer.from(envelope.ciphertext, 'base64'), nonce, boxKey);
    expect(pkcs8).not.toBeNull();
    expect(Buffer.from(pkcs8!)).toEqual(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
  });

  it('round-trips through weld with the standard (N=65536) parameters current cosign writes', async () => {
    const pair = generateKeyPair();
    const pem = await encryptPrivateKey(pair.privateKey, 'pw', { kdf: 'standard', pemType: COSIGN_PRIVATE_KEY_PEM });
    expect(pem).toContain('ENCRYPTED COSIGN PRIVATE KEY');
    const back = await decryptPrivateKey(pem, 'pw');
    expect(back.export({ format: 'der', type: 'pkcs8' })).toEqual(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
  });

  it('loads keys cosign wrote (SIGSTORE label, and the older COSIGN label)', async () => {
    const ec = await decryptPrivateKey(await fixture('cosign-sigstore-label.key'), 'hello', 'cosign-sigstore-label.key');
    expect(ec.asymmetricKeyType).toBe('ec');
    const old = await decryptPrivateKey(await fixture('cosign-cosign-label.key'), 'hello', 'cosign-cosign-label.key');
    expect(old.asymmetricKeyType).toBe('ec');
    // the loaded key signs, and its public half verifies
    const sig = createSign('sha256').update('x').sign(ec);
    expect(createVerify('sha256').update('x').verify(createPublicKey(ec), sig)).toBe(true);
  });

  it('refuses a decrypted non-PKCS#8 key as cosign does', async () => {
    await expect(decryptPrivateKey(await fixture('cosign-sec1-ec-n65536.key'), 'hello', 'k')).rejects.toMatchObject({ code: 'key-invalid' });
  });

  it('a wrong password is a clear typed error', async () => {
    const err = await decryptPrivateKey(await fixture('cosign-sigstore-label.key'), 'nope', 'cosign.key').catch((e) => e);
    expect(err).toMatchObject({ code: 'key-wrong-password', exit: 2 });
    expect(err.message).toBe('wrong password for cosign.key');
    expect(err.hint).toContain('WELD_PASSWORD');
  });

  it('refuses tampered scrypt parameters before running scrypt (DoS guard as in go-securesystemslib)', async () => {
    const pem = await encryptPrivateKey(generateKeyPair().privateKey, 'pw');
    const block = decodePem(pem, 'k');
    const env = JSON.parse(Buffer.from(block.bytes).toString());
    env.kdf.params.N = 1 << 24;
    const tampered = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(env)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    await expect(decryptPrivateKey(tampered, 'pw', 'k')).rejects.toMatchObject({ code: 'key-unsupported' });
  });

  it('names the mistake when a public key is passed as the private key and vice versa', async () => {
    const pair = generateKeyPair();
    const pub = publicKeyToPem(pair.publicKey);
    await expect(decryptPrivateKey(pub, 'pw', 'cosign.pub')).rejects.toMatchObject({ code: 'key-unsupported' });
    const priv = await encryptPrivateKey(pair.privateKey, 'pw');
    expect(() => parsePublicKey(priv, 'cosign.key')).toThrow(/expected "PUBLIC KEY"/);
    expect(() => parsePublicKey('hello', 'x')).toThrow(expect.objectContaining({ code: 'key-invalid' }));
  });

  it('public key PEM is SPKI', () => {
    const pair = generateKeyPair();
    const pem = publicKeyToPem(pair.publicKey);
    expect(pem).toBe(pair.publicKey.export({ format: 'pem', type: 'spki' }));
  });
});

describe('key files', () => {
  it('writes cosign.key (0600) and cosign.pub atomically and refuses to overwrite without force', async () => {
    const dir = await tempDir('weld-keys-');
    const prefix = join(dir, 'cosign');
    const written = await writeKeyPair('pw', { prefix });
    expect(written.privateKeyPath).toBe(`${prefix}.key`);
    expect((await stat(written.privateKeyPath)).mode & 0o777).toBe(0o600);
    const priv = await loadPrivateKey(written.privateKeyPath, 'pw');
    const pub = await loadPublicKey(written.publicKeyPath);
    expect(createPublicKey(priv).export({ format: 'der', type: 'spki' })).toEqual(pub.export({ format: 'der', type: 'spki' }));
    await expect(writeKeyPair('pw', { prefix })).rejects.toMatchObject({ code: 'key-exists' });
    const again = await writeKeyPair('pw2', { prefix, force: true });
    expect(again.keyId).not.toBe(written.keyId);
    await expect(loadPublicKey(join(dir, 'missing.pub'))).rejects.toMatchObject({ code: 'key-not-found' });
  });
});

describe('import', () => {
  it('imports PKCS#8 and SEC1 PEM keys into cosign format, refusing unsupported ones', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    const dir = await tempDir('weld-import-');
    const written = await writeKeyPair('pw', { prefix: join(dir, 'imported'), privateKey: parseUnencryptedPrivateKey(sec1, 'ec.pem') });
    const back = await loadPrivateKey(written.privateKeyPath, 'pw');
    expect(back.export({ format: 'der', type: 'pkcs8' })).toEqual(ec.privateKey.export({ format: 'der', type: 'pkcs8' }));
    const pkcs8 = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(parseUnencryptedPrivateKey(pkcs8).asymmetricKeyType).toBe('ec');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => parseUnencryptedPrivateKey(ed, 'ed.pem')).toThrow(expect.objectContaining({ code: 'key-unsupported' }));
    const cosignKey = await fixture('cosign-sigstore-label.key');
    expect(() => parseUnencryptedPrivateKey(cosignKey, 'cosign.key')).toThrow(expect.objectContaining({ hint: expect.stringContaining("already in cosign's format") }));
  });
});

describe('password source', () => {
  it('WELD_PASSWORD wins over COSIGN_PASSWORD; an empty value is a valid password; no TTY and no env is an error', async () => {
    expect(await readPassword({ env: { WELD_PASSWORD: 'a', COSIGN_PASSWORD: 'b' } })).toBe('a');
    expect(await readPassword({ env: { COSIGN_PASSWORD: 'b' } })).toBe('b');
    expect(await readPassword({ env: { COSIGN_PASSWORD: '' } })).toBe('');
    if (!process.stdin.isTTY) await expect(readPassword({ env: {} })).rejects.toMatchObject({ code: 'password-required' });
  });

  it('prompts on a terminal without echo, asks twice for a new key, and rejects a mismatch', async () => {
    const fakeTty = (typed: string[]) => {
      const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(this: { isRaw: boolean }, raw: boolean) { this.isRaw = raw; return this; } });
      const output = new PassThrough();
      let echoed = '';
      output.on('data', (d: Buffer) => (echoed += d.toString()));
      const feed = [...typed];
      // answer each prompt as it appears, as a person would
      output.on('data', () => {
        const next = feed.shift();
        if (next !== undefined) setImmediate(() => input.write(next));
      });
      return { tty: { input: input as unknown as NodeJS.ReadStream, output }, echoed: () => echoed };
    };
    const ok = fakeTty(['s3cr\u007fet\r', 's3cet\r']);
    expect(await readPassword({ env: {}, confirm: true, purpose: 'cosign.key', tty: ok.tty })).toBe('s3cet');
    expect(ok.echoed()).toContain('Enter password for cosign.key: ');
    expect(ok.echoed()).not.toContain('s3c');
    const bad = fakeTty(['one\r', 'two\r']);
    await expect(readPassword({ env: {}, confirm: true, tty: bad.tty })).rejects.toMatchObject({ code: 'password-mismatch' });
  });
});
