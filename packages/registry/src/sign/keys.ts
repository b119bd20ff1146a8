import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import { copyFile, link, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import nacl from 'tweetnacl';
import { SignError } from './errors.js';
import { FileWriteError, makeFolders, tempBeside, writeDestination, writeFailure, type WriteDestination } from '@weld/core/node';
import { readTextFile } from './files.js';
import { decodePem, encodePem } from './pem.js';

/**
 * cosign's private key format (cosign `pkg/cosign/keys.go` + go-securesystemslib `encrypted/encrypted.go`):
 * PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` (older cosign: `ENCRYPTED COSIGN PRIVATE KEY`) whose bytes are the
 * JSON {"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},"cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}
 * (Go []byte fields are standard base64). The key is scrypt(password, salt, N, r, p, 32); the ciphertext is
 * NaCl secretbox (XSalsa20-Poly1305) of the PKCS#8 DER private key under a 24-byte random nonce.
 */
export const SIGSTORE_PRIVATE_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_PRIVATE_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';
export const PUBLIC_KEY_PEM = 'PUBLIC KEY';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The three parameter sets go-securesystemslib accepts on read; anything else is refused (a DoS guard there too). */
export const SCRYPT_PARAMS = {
  /** N=2^15: what every cosign release reads, and what cosign < 2.1 wrote. */
  legacy: { N: 32768, r: 8, p: 1 },
  /** N=2^16: what current cosign writes. Cosign releases older than go-securesystemslib 0.6 cannot read it. */
  standard: { N: 65536, r: 8, p: 1 },
  owasp: { N: 131072, r: 8, p: 1 },
} as const satisfies Record<string, ScryptParams>;

export type KdfStrength = keyof typeof SCRYPT_PARAMS;

const SALT_SIZE = 32;
const BOX_KEY_SIZE = 32;
const BOX_NONCE_SIZE = 24;
const SCRYPT_MAXMEM = 256 * 1024 * 1024;

export interface EncryptedKeyEnvelope {
  kdf: { name: 'scrypt'; params: ScryptParams; salt: string };
  cipher: { name: 'nacl/secretbox'; nonce: string };
  ciphertext: string;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair, the default cosign generates. */
export function generateKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export function deriveBoxKey(password: string | Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(toBytes(password), salt, BOX_KEY_SIZE, { N: params.N, r: params.r, p: params.p, maxmem: SCRYPT_MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Seals `plaintext` the way go-securesystemslib's `encrypted.EncryptWithCustomKDFParameters` does. */
export async function encryptWithPassword(plaintext: Uint8Array, password: string | Uint8Array, kdf: KdfStrength = 'legacy'): Promise<EncryptedKeyEnvelope> {
  const params = SCRYPT_PARAMS[kdf];
  const salt = randomBytes(SALT_SIZE);
  const nonce = randomBytes(BOX_NONCE_SIZE);
  const key = await deriveBoxKey(password, salt, params);
  const sealed = nacl.secretbox(plaintext, nonce, key);
  return {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  };
}

/** Opens an envelope sealed by cosign or by weld; `where` names the file in messages. */
export async function decryptWithPassword(envelopeJson: Uint8Array, password: string | Uint8Array, where: string): Promise<Uint8Array> {
  const env = parseEnvelope(envelopeJson, where);
  const params = env.kdf.params;
  if (!Object.values(SCRYPT_PARAMS).some((p) => p.N === params.N && p.r === params.r && p.p === params.p)) {
    throw new SignError('key-unsupported', `${where} uses unsupported scrypt parameters N=${params.N} r=${params.r} p=${params.p}`, {
      hint: 'cosign and weld accept N=32768, 65536 or 131072 with r=8 p=1',
    });
  }
  const nonce = Buffer.from(env.cipher.nonce, 'base64');
  if (nonce.length !== BOX_NONCE_SIZE) throw new SignError('key-invalid', `${where}: secretbox nonce must be ${BOX_NONCE_SIZE} bytes, found ${nonce.length}`);
  const key = await deriveBoxKey(password, Buffer.from(env.kdf.salt, 'base64'), params);
  const opened = nacl.secretbox.open(Buffer.from(env.ciphertext, 'base64'), nonce, key);
  if (!opened) {
    throw new SignError('key-wrong-password', `wrong password for ${where}`, {
      detail: 'the secretbox authenticator did not match: the password is wrong or the key file was changed',
      hint: 'set WELD_PASSWORD (or COSIGN_PASSWORD) to the password the key was created with',
    });
  }
  return opened;
}

function parseEnvelope(bytes: Uint8Array, where: string): EncryptedKeyEnvelope {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new SignError('key-invalid', `${where} is not a cosign encrypted key: its PEM body is not JSON`, { cause: e });
  }
  // Go's encoding/json matches field names case-insensitively; do the same so hand-edited keys still load.
  const field = (o: unknown, name: string): unknown => {
    if (typeof o !== 'object' || o === null) return undefined;
    const hit = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
    return hit === undefined ? undefined : (o as Record<string, unknown>)[hit];
  };
  const kdf = field(doc, 'kdf');
  const cipher = field(doc, 'cipher');
  const params = field(kdf, 'params');
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new SignError('key-invalid', `${where} is not a cosign encrypted key: ${what} is missing`);
    return v;
  };
  const num = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new SignError('key-invalid', `${where} is not a cosign encrypted key: ${what} is missing`);
    return v;
  };
  if (field(kdf, 'name') !== 'scrypt') throw new SignError('key-unsupported', `${where}: unknown kdf ${JSON.stringify(field(kdf, 'name'))} (only scrypt)`);
  if (field(cipher, 'name') !== 'nacl/secretbox') {
    throw new SignError('key-unsupported', `${where}: unknown cipher ${JSON.stringify(field(cipher, 'name'))} (only nacl/secretbox)`);
  }
  return {
    kdf: {
      name: 'scrypt',
      params: { N: num(field(params, 'N'), 'kdf.params.N'), r: num(field(params, 'r'), 'kdf.params.r'), p: num(field(params, 'p'), 'kdf.params.p') },
      salt: str(field(kdf, 'salt'), 'kdf.salt'),
    },
    cipher: { name: 'nacl/secretbox', nonce: str(field(cipher, 'nonce'), 'cipher.nonce') },
    ciphertext: str(field(doc, 'ciphertext'), 'ciphertext'),
  };
}

export interface EncryptKeyOptions {
  kdf?: KdfStrength;
  /** PEM label; cosign writes the SIGSTORE one and keeps COSIGN when re-importing an old key. */
  pemType?: typeof SIGSTORE_PRIVATE_KEY_PEM | typeof COSIGN_PRIVATE_KEY_PEM;
}

/** The encrypted private key file's text (PKCS#8 inside, as cosign's `marshalKeyPair`). */
export async function encryptPrivateKey(privateKey: KeyObject, password: string | Uint8Array, options: EncryptKeyOptions = {}): Promise<string> {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const envelope = await encryptWithPassword(pkcs8, password, options.kdf);
  return encodePem(options.pemType ?? SIGSTORE_PRIVATE_KEY_PEM, Buffer.from(JSON.stringify(envelope), 'utf8'));
}

/** Decrypts an `ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY` PEM; returns a signing key. */
export async function decryptPrivateKey(pemText: string, password: string | Uint8Array, where = 'private key'): Promise<KeyObject> {
  const block = decodePem(pemText, where);
  if (block.type !== SIGSTORE_PRIVATE_KEY_PEM && block.type !== COSIGN_PRIVATE_KEY_PEM) {
    throw new SignError('key-unsupported', `${where} holds a "${block.type}" PEM block, not an encrypted cosign private key`, {
      hint: block.type === PUBLIC_KEY_PEM ? 'this is a public key: pass it to `weld verify --key`, and the private key to `weld sign --key`' : 'generate a key with `weld keygen` or `cosign generate-key-pair`',
    });
  }
  const pkcs8 = await decryptWithPassword(block.bytes, password, where);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SignError('key-invalid', `${where} decrypted, but the content is not a PKCS#8 private key`, { cause: e });
  }
  assertSupportedKey(key, where);
  return key;
}

/** PEM SPKI, as cosign's `cryptoutils.MarshalPublicKeyToPEM`. */
export function publicKeyToPem(publicKey: KeyObject): string {
  return encodePem(PUBLIC_KEY_PEM, publicKey.export({ format: 'der', type: 'spki' }));
}

export function parsePublicKey(pemText: string, where = 'public key'): KeyObject {
  const block = decodePem(pemText, where);
  if (block.type !== PUBLIC_KEY_PEM) {
    throw new SignError('key-unsupported', `${where} holds a "${block.type}" PEM block, expected "PUBLIC KEY"`, {
      hint: block.type.includes('PRIVATE') ? 'pass the public key (cosign.pub) to verify, not the private key' : undefined,
    });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' });
  } catch (e) {
    throw new SignError('key-invalid', `${where} is not a valid SubjectPublicKeyInfo`, { cause: e });
  }
  assertSupportedKey(key, where);
  return key;
}

const HASH_BY_CURVE: Record<string, 'sha256' | 'sha384' | 'sha512'> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

/**
 * The digest cosign pairs with the key (sigstore `LoadDefaultSignerVerifier`): P-256→SHA-256, P-384→SHA-384,
 * P-521→SHA-512, RSA (PKCS#1 v1.5)→SHA-256.
 */
export function hashForKey(key: KeyObject): 'sha256' | 'sha384' | 'sha512' {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  return HASH_BY_CURVE[curve] ?? 'sha256';
}

function assertSupportedKey(key: KeyObject, where: string): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve && details.namedCurve in HASH_BY_CURVE) return;
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) return;
  const what = key.asymmetricKeyType === 'rsa' ? `${details.modulusLength}-bit RSA` : `${key.asymmetricKeyType}${details.namedCurve ? ` ${details.namedCurve}` : ''}`;
  throw new SignError('key-unsupported', `${where} is a ${what} key; weld signs with ECDSA P-256/P-384/P-521 or RSA ≥ 2048-bit keys`, {
    hint: 'generate a key with `weld keygen`',
  });
}

/** Stable key id: hex SHA-256 of the DER SubjectPublicKeyInfo. Used as the bundle key hint and in messages. */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ format: 'der', type: 'spki' })).digest('hex');
}

export interface WriteKeyPairOptions extends EncryptKeyOptions {
  /** File prefix: writes `<prefix>.key` and `<prefix>.pub` (default `cosign`, as cosign). */
  prefix?: string;
  /** Overwrite existing files (cosign asks; weld requires this flag). */
  force?: boolean;
}

export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
  kdf: ScryptParams;
}

/**
 * An unencrypted PEM private key (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`), as
 * cosign's `import-key-pair` accepts; the result is written in cosign's encrypted format by `writeKeyPair`.
 */
export function parseUnencryptedPrivateKey(pemText: string, where = 'private key'): KeyObject {
  const block = decodePem(pemText, where);
  if (!['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'].includes(block.type)) {
    throw new SignError('key-unsupported', `${where} holds a "${block.type}" PEM block; import takes PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY`, {
      hint: block.type.startsWith('ENCRYPTED') ? 'this key is already in cosign\'s format: use it as it is' : undefined,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pemText, format: 'pem' });
  } catch (e) {
    throw new SignError('key-invalid', `${where}: cannot parse the ${block.type}`, { cause: e });
  }
  assertSupportedKey(key, where);
  return key;
}

/** Where `writeKeyPair` writes `<prefix>.key` and `<prefix>.pub` (symbolic links resolved); see `checkKeyPairTargets`. */
export interface KeyPairTargets {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The regular files the writes replace or create. */
  privateKey: WriteDestination;
  publicKey: WriteDestination;
}

/** `writeDestination`, with a hint for a key file (not the generic "name the file to write" one). */
function keyDestination(path: string): WriteDestination {
  try {
    return writeDestination(path);
  } catch (e) {
    if (e instanceof FileWriteError && e.hint !== undefined) {
      throw new FileWriteError(e.code, e.message, { cause: e, hint: 'move it out of the way, or write the pair elsewhere with --output-key-prefix' });
    }
    throw e;
  }
}

/**
 * Checks both files of a key pair before anything is written (or a password asked for): each must be absent, or with
 * `force` a regular file; a folder, device or pipe at either is refused even with `force`, an existing file without it.
 */
export async function checkKeyPairTargets(options: Pick<WriteKeyPairOptions, 'prefix' | 'force'> = {}): Promise<KeyPairTargets> {
  const prefix = options.prefix ?? 'cosign';
  const privateKeyPath = `${prefix}.key`;
  const publicKeyPath = `${prefix}.pub`;
  const [privateKey, publicKey] = [keyDestination(privateKeyPath), keyDestination(publicKeyPath)];
  if (!options.force) {
    for (const [p, dest] of [[privateKeyPath, privateKey], [publicKeyPath, publicKey]] as const) {
      // `mode` is set for a regular file there (through a symbolic link); anything else was refused above
      if (dest.mode !== undefined) throw new SignError('key-exists', `${p} already exists`, { hint: 'pass --force to overwrite it, or --output-key-prefix to write elsewhere' });
    }
  }
  return { privateKeyPath, publicKeyPath, privateKey, publicKey };
}

/**
 * `weld keygen`: a new P-256 pair (or `options.privateKey`, imported); the private key encrypted and mode 0600, the
 * public key 0644. Both targets are checked first (`checkKeyPairTargets`), both files written beside their targets,
 * then renamed into place one after the other; if the second rename fails, the first is undone (the old private key
 * is kept as a hard link until then), so a failure leaves the old pair, or none, never a mismatched one. Only a crash
 * between the two renames can leave the new private key beside the old public key.
 */
export async function writeKeyPair(password: string | Uint8Array, options: WriteKeyPairOptions & { privateKey?: KeyObject } = {}): Promise<WrittenKeyPair> {
  const targets = await checkKeyPairTargets(options);
  const { privateKeyPath, publicKeyPath } = targets;
  const pair = options.privateKey ? { privateKey: options.privateKey, publicKey: createPublicKey(options.privateKey) } : generateKeyPair();
  const kdf = options.kdf ?? 'legacy';
  const privatePem = await encryptPrivateKey(pair.privateKey, password, { kdf, pemType: options.pemType });
  const key = targets.privateKey.path;
  const pub = targets.publicKey.path;
  const keyTmp = tempBeside(key);
  const pubTmp = tempBeside(pub);
  let backup: string | undefined;
  let step: string = privateKeyPath;
  try {
    await makeFolders(dirname(key));
    await writeFile(keyTmp, privatePem, { mode: 0o600 });
    step = publicKeyPath;
    await makeFolders(dirname(pub));
    await writeFile(pubTmp, publicKeyToPem(pair.publicKey), { mode: 0o644 });
    step = privateKeyPath;
    if (targets.privateKey.mode !== undefined) {
      backup = tempBeside(key);
      await link(key, backup).catch(() => copyFile(key, backup!));
    }
    await rename(keyTmp, key);
    step = publicKeyPath;
    try {
      await rename(pubTmp, pub);
    } catch (e) {
      // put the old private key back (or remove the new one), so the pair on disk still matches
      if (backup !== undefined) await rename(backup, key).then(() => (backup = undefined));
      else await rm(key, { force: true });
      throw e;
    }
  } catch (e) {
    throw writeFailure(step, e);
  } finally {
    await Promise.all([keyTmp, pubTmp, ...(backup !== undefined ? [backup] : [])].map((f) => rm(f, { force: true })));
  }
  return { privateKeyPath, publicKeyPath, keyId: keyId(pair.publicKey), kdf: { ...SCRYPT_PARAMS[kdf] } };
}

export async function loadPrivateKey(path: string, password: string | Uint8Array): Promise<KeyObject> {
  return decryptPrivateKey(await readTextFile(path, 'private key'), password, path);
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return parsePublicKey(await readTextFile(path, 'public key'), path);
}

function toBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
}
