/** `weld grants`: capabilities of the example components and of an upgrade that adds some, in every output form. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, polyglotComponent } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';

let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { NO_COLOR: '1' } });

const PLAIN = `(component
  (core module $m (func (export "run")))
  (core instance $i (instantiate $m))
  (func $run (canon lift (core func $i "run")))
  (export "run" (func $run)))
`;
const UPGRADED = PLAIN.replace('(component', `(component
  (import "wasi:cli/environment@0.2.0" (instance (export "get-environment" (func (result (list (tuple string string)))))))
  (import "wasi:config/store@0.2.0-draft" (instance (export "get" (func (param "key" string) (result (option string))))))`);

const caps = (json: { capabilities: { capability: string }[] }) => json.capabilities.map((c) => c.capability);

describe('weld grants', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-grants-'));
    await writeFile(path.join(dir, 'plain.wat'), PLAIN);
    await writeFile(path.join(dir, 'upgraded.wat'), UPGRADED);
  });

  it('the example components: calc asks for nothing, app for files and stdin, http also for outgoing HTTP', async () => {
    const calc = JSON.parse((await weld(['-o', 'json', 'grants', polyglotComponent('calc')])).stdout);
    expect(caps(calc)).toEqual([]);
    const app = JSON.parse((await weld(['-o', 'json', 'grants', polyglotComponent('app')])).stdout);
    expect(caps(app)).toEqual(['files', 'stdin']);
    expect(app.other).toEqual(['demo:calc/calc@0.1.0']);
    const http = await weld(['grants', polyglotComponent('http')]);
    expect(http.code, http.stderr).toBe(0);
    expect(http.stdout).toMatch(/^http-outgoing\s+send outgoing HTTP requests: --allow-host HOST\[:PORT\]$/m);
    expect(http.stdout).toContain('wasi:http/outgoing-handler@0.2.10');
    expect(http.stdout).toContain('exports wasi:http/incoming-handler@0.2.10 (serve it with `weld serve`');
    expect(http.stdout).toContain('needs no grant: wasi:io/poll');
  });

  it('an upgrade that adds imports: exit 1, the new capabilities and their flags', async () => {
    const r = await weld(['grants', 'plain.wat', 'upgraded.wat']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '+ env: now asks to read environment variables (imports wasi:cli/environment@0.2.0)',
      '    grant with --env NAME[=VALUE]',
      '+ config: now asks to read runtime configuration (imports wasi:config/store@0.2.0-draft)',
      '    grant with --config KEY=VALUE',
    ]);
    const same = await weld(['grants', 'upgraded.wat', 'upgraded.wat']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('asks for nothing new');
    const fewer = await weld(['-o', 'json', 'grants', 'upgraded.wat', 'plain.wat']);
    expect(fewer.code).toBe(0);
    expect(JSON.parse(fewer.stdout).removed.map((c: { capability: string }) => c.capability)).toEqual(['env', 'config']);
  });

  it('GitHub annotations and SARIF for an upgrade', async () => {
    const gh = await weld(['grants', 'plain.wat', 'upgraded.wat', '--format', 'github']);
    expect(gh.stdout.trimEnd().split('\n')).toEqual([
      '::warning file=upgraded.wat,title=grant-env::now asks to read environment variables (imports wasi:cli/environment@0.2.0); grant with --env NAME[=VALUE]',
      '::warning file=upgraded.wat,title=grant-config::now asks to read runtime configuration (imports wasi:config/store@0.2.0-draft); grant with --config KEY=VALUE',
    ]);
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'packages/wit-tools/test/contract/sarif-schema-2.1.0.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const sarif = JSON.parse((await weld(['grants', 'plain.wat', 'upgraded.wat', '--format', 'sarif'])).stdout);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['grant-env', 'grant-config']);
  });

  it('a WIT package is refused with exit 2', async () => {
    const r = await weld(['grants', path.join(REPO_ROOT, 'examples/polyglot/calc/wit')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a WIT package, not a component');
  });
});
