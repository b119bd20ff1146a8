import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELD_BIN, runWeld } from '../../../test/helpers/cli.js';
import { polyglotComponent } from '../../../test/helpers/fixtures.js';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
let basic: TestRegistry;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  [reg, basic] = await Promise.all([startRegistry({ mode: 'open' }), startRegistry({ mode: 'htpasswd' })]);
  dir = mkdtempSync(join(tmpdir(), 'weld-cli-reg-'));
  env = { WELD_HOME: join(dir, 'home'), DOCKER_CONFIG: join(dir, 'docker'), WELD_REGISTRY_USER: '', WELD_REGISTRY_PASSWORD: '' };
  delete (env as Record<string, string | undefined>).WELD_REGISTRY_USER;
  delete (env as Record<string, string | undefined>).WELD_REGISTRY_PASSWORD;
});
afterAll(async () => {
  await Promise.all([reg, basic].filter(Boolean).map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const weld = (args: string[], extra: Record<string, string> = {}, input?: string) => runWeld(args, { env: { ...env, ...extra }, input });

describe('weld push / pull / copy / tag / ls', () => {
  it('pushes a real component to the registry, prints its digest, and pulls it back', async () => {
    const file = existsSync(polyglotComponent('calc')) ? polyglotComponent('calc') : join(dir, 'fallback.wasm');
    if (!existsSync(file)) writeFileSync(file, buildComponent({ exports: ['demo:calc/ops'] }));
    const push = await weld(['-o', 'json', 'push', file, `${reg.host}/cli/calc:1.0.0`, '--annotation', 'org.opencontainers.image.version=1.0.0']);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    const doc = JSON.parse(push.stdout);
    expect(doc.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(doc.config.architecture).toBe('wasm');
    expect(doc.config.os).toBe('wasip2');
    expect(doc.config.component.exports.length + doc.config.component.imports.length).toBeGreaterThan(0);


    const out = join(dir, 'calc.wasm');
    const pull = await weld(['pull', `${reg.host}/cli/calc:1.0.0`, out]);
    expect(pull.code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(file))).toBe(true);

    const inspect = await weld(['-o', 'json', 'ls', `${reg.host}/cli/calc`]);
    expect(JSON.parse(inspect.stdout).tags).toEqual(['1.0.0']);

    const shown = await weld(['inspect', `${reg.host}/cli/calc:1.0.0`]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${reg.host}/cli/calc:1.0.0@${doc.digest}`);
    expect(shown.stdout).toContain('config    application/vnd.wasm.config.v0+json');
    expect(shown.stdout).toMatch(/layer {5}application\/wasm .* calc\.wasm|layer {5}application\/wasm .*\.wasm/);
    expect(shown.stdout).toContain('org.opencontainers.image.version: 1.0.0');
    const shownJson = JSON.parse((await weld(['-o', 'json', 'inspect', `${reg.host}/cli/calc:1.0.0`])).stdout);
    expect(shownJson.descriptor.digest).toBe(doc.digest);
    expect(shownJson.config.component).toEqual(doc.config.component);
    expect(shownJson.world.imports.length + shownJson.world.exports.length).toBeGreaterThan(0);
    const absent = await weld(['inspect', `${reg.host}/cli/calc:9.9.9`]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('error[tag-unknown]');
    const noFile = await weld(['inspect', './nowhere/app.txt']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('error[no-such-file]');
  });

  it('works against the embedded store with bare names, and copies to a registry and a layout', async () => {
    const file = join(dir, 'e.wasm');
    writeFileSync(file, buildComponent({ exports: ['demo:emb/api'] }));
    const pushed = await weld(['push', file, 'team/emb:v1']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(existsSync(join(dir, 'home', 'oci', 'index.json'))).toBe(true);
    expect((await weld(['tag', 'team/emb:v1', 'stable', 'prod'])).code).toBe(0);
    expect((await weld(['ls', 'team/emb'])).stdout.split('\n').filter(Boolean)).toEqual(['prod', 'stable', 'v1']);
    expect(JSON.parse((await weld(['-o', 'json', 'ls'])).stdout).repositories).toEqual([{ repository: 'team/emb', tags: ['prod', 'stable', 'v1'] }]);
    const cp = await weld(['copy', 'team/emb:stable', `${reg.host}/cli/emb`]);
    expect(cp.code).toBe(0);
    expect((await weld(['-o', 'json', 'ls', `${reg.host}/cli/emb`])).stdout).toContain('"stable"');
    expect((await weld(['copy', `${reg.host}/cli/emb:stable`, `oci:${join(dir, 'layout')}:x`])).code).toBe(0);
    const out = join(dir, 'e-out.wasm');
    expect((await weld(['pull', `oci:${join(dir, 'layout')}:x`, '--out', out])).code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(file))).toBe(true);
  });

  it('reports bad input with typed errors and exit 2', async () => {
    const missing = await weld(['pull', `${reg.host}/cli/none:v1`, join(dir, 'never.wasm')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error\[(tag-unknown|name-unknown)\]/);
    expect(existsSync(join(dir, 'never.wasm'))).toBe(false);
    const badRef = await weld(['push', join(dir, 'e.wasm'), 'Team/App']);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('error[invalid-reference]');
    const notWasm = join(dir, 'x.txt');
    writeFileSync(notWasm, 'hello');
    const nw = await weld(['push', notWasm, 'a/b:v1']);
    expect(nw.code).toBe(2);
    expect(nw.stderr).toContain('error[not-a-wasm-artifact]');
    const ann = await weld(['push', join(dir, 'e.wasm'), 'a/b:v1', '--annotation', 'novalue']);
    expect(ann.code).toBe(2);
    expect(ann.stderr).toContain('--annotation expects key=value');
  });
});

describe('weld login / logout', () => {
  it('rejects a wrong password clearly, saves a right one, and uses it', async () => {
    const wrong = await weld(['login', basic.host, '-u', 'weld', '--password-stdin'], {}, 'wrong\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('error[unauthorized]');
    expect(wrong.stderr).toContain(`rejected the credentials`);
    const ok = await weld(['login', basic.host, '-u', 'weld', '--password-stdin'], {}, 'weld-secret\n');
    expect(ok.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, 'docker', 'config.json'), 'utf8'));
    expect(Object.keys(cfg.auths)).toEqual([basic.host]);
    expect(statSync(join(dir, 'docker', 'config.json')).mode & 0o777).toBe(0o600);
    expect((await weld(['push', join(dir, 'e.wasm'), `${basic.host}/cli/auth:v1`])).code).toBe(0);
    expect((await weld(['logout', basic.host])).code).toBe(0);
    const after = await weld(['push', join(dir, 'e.wasm'), `${basic.host}/cli/auth:v2`]);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(`weld login ${basic.host}`);
    const viaEnv = await weld(['push', join(dir, 'e.wasm'), `${basic.host}/cli/auth:v3`], { WELD_REGISTRY_USER: 'weld', WELD_REGISTRY_PASSWORD: 'weld-secret' });
    expect(viaEnv.code).toBe(0);
  });
});

describe('weld wit publish / deps', () => {
  it('publishes a binary WIT package by wkg name to the mapped registry and locks it', async () => {
    const project = join(dir, 'witproj');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'weld.yaml'), `name: witproj\ncomponents: []\nregistries:\n  namespaces:\n    acme: ${reg.host}\n`);
    writeFileSync(join(project, 'types.wasm'), buildComponent({ exports: ['acme:types/api@1.0.0'] }));
    const run = (args: string[]) => runWeld(args, { cwd: project, env });
    const pub = await run(['-o', 'json', 'wit', 'publish', 'types.wasm', 'acme:types@1.0.0']);
    expect(pub.code, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout).reference).toBe(`${reg.host}/acme/types:1.0.0`);
    const deps = await run(['wit', 'deps', 'acme:types@1.0.0']);
    expect(deps.code, deps.stderr).toBe(0);
    expect(readFileSync(join(project, 'wit', 'deps', 'acme-types.wasm')).equals(readFileSync(join(project, 'types.wasm')))).toBe(true);
    const locked = await run(['wit', 'deps', '--locked']);
    expect(locked.code, locked.stderr).toBe(0);
    const unknown = await run(['wit', 'deps', '--locked', 'acme:other@1.0.0']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error[lock-mismatch]');
  });
  it('publishes the WIT folder itself (the default source) under its own package name', async () => {
    const project = join(dir, 'witfolder');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(project, 'wit'), { recursive: true });
    writeFileSync(join(project, 'wit', 'logging.wit'), 'package acme:logging@0.3.0;\n\ninterface log {\n  write: func(msg: string);\n}\n');
    const pub = await runWeld(['-o', 'json', 'wit', 'publish', '--registry', reg.host], { cwd: project, env });
    expect(pub.code, pub.stderr).toBe(0);
    const doc = JSON.parse(pub.stdout);
    expect(doc.package).toBe('acme:logging@0.3.0');
    expect(doc.reference).toBe(`${reg.host}/acme/logging:0.3.0`);
    expect(doc.layer.mediaType).toBe('application/wasm');
  });
});

describe('a push killed mid-upload', () => {
  it('leaves no tag, and the rerun completes', async () => {
    const big = join(dir, 'big.wasm');
    writeFileSync(big, buildComponent({ padding: 80 * 1024 * 1024 }));
    const ref = `${reg.host}/cli/killed:v1`;
    const child = spawn(process.execPath, [WELD_BIN, 'push', big, ref], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const uploads = join(reg.storageDir, 'docker/registry/v2/repositories/cli/killed/_uploads');
    const started = Date.now();
    let killedMidUpload = false;
    while (Date.now() - started < 20_000 && child.exitCode === null) {
      const partial = existsSync(uploads) && readdirSync(uploads).some((u) => {
        const data = join(uploads, u, 'data');
        return existsSync(data) && statSync(data).size > 0;
      });
      if (partial) {
        child.kill('SIGKILL');
        killedMidUpload = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    expect(killedMidUpload).toBe(true);
    const pullEarly = await weld(['pull', ref, join(dir, 'early.wasm')]);
    expect(pullEarly.code).toBe(2);
    expect(pullEarly.stderr).toMatch(/tag-unknown|name-unknown/);
    const rerun = await weld(['push', big, ref]);
    expect(rerun.code).toBe(0);
    const out = join(dir, 'big-out.wasm');
    expect((await weld(['pull', ref, out])).code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(big))).toBe(true);
  });
});
