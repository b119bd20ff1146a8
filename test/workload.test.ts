/**
 * Workloads end to end: components built from source (test/fixtures/workload/project and the polyglot example),
 * linked at run time in one process with values and resource handles crossing, a user's host plugin loaded from a
 * test package, grants from each component's localResources, images pulled from a real registry, and the
 * Kubernetes manifest checked against the wasmCloud CRD schema.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callWorkload, grantsFor, loadWorkload, prepareVolumes, resolveSocketGrants, runWorkload, serveWorkload, type LoadedWorkload } from '@weld/runner';
import { parseWorkloadManifest, WorkloadError } from '@weld/compose/workload';
import { runWeld } from './helpers/cli.js';
import { crdValidator } from './helpers/crd.js';
import { buildPolyglotFixtures, buildWorkloadFixtures, polyglotComponent, REPO_ROOT, WORKLOAD_FIXTURES, WORKLOAD_PROJECT } from './helpers/fixtures.js';
import { startRegistry, type TestRegistry } from './helpers/registry.js';
import { tempProject } from './helpers/tmp.js';

const PLUGIN = path.join(WORKLOAD_PROJECT, 'plugin-greeting');
const built = (name: string) => path.join(WORKLOAD_FIXTURES, `${name}.wasm`);
const pluginStats = () => (globalThis as { __weldGreetingPlugin?: { created: Array<{ component: string; config: Record<string, string> }>; closed: string[] } }).__weldGreetingPlugin!;

/** The linked test workload: counter (exports a resource), client (imports it and the plugin's greeter). */
function linkedWeldYaml(extra = ''): string {
  return `name: linked
plugins: [${PLUGIN}]
workload:
  components:
    - name: counter
      image: ${built('counter')}
    - name: client
      image: ${built('client')}
      localResources:
        config: { punctuation: '!!' }
  hostInterfaces:
    - namespace: test
      package: greeting
      interfaces: [greeter]
      version: 0.1.0
      config: { prefix: Howdy }
${extra}`;
}

let dir: string;
beforeAll(async () => {
  await buildPolyglotFixtures();
  await buildWorkloadFixtures();
  dir = await tempProject({ 'weld.yaml': linkedWeldYaml() });
}, 600_000);

describe('components linked at run time', () => {
  let loaded: LoadedWorkload;
  beforeAll(async () => {
    loaded = await loadWorkload(dir);
  });

  it('plans the sibling link and the plugin link, siblings instantiated first', () => {
    expect(loaded.plan.problems).toEqual([]);
    expect(loaded.plan.order).toEqual(['counter', 'client']);
    const client = loaded.plan.links.filter((l) => l.component === 'client' && !l.import.startsWith('wasi:'));
    expect(client).toEqual([
      { component: 'client', import: 'test:counter/counter@0.1.0', source: { tag: 'sibling', component: 'counter', export: 'test:counter/counter@0.1.0' } },
      { component: 'client', import: 'test:greeting/greeter@0.1.0', source: { tag: 'plugin', plugin: 'greeting', hostInterface: 0 } },
    ]);
  });

  it('passes resource handles across: a constructed counter, an owned one returned, a borrowed one lent back', async () => {
    expect((await callWorkload(loaded, 'count-to(5)')).wave).toBe('5');
    expect((await callWorkload(loaded, 'count-to(0)')).wave).toBe('0');
    expect((await callWorkload(loaded, 'test:client/api@0.1.0#via-make(41)')).wave).toBe('42');
  });

  it('loads a user plugin from a test package, configures it per workload and component, and closes it', async () => {
    const before = pluginStats()?.created.length ?? 0;
    const r = await callWorkload(loaded, 'hello("weld")');
    expect(r.wave).toBe('"Howdy, weld!! (from client)"');
    const stats = pluginStats();
    expect(stats.created.length).toBe(before + 1);
    expect(stats.created.at(-1)).toMatchObject({ component: 'client', imports: ['test:greeting/greeter@0.1.0'], config: { prefix: 'Howdy', punctuation: '!!' } });
    expect(stats.closed.length).toBe(stats.created.length);
  });

  it('runs the component that exports wasi:cli/run with its siblings linked', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'weld-wl-')), 'out.txt');
    const fs = await import('node:fs');
    const fd = fs.openSync(out, 'w');
    try {
      const result = await runWorkload(loaded, { stdio: { stdout: fd, stderr: fd } });
      expect(result.exitCode).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
    expect(await readFile(out, 'utf8')).toBe('count-to(3) = 3; via-make(41) = 42; Howdy, workload!! (from client)\n');
  });

  it('links the demo: the JS app calls the C calc through the runtime link', async () => {
    const demo = await tempProject({
      'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: demo}\nspec:\n  components:\n    - {name: app, image: ${polyglotComponent('app')}}\n    - {name: calc, image: ${polyglotComponent('calc')}}\n`,
    });
    const app = await loadWorkload(path.join(demo, 'workload.yaml'));
    expect((await callWorkload(app, 'report("weld", 2, 40)')).wave).toBe('"Hello, weld! 2 + 40 = 42"');
    expect((await callWorkload(app, 'mean([1.0, 2.0, 6.0])')).wave).toBe('ok(3)');
    const empty = await callWorkload(app, 'mean([])');
    expect(empty.ok).toBe(false);
    expect(empty.wave).toBe('err("cannot take the mean of an empty list")');
    // errors returned by the sibling cross the link as values too: calc's divide err reaches the caller
    expect((await callWorkload(app, 'calc.divide(1.0, 0.0)', { component: 'calc' })).wave).toBe('err("division by zero")');
  });
});

describe('limits stop a workload as a whole', () => {
  it('--timeout stops a component spinning in calls to its sibling; --max-memory runs it in its own thread, plugins and all', async () => {
    const wl = await tempProject({
      'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: spin}\nspec:\n  components:\n    - {name: looper, image: ${built('looper')}}\n    - {name: calc, image: ${polyglotComponent('calc')}}\n`,
    });
    const started = Date.now();
    const spin = await runWeld(['call', path.join(wl, 'workload.yaml'), 'add-many(4000000000)', '--timeout', '1s']);
    expect(spin.code).toBe(1);
    expect(spin.stderr).toContain('within the time limit (--timeout 1s)');
    expect(Date.now() - started).toBeLessThan(30_000);
    const capped = await runWeld(['call', dir, 'count-to(3)', '--max-memory', '64MiB']);
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.stdout).toBe('3\n');
    const greeted = await runWeld(['call', dir, 'hello("thread")', '--timeout', '30s']);
    expect(greeted.stdout).toBe('"Howdy, thread!! (from client)"\n');
  });
});

describe('weld serve of a workload', () => {
  it('serves the wasi:http component with its sibling linked into every fresh instance', async () => {
    const wl = await tempProject({
      'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: adder}\nspec:\n  components:\n    - {name: calc, image: ${polyglotComponent('calc')}}\n    - {name: adder, image: ${built('adder')}}\n`,
    });
    const service = await serveWorkload(await loadWorkload(path.join(wl, 'workload.yaml')), { port: 0, workers: 1 });
    try {
      expect(service.component).toBe('adder');
      for (const [a, b] of [[2, 40], [-5, 3]]) {
        const res = await fetch(`${service.url}/add?a=${a}&b=${b}`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(`${a + b}\n`);
      }
      expect(await (await fetch(`${service.url}/greet?name=serve`)).text()).toBe('Hello, serve!\n');
    } finally {
      await service.close();
    }
  });

  it('refuses a workload with no wasi:http component', async () => {
    await expect(serveWorkload(await loadWorkload(dir), { port: 0, workers: 1 })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('a workload that does not link refuses to start, naming every problem', () => {
  it('lists the missing sibling and the missing host interface together', async () => {
    const broken = await tempProject({ 'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: broken}\nspec:\n  components:\n    - {name: client, image: ${built('client')}}\n` });
    const loaded = await loadWorkload(path.join(broken, 'workload.yaml'));
    expect(loaded.plan.problems.map((p) => p.kind === 'cycle' ? p.kind : `${p.kind} ${p.import}`)).toEqual(['unsatisfied test:counter/counter@0.1.0', 'unsatisfied test:greeting/greeter@0.1.0']);
    await expect(runWorkload(loaded)).rejects.toMatchObject({ code: 'link-failed' });
    const check = await runWeld(['workload', 'check', path.join(broken, 'workload.yaml')]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('broken: 2 problems');
    expect(check.stdout).toContain('✗ client imports test:counter/counter@0.1.0: no sibling exports it and no host interface provides it');
    const run = await runWeld(['run', path.join(broken, 'workload.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error[link-failed]: broken: 2 problems linking the workload');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a sibling whose export does not match the import is a problem of the plan, with the first difference', async () => {
    const { parse: parseWat } = await import('@bytecodealliance/jco');
    const wl = await tempProject({
      'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: mismatch}\nspec:\n  components:\n    - {name: app, image: ${polyglotComponent('app')}}\n    - {name: calc, image: ./calc-add-only.wasm}\n`,
    });
    await writeFile(path.join(wl, 'calc-add-only.wasm'), await parseWat(await readFile(path.join(WORKLOAD_PROJECT, '..', '..', 'calc-add-only.wat'), 'utf8')));
    const loaded = await loadWorkload(path.join(wl, 'workload.yaml'));
    expect(loaded.plan.problems).toEqual([
      expect.objectContaining({ kind: 'mismatch', component: 'app', import: 'demo:calc/calc@0.1.0', message: "app imports demo:calc/calc@0.1.0, but calc's demo:calc/calc@0.1.0 does not match it: demo:calc/calc@0.1.0: function divide is not in the export" }),
    ]);
    await expect(callWorkload(loaded, 'app.report("x", 1, 2)')).rejects.toMatchObject({ code: 'link-failed' });
  });

  it('a plugin module that is not a HostPlugin is a clear error', async () => {
    const bad = await tempProject({ 'plugin/index.js': 'export default { name: "x" };\n', 'plugin/package.json': '{"type":"module","main":"index.js"}', 'weld.yaml': linkedWeldYaml().replace(PLUGIN, './plugin') });
    await expect(loadWorkload(bad)).rejects.toMatchObject({ code: 'plugin-invalid', message: 'plugins: ./plugin: interfaces must be a non-empty array of versioned WIT interface names' });
  });
});

describe('localResources become the same grants as the runner flags', () => {
  it('environment, volume mounts and allowed hosts; nothing else', async () => {
    const data = await mkdtemp(path.join(os.tmpdir(), 'weld-wl-data-'));
    const manifest = parseWorkloadManifest(
      `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: g}\nspec:\n  components:\n    - name: a\n      image: a.wasm\n      localResources:\n        environment: {config: {MODE: test}}\n        allowedHosts: [api.example.com, 'https://pay.example.com', 'http://127.0.0.1:8080']\n        allowedHostLoopbackPorts: ['5432', '53/UDP']\n        volumeMounts: [{name: d, mountPath: /data, readOnly: true}, {name: t, mountPath: /tmp}]\n    - {name: b, image: b.wasm}\n  volumes:\n    - {name: d, hostPath: {path: ${data}}}\n    - {name: t, ephemeral: {}}\n`,
      'g.yaml',
    );
    const volumes = await prepareVolumes(manifest, os.tmpdir());
    try {
      const a = grantsFor(manifest.components[0]!, volumes);
      expect(a.env).toEqual({ MODE: 'test' });
      expect(a.allowHosts).toEqual([{ host: 'api.example.com', port: undefined }, { host: 'pay.example.com', port: 443 }, { host: '127.0.0.1', port: 8080 }]);
      expect(a.dirs).toEqual([{ host: data, guest: '/data', readonly: true }, { host: volumes.dirs.get('t'), guest: '/tmp', readonly: false }]);
      expect(a.allowLookup).toBe(false);
      expect(a.loopbackPorts).toEqual([{ port: 5432, protocol: 'tcp' }, { port: 53, protocol: 'udp' }]);
      expect((await resolveSocketGrants(a)).connectAddresses).toContainEqual({ ip: '127.0.0.1', port: 53, protocol: 'udp' });
      expect(grantsFor(manifest.components[1]!, volumes)).toEqual({ env: {}, dirs: [], allowHosts: [], allowLookup: false, allowListen: [], stdin: false });
    } finally {
      await volumes.remove();
    }
  });

  it('a service sees only its own environment and volume, read-only where the manifest says so', async () => {
    const probe = await tempProject({
      'weld.yaml': 'components:\n  - { name: probe, language: c, source: probe.c, exec-model: command }\n',
      'probe.c': `#include <stdio.h>\n#include <stdlib.h>\nint main(void) {\n  const char *m = getenv("MODE"), *s = getenv("SECRET");\n  printf("MODE=%s SECRET=%s\\n", m ? m : "(unset)", s ? s : "(unset)");\n  FILE *f = fopen("/data/in.txt", "r"); char buf[64] = {0};\n  if (f) { fread(buf, 1, 63, f); fclose(f); printf("read=%s\\n", buf); } else printf("read failed\\n");\n  FILE *w = fopen("/data/out.txt", "w"); printf("write=%s\\n", w ? "ok" : "denied"); if (w) fclose(w);\n  return 0;\n}\n`,
    });
    expect((await runWeld(['build', probe])).code).toBe(0);
    const data = await mkdtemp(path.join(os.tmpdir(), 'weld-wl-data-'));
    await writeFile(path.join(data, 'in.txt'), 'from the host');
    await writeFile(
      path.join(probe, 'workload.yaml'),
      `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: svc}\nspec:\n  components:\n    - {name: calc, image: ${polyglotComponent('calc')}}\n  service:\n    image: build/probe.wasm\n    localResources:\n      environment: {config: {MODE: svc}}\n      volumeMounts: [{name: d, mountPath: /data, readOnly: true}]\n  volumes:\n    - {name: d, hostPath: {path: ${data}}}\n`,
    );
    const r = await runWeld(['run', path.join(probe, 'workload.yaml')], { env: { SECRET: 'host-secret' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('MODE=svc SECRET=(unset)\nread=from the host\nwrite=denied\n');
  });
});

describe('images from a registry and the Kubernetes manifest', () => {
  let registry: TestRegistry;
  let home: string;
  beforeAll(async () => {
    registry = await startRegistry();
    home = await mkdtemp(path.join(os.tmpdir(), 'weld-home-'));
  });
  afterAll(async () => registry?.stop());
  const weld = (args: string[]) => runWeld(args, { env: { WELD_HOME: home } });

  it('runs references pulled from a registry and emits a WorkloadDeployment valid against the CRD, digests pinned', async () => {
    for (const name of ['app', 'calc'] as const) expect((await weld(['push', polyglotComponent(name), `${registry.host}/demo/${name}:0.1.0`])).code).toBe(0);
    const wl = await tempProject({
      'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: demo, labels: {app: demo}}\nspec:\n  components:\n    - name: app\n      image: ${registry.host}/demo/app:0.1.0\n      poolSize: 2\n    - name: calc\n      image: ${registry.host}/demo/calc:0.1.0\n`,
    });
    const file = path.join(wl, 'workload.yaml');
    const call = await weld(['call', file, 'report("k8s", 1, 2)']);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toBe('"Hello, k8s! 1 + 2 = 3"\n');

    const k8s = await weld(['workload', 'k8s', file, '--replicas', '3', '--namespace', 'apps']);
    expect(k8s.code, k8s.stderr).toBe(0);
    const doc = parse(k8s.stdout) as { kind: string; metadata: { namespace: string }; spec: { replicas: number; template: { spec: { components: Array<{ name: string; image: string; poolSize?: number }> } } } };
    const validate = crdValidator('WorkloadDeployment');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.kind).toBe('WorkloadDeployment');
    expect(doc.metadata.namespace).toBe('apps');
    expect(doc.spec.replicas).toBe(3);
    const images = doc.spec.template.spec.components.map((c) => c.image);
    expect(images[0]).toMatch(new RegExp(`^${registry.host.replace(/\./g, '\\.')}/demo/app:0\\.1\\.0@sha256:[0-9a-f]{64}$`));
    expect(images[1]).toMatch(/\/demo\/calc:0\.1\.0@sha256:[0-9a-f]{64}$/);
    expect(doc.spec.template.spec.components[0]!.poolSize).toBe(2); // Kubernetes-only fields carried over

    // An image that is a file needs to be pushed first; --image names where it went.
    const local = await tempProject({ 'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: local}\nspec:\n  components:\n    - {name: calc, image: ${polyglotComponent('calc')}}\n` });
    const refused = await weld(['workload', 'k8s', path.join(local, 'workload.yaml')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is a file, which a cluster cannot pull');
    const given = await weld(['workload', 'k8s', path.join(local, 'workload.yaml'), '--image', `calc=${registry.host}/demo/calc:0.1.0`]);
    expect(given.code, given.stderr).toBe(0);
    expect(validate(parse(given.stdout))).toBe(true);
  });

  it('a reference that fails the trust policy is refused (exit 3) before anything runs', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'weld-keys-'));
    expect((await runWeld(['keygen', '--output-key-prefix', path.join(keys, 'k')], { env: { WELD_HOME: home, WELD_PASSWORD: 'pw' } })).code).toBe(0);
    const policy = path.join(keys, 'policy.yaml');
    await writeFile(policy, `policy:\n  trust:\n    - prefix: ${registry.host}/demo\n      keys: [${path.join(keys, 'k.pub')}]\n`);
    const wl = await tempProject({ 'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: demo}\nspec:\n  components:\n    - {name: app, image: ${registry.host}/demo/app:0.1.0}\n    - {name: calc, image: ${registry.host}/demo/calc:0.1.0}\n` });
    const r = await weld(['call', path.join(wl, 'workload.yaml'), 'report("x", 1, 2)', '--policy', policy]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});

describe('weld workload plan', () => {
  it('prints the plan, and draws it as mermaid or dot', async () => {
    const text = await runWeld(['workload', 'plan', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('  test:counter/counter@0.1.0 ← counter (sibling, test:counter/counter@0.1.0)');
    expect(text.stdout).toContain('  test:greeting/greeter@0.1.0 ← host plugin greeting (workload.hostInterfaces[0])');
    const dot = await runWeld(['workload', 'plan', dir, '--graph', 'dot']);
    expect(dot.stdout).toContain('"client" -> "counter" [label="test:counter/counter@0.1.0"];');
    const json = await runWeld(['workload', 'check', dir, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, workload: 'linked', problems: [] });
    const bad = await runWeld(['workload', 'plan', dir, '--graph', 'svg']);
    expect(bad.code).toBe(2);
  });

  it("weld.yaml's workload: names project components by name (their build output), and a project without one says so", async () => {
    const project = await tempProject({
      'weld.yaml': 'name: named\ncomponents:\n  - {name: calc, language: wasm, source: calc.wasm}\n  - {name: app, language: wasm, source: app.wasm}\nworkload:\n  components:\n    - {name: app, image: app}\n    - {name: calc, image: calc}\n',
    });
    const { copyFile } = await import('node:fs/promises');
    const missing = await runWeld(['workload', 'check', project]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    expect(missing.stderr).toMatch(/--> .*weld\.yaml:7:\d+\n/);
    expect(missing.stderr).toContain(`hint: build it first: weld build ${project}`);
    // an image reference that names nothing is pointed at in the manifest too
    const unknown = await tempProject({ 'weld.yaml': 'name: refs\nworkload:\n  components:\n    - {name: app, image: "demo/nope:1"}\n' });
    const noImage = await runWeld(['workload', 'check', unknown], { env: { WELD_HOME: path.join(unknown, 'home') } });
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain('error[not-found]: workload.components[0].image demo/nope:1: repository "demo/nope" is not in the embedded store');
    expect(noImage.stderr).toMatch(/--> .*weld\.yaml:4:\d+\n/);
    await copyFile(polyglotComponent('calc'), path.join(project, 'calc.wasm'));
    await copyFile(polyglotComponent('app'), path.join(project, 'app.wasm'));
    expect((await runWeld(['build', project])).code).toBe(0);
    const call = await runWeld(['call', project, 'app.report("named", 20, 22)']);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toBe('"Hello, named! 20 + 22 = 42"\n');
    const plain = await tempProject({ 'weld.yaml': 'name: plain\ncomponents: []\n' });
    const none = await runWeld(['run', plain]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('neither a Workload (kind:, apiVersion:) nor a weld.yaml with a `workload:` section');
  });

  it('allowedHostLoopbackPorts: a port that is not PORT or PORT/tcp|udp is an error at its line', async () => {
    const bad = await tempProject({ 'workload.yaml': "apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec:\n  components:\n    - name: a\n      image: a.wasm\n      localResources:\n        allowedHostLoopbackPorts: ['5432', '5000-5010']\n" });
    const r = await runWeld(['workload', 'check', path.join(bad, 'workload.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[manifest-invalid]: spec.components[0].localResources.allowedHostLoopbackPorts[1]: "5000-5010" is not PORT or PORT/tcp|udp');
    expect(r.stderr).toContain('workload.yaml:9:44\n');
    expect(() => parseWorkloadManifest("apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec:\n  components:\n    - {name: a, image: a.wasm, localResources: {allowedHostLoopbackPorts: ['70000']}}\n", 'x.yaml')).toThrow(/from 1 to 65535/);
  });

  it('a manifest error names the field and the line', async () => {
    const broken = await tempProject({ 'workload.yaml': 'apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: x}\nspec:\n  components:\n    - name: a\n      imag: a.wasm\n' });
    const r = await runWeld(['workload', 'check', path.join(broken, 'workload.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[manifest-invalid]: spec.components[0].imag: unknown field');
    expect(r.stderr).toContain('workload.yaml:7:7\n');
    expect(r.stderr).toContain('7 |       imag: a.wasm');
    expect(() => parseWorkloadManifest('kind: Workload\n', 'x.yaml')).toThrow(WorkloadError);
  });

  it('a weld.yaml read for its workload: is checked as every command checks it (sections, registries, policy)', () => {
    const workload = 'workload:\n  components:\n    - {name: a, image: a.wasm}\n';
    expect(parseWorkloadManifest(`name: app\nlint: {}\n${workload}`, 'weld.yaml').name).toBe('app');
    expect(() => parseWorkloadManifest(`registries:\n  defualt: ghcr.io\n${workload}`, 'weld.yaml')).toThrow(
      expect.objectContaining({ code: 'project-invalid', span: expect.objectContaining({ file: 'weld.yaml', line: 2, column: 3 }) }),
    );
  });
});

describe('allowedHostLoopbackPorts grants TCP connects to those ports on 127.0.0.1, and nothing else', () => {
  let sock: string;
  beforeAll(async () => {
    // The hostile socket guest of the escape tests: `connect <a.b.c.d> <port>` prints CONNECTED when the host allows it.
    const src = await mkdtemp(path.join(os.tmpdir(), 'weld-wl-sock-'));
    await cp(path.join(REPO_ROOT, 'test', 'escape', 'guests', 'sock'), src, { recursive: true });
    await cp(path.join(REPO_ROOT, 'examples', 'polyglot', 'http', 'wit', 'deps'), path.join(src, 'wit', 'deps'), { recursive: true });
    await rm(path.join(src, 'wit', 'deps', 'http'), { recursive: true });
    await writeFile(path.join(src, 'weld.yaml'), 'components:\n  - { name: sock, language: c, source: sock.c, exec-model: command, wit: wit, world: attacker }\n');
    const r = await runWeld(['build', src]);
    expect(r.code, r.stderr).toBe(0);
    sock = path.join(src, 'build', 'sock.wasm');
  }, 300_000);

  const listener = () =>
    new Promise<{ port: number; accepted: () => number; close: () => Promise<void> }>((resolve) => {
      let n = 0;
      const server = net.createServer((c) => (n++, c.destroy())).listen(0, '127.0.0.1', () => {
        resolve({ port: (server.address() as net.AddressInfo).port, accepted: () => n, close: () => new Promise((done) => server.close(() => done())) });
      });
    });
  const workload = async (ports: string[]) => {
    const dir = await tempProject({ 'workload.yaml': `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: loop}\nspec:\n  components:\n    - name: sock\n      image: ${sock}\n      localResources:\n        allowedHostLoopbackPorts: [${ports.map((p) => `'${p}'`).join(', ')}]\n` });
    return path.join(dir, 'workload.yaml');
  };

  it('connects to a granted TCP port; another port, or a port granted for UDP only, is denied', async () => {
    const granted = await listener();
    const other = await listener();
    try {
      const ok = await runWeld(['run', await workload([String(granted.port)]), '--', 'connect', '127.0.0.1', String(granted.port)]);
      expect(ok.stdout, ok.stderr).toContain('CONNECTED');
      const denied = await runWeld(['run', await workload([String(granted.port)]), '--', 'connect', '127.0.0.1', String(other.port)]);
      expect(denied.stdout).toMatch(/err access-denied/);
      expect(denied.stderr).toMatch(/weld: denied TCP connection to 127\.0\.0\.1:\d+/);
      const udpOnly = await runWeld(['run', await workload([`${other.port}/udp`]), '--', 'connect', '127.0.0.1', String(other.port)]);
      expect(udpOnly.stdout).toMatch(/err access-denied/);
      await new Promise((done) => setTimeout(done, 200));
      expect(granted.accepted()).toBe(1);
      expect(other.accepted()).toBe(0);
    } finally {
      await granted.close();
      await other.close();
    }
  });
});
