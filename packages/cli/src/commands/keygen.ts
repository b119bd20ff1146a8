import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { checkKeyPairTargets, parseUnencryptedPrivateKey, readPassword, SCRYPT_PARAMS, SignError, writeKeyPair, type KdfStrength } from '@weld/registry';
import { emit, globals } from '../context.js';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description("generate a cosign-compatible key pair: <prefix>.key (encrypted ECDSA P-256, cosign's format) and <prefix>.pub (PEM)")
    .option('--output-key-prefix <prefix>', 'write <prefix>.key and <prefix>.pub', 'cosign')
    .option('--force', 'overwrite existing key files')
    .option('--import <file>', 'encrypt an existing PEM private key (PKCS#8, EC or RSA) instead of generating one, as `cosign import-key-pair`')
    .addOption(
      new Option('--kdf <strength>', 'scrypt parameters: legacy (N=2^15, readable by every cosign), standard (N=2^16, current cosign default), owasp (N=2^17)')
        .choices(Object.keys(SCRYPT_PARAMS))
        .default('legacy'),
    )
    .addHelpText('after', '\nThe password comes from WELD_PASSWORD or COSIGN_PASSWORD, else a prompt on the terminal.\nKeys load in cosign (`cosign sign --key cosign.key`) and keys cosign generated load in weld.')
    .action(async (opts: { outputKeyPrefix: string; force?: boolean; kdf: KdfStrength; import?: string }, cmd: Command) => {
      const g = globals(cmd);
      // both files are checked before a password is asked for (and again just before they are written)
      await checkKeyPairTargets({ prefix: opts.outputKeyPrefix, force: opts.force });
      let privateKey;
      if (opts.import) {
        const text = await readFile(opts.import, 'utf8').catch((e: Error) => {
          throw new SignError('key-not-found', `cannot read ${opts.import}: ${e.message}`, { cause: e });
        });
        privateKey = parseUnencryptedPrivateKey(text, opts.import);
      }
      const password = await readPassword({ confirm: true, purpose: `${opts.outputKeyPrefix}.key` });
      const written = await writeKeyPair(password, { prefix: opts.outputKeyPrefix, force: opts.force, kdf: opts.kdf, privateKey });
      emit(g, written, () => [
        `Private key written to ${written.privateKeyPath} (mode 0600, scrypt N=${written.kdf.N} r=${written.kdf.r} p=${written.kdf.p}, nacl/secretbox)`,
        `Public key written to ${written.publicKeyPath}`,
        `key id ${written.keyId}`,
      ]);
    });
}
