import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { attestImage, compositionPredicate, openTarget, SLSA_PROVENANCE_V1, SignError, type ProvenanceInput } from '@weld/registry';
import { emit, globals } from '../context.js';
import { WELD_VERSION } from '../version.js';
import { collectList, loadSigningKey } from './sign.js';

function parseInput(value: string): ProvenanceInput {
  const m = /^([^=]+)=((?:sha256|sha512):[a-f0-9]+)(?:@(.+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=sha256:<hex>[@uri], got "${value}"`);
  return { name: m[1], digest: m[2], ...(m[3] ? { uri: m[3] } : {}) };
}

export function registerAttest(program: Command): void {
  program
    .command('attest')
    .description('attach a signed in-toto attestation (DSSE: cosign .att tag and sigstore bundle referrer): by default SLSA provenance of a composition')
    .argument('<ref>', 'the image the statement is about')
    .requiredOption('--key <file>', 'private key to sign with')
    .option('--input <name=digest[@uri]>', 'a composition input: its name and sha256 digest (repeatable)', collectList)
    .option('--predicate <file>', 'a JSON predicate to attest instead of the composition provenance')
    .option('--type <uri>', 'predicate type of --predicate', SLSA_PROVENANCE_V1)
    .addHelpText('after', '\nCheck it with `weld verify <ref> --key cosign.pub --attestation`. Offline: no transparency log entry is made.')
    .action(async (ref: string, opts: { key: string; input?: string[]; predicate?: string; type: string }, cmd: Command) => {
      const g = globals(cmd);
      let predicate: Record<string, unknown>;
      let predicateType = opts.type;
      if (opts.predicate) {
        try {
          predicate = JSON.parse(await readFile(opts.predicate, 'utf8')) as Record<string, unknown>;
        } catch (e) {
          throw new SignError('attestation-invalid', `cannot read predicate ${opts.predicate}: ${(e as Error).message}`, { exit: 2, cause: e });
        }
      } else {
        const inputs = (opts.input ?? []).map(parseInput);
        if (inputs.length === 0) throw new SignError('attestation-invalid', 'nothing to attest: pass --input name=sha256:<hex> for each composed input, or --predicate FILE', { exit: 2 });
        predicate = compositionPredicate({ inputs, weldVersion: WELD_VERSION });
        predicateType = SLSA_PROVENANCE_V1;
      }
      const signer = await loadSigningKey(opts.key);
      const opened = await openTarget(ref);
      try {
        const result = await attestImage(opened.target, opened.selector, signer, { predicateType, predicate });
        emit(g, { ...result, keyId: signer.keyId }, () => [
          `Attested ${ref} (${result.digest}): ${predicateType}`,
          ...(result.cosign ? [`  cosign attestation: tag ${result.cosign.tag}`] : []),
          `  sigstore bundle:    referrer ${result.attached.manifest.digest}, key ${signer.keyId.slice(0, 16)}…`,
          'offline: no transparency log entry was made',
        ]);
      } finally {
        await opened.close();
      }
    });
}
