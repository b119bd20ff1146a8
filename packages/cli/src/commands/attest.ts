import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { readProvenance } from '@weld/compose';
import { attestImage, compositionPredicate, openTarget, pullComponent, SLSA_PROVENANCE_V1, SignError, type ProvenanceInput, type Target } from '@weld/registry';
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
    .option('--input <name=digest[@uri]>', "a composition input: its name and sha256 digest (repeatable; default: the inputs `weld compose` recorded in the component)", collectList)
    .option('--predicate <file>', 'a JSON predicate to attest instead of the composition provenance')
    .option('--type <uri>', 'predicate type of --predicate', SLSA_PROVENANCE_V1)
    .addHelpText('after', '\nCheck it with `weld verify <ref> --key cosign.pub --attestation`. Offline: no transparency log entry is made.')
    .action(async (ref: string, opts: { key: string; input?: string[]; predicate?: string; type: string }, cmd: Command) => {
      const g = globals(cmd);
      let predicate: Record<string, unknown> = {};
      let predicateType = opts.type;
      if (opts.predicate) {
        try {
          predicate = JSON.parse(await readFile(opts.predicate, 'utf8')) as Record<string, unknown>;
        } catch (e) {
          throw new SignError('attestation-invalid', `cannot read predicate ${opts.predicate}: ${(e as Error).message}`, { exit: 2, cause: e });
        }
      }
      const signer = await loadSigningKey(opts.key);
      const opened = await openTarget(ref);
      try {
        // One digest for reading the provenance and for the statement's subject, even if the tag moves meanwhile.
        const selector = (await opened.target.resolve(opened.selector)).digest;
        if (!opts.predicate) {
          const inputs = opts.input ? opts.input.map(parseInput) : await recordedInputs(ref, opened.target, selector);
          predicate = compositionPredicate({ inputs, weldVersion: WELD_VERSION, externalParameters: opts.input ? {} : { source: 'weld-provenance custom section' } });
          predicateType = SLSA_PROVENANCE_V1;
        }
        const result = await attestImage(opened.target, selector, signer, { predicateType, predicate });
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

/** The inputs `weld compose` recorded in the component's `weld-provenance` section. */
async function recordedInputs(ref: string, target: Target, selector: string): Promise<ProvenanceInput[]> {
  const pulled = await pullComponent(target, selector);
  const provenance = readProvenance(pulled.bytes!);
  if (!provenance) {
    throw new SignError('attestation-invalid', `${ref} records no composition provenance (it was not made by weld compose)`, {
      exit: 2,
      hint: 'pass --input name=sha256:<hex> for each input, or --predicate FILE',
    });
  }
  return provenance.inputs.map((i) => ({ name: i.name, digest: i.digest }));
}
