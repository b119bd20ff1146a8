import { InvalidArgumentError, type Command } from 'commander';
import { KeySigner, loadPrivateKey, openTarget, readPassword, signImage, type Reference } from '@weld/registry';
import { emit, globals, status } from '../context.js';
import { WELD_VERSION } from '../version.js';

/** Collects repeated `-a key=value` options into a record. */
export function collectAnnotation(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The identity written into the simple-signing payload: `host/repo` for registries, the repository otherwise. */
export function dockerIdentity(ref: Reference): string {
  if (ref.kind === 'registry') return `${ref.registry}/${ref.repository}`;
  if (ref.repository) return ref.repository;
  const base = (ref.path ?? 'layout').split(/[\\/]/).filter(Boolean).pop() ?? 'layout';
  return `localhost/${base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'layout'}`;
}

export async function loadSigningKey(path: string): Promise<KeySigner> {
  const password = await readPassword({ purpose: path });
  return new KeySigner(await loadPrivateKey(path, password));
}

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign an image: a cosign signature (sha256-<hex>.sig tag) and a sigstore bundle attached as a referrer')
    .argument('<ref>', 'host[:port]/repo[:tag][@digest], oci:PATH[:tag] or repo:tag (embedded store)')
    .requiredOption('--key <file>', 'private key (cosign.key from `weld keygen` or `cosign generate-key-pair`)')
    .option('-a, --annotation <key=value>', 'annotation recorded in the signed payload (repeatable)', collectAnnotation)
    .option('--no-bundle', 'do not attach a sigstore bundle (cosign tag only)')
    .option('--no-cosign-tag', 'do not write the sha256-<hex>.sig tag (bundle only)')
    .addHelpText(
      'after',
      [
        '',
        'The key password comes from WELD_PASSWORD or COSIGN_PASSWORD, else a prompt on the terminal.',
        'Signing again adds a signature; existing signatures are kept.',
        'Signatures are made offline: nothing is uploaded to a transparency log (Rekor), so cosign checks them with',
        '  cosign verify --key cosign.pub --insecure-ignore-tlog=true <ref>',
        'Keyless signing (an OIDC identity exchanged for a Fulcio certificate, logged in Rekor) needs network',
        'access and is not available yet; the signer interface takes it without changes to the formats.',
      ].join('\n'),
    )
    .action(async (ref: string, opts: { key: string; annotation?: Record<string, string>; bundle: boolean; cosignTag: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const signer = await loadSigningKey(opts.key);
      const opened = await openTarget(ref);
      try {
        status(g, `signing ${ref} with key ${signer.keyId.slice(0, 16)}…`);
        const result = await signImage(opened.target, opened.selector, signer, {
          dockerReference: dockerIdentity(opened.reference),
          annotations: opts.annotation,
          creator: `weld ${WELD_VERSION}`,
          cosign: opts.cosignTag,
          bundle: opts.bundle,
        });
        emit(g, { ...result, keyId: signer.keyId, transparencyLog: 'not uploaded (offline)' }, () => [
          `Signed ${ref} (${result.digest}) with key ${signer.keyId.slice(0, 16)}…`,
          ...(result.cosign ? [`  cosign signature: tag ${result.cosign.tag} (${result.cosign.signatureCount} signature${result.cosign.signatureCount === 1 ? '' : 's'}${result.cosign.unchanged ? ', unchanged' : ''})`] : []),
          ...(result.bundle ? [`  sigstore bundle:  referrer ${result.bundle.manifest.digest}`] : []),
          'offline: no transparency log entry was made',
        ]);
      } finally {
        await opened.close();
      }
    });
}
