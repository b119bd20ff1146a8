// The weld demo: builds the polyglot example, shows the cache, composes the JS app with the C calc,
// publishes it to the embedded OCI store, signs, attests and verifies it, pulls and calls it under a
// trust policy, serves the HTTP handler and runs the example's test specs.
// Each step prints the weld command it runs, so the output doubles as a tutorial.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const weldBin = path.join(root, 'packages/cli/bin/weld.js');
const example = 'examples/polyglot';
const build = path.join(root, example, 'build');
const work = path.join(root, '.cache', 'demo');
// A demo-private embedded store and key password, so the demo never touches ~/.local/share/weld.
const env = { ...process.env, WELD_HOME: path.join(work, 'home'), WELD_PASSWORD: 'weld-demo' };

function step(title) {
  console.log(`\n\x1b[1m== ${title}\x1b[0m`);
}

function weld(...args) {
  weldExpecting(0, ...args);
}

/** Runs weld and insists on one exit code (a refusal or a failed check is part of the show). */
function weldExpecting(code, ...args) {
  const shown = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  console.log(`$ weld ${shown.join(' ')}${code === 0 ? '' : `   (expect exit ${code})`}`);
  const r = spawnSync(process.execPath, [weldBin, ...args], { cwd: root, stdio: 'inherit', env });
  if (r.status !== code) {
    console.error(`demo: weld ${args[0]} exited with ${r.status}, expected ${code}`);
    process.exit(r.status || 1);
  }
}

step('Build four components from C, JavaScript, WAT and a JS wasi:http handler');
weld('build', example);

step('Build again: the content-hash cache rebuilds nothing');
weld('build', example);

await rm(env.WELD_HOME, { recursive: true, force: true });
await mkdir(path.join(work, 'keys'), { recursive: true });
const key = path.relative(root, path.join(work, 'keys', 'cosign'));
const pulled = path.relative(root, path.join(work, 'pulled-app.wasm'));

step('Compose: plug the C calc into the JS app, making one component');
const composed = `${example}/build/app-composed.wasm`;
weld('compose', example); // weld.yaml's compose: section, the same as: weld compose build/app.wasm --plug build/calc.wasm --out build/app-composed.wasm
weld('validate', composed);

step('Compose a three-component graph from a .wac file (wac\'s language): C calc → JS app, beside the WAT numbers');
const deps = ['calc', 'app', 'numbers'].flatMap((n) => ['--dep', `demo:${n}=${example}/build/${n}.wasm`]);
weld('compose', `${example}/compose.wac`, ...deps, '--plan');
weld('compose', `${example}/compose.wac`, ...deps, '-o', `${example}/build/app-graph.wasm`);
weld('call', `${example}/build/app-graph.wasm`, 'numbers.fib(30)');

step('Push the composed app, calc and the WAT component to the embedded OCI store (no server needed)');
weld('push', composed, 'demo/app:0.1.0', '--annotation', 'org.opencontainers.image.description=polyglot demo app');
weld('push', `${example}/build/calc.wasm`, 'demo/calc:0.1.0');
weld('push', `${example}/build/numbers.wasm`, 'demo/numbers:0.1.0');
weld('ls');

step('Sign app and calc with a cosign-compatible key, then verify offline');
weld('keygen', '--output-key-prefix', key, '--force');
weld('sign', 'demo/app:0.1.0', '--key', `${key}.key`, '-a', 'stage=demo');
weld('sign', 'demo/calc:0.1.0', '--key', `${key}.key`, '-a', 'stage=demo');
weld('verify', 'demo/app:0.1.0', '--key', `${key}.pub`, '-a', 'stage=demo');
weld('attest', 'demo/app:0.1.0', '--key', `${key}.key`);
weld('verify', 'demo/app:0.1.0', '--key', `${key}.pub`, '--attestation');

step('Under a trust policy: pull and call what is signed; refuse what is not');
const policy = path.relative(root, path.join(work, 'policy.yaml'));
await writeFile(policy, 'trust:\n  - prefix: demo\n    keys: [keys/cosign.pub]\n    annotations: { stage: demo }\n');
console.log(`# ${policy}: everything under demo/ must be signed by keys/cosign.pub with stage=demo`);
weld('pull', 'demo/app:0.1.0', pulled, '--policy', policy);
weld('call', pulled, 'app.report("weld", 2, 40)');
weld('call', 'demo/app:0.1.0', 'app.mean([1, 2, 3, 4])', '--policy', policy);
weld('call', 'demo/calc:0.1.0', 'calc.add(2, 40)', '--policy', policy);
weld('call', 'demo/calc:0.1.0', 'calc.greet("weld")', '--policy', policy);
weldExpecting(1, 'call', 'demo/calc:0.1.0', 'calc.divide(1, 0)', '--policy', policy);
weldExpecting(3, 'call', 'demo/numbers:0.1.0', 'fib(90)', '--policy', policy);
weld('call', `${example}/build/numbers.wasm`, 'numbers.fib(90)');

step('Serve the wasi:http handler: a fresh instance per request, nothing granted');
console.log(`$ weld serve ${example}/build/http.wasm --port 0`);
const server = spawn(process.execPath, [weldBin, 'serve', `${example}/build/http.wasm`, '--port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /on (http:\/\/\S+)/.exec(out);
    if (m) {
      process.stdout.write(out);
      resolve(m[1]);
    }
  });
  server.once('exit', (code) => reject(new Error(`weld serve exited with ${code}`)));
});
for (const p of ['/hello?name=demo', '/count', '/count']) {
  const res = await fetch(url + p);
  console.log(`GET ${p.padEnd(17)} = ${res.status} ${JSON.stringify(await res.text())}`);
}
console.log('(/count stays 1: module state does not leak between requests)');
server.kill('SIGINT');
await new Promise((resolve) => server.once('exit', resolve));

step('Test them: YAML specs of WAVE calls and HTTP requests, with a JUnit report for CI');
weld('test', ...['app', 'calc', 'numbers', 'http'].map((n) => `${example}/tests/${n}.test.yaml`), '--junit', path.relative(root, path.join(work, 'junit.xml')));

step('Guard the contract: a breaking change to calc\'s WIT is caught with the bump it needs; what a component may ask for');
const next = path.join(work, 'calc-next');
await rm(next, { recursive: true, force: true });
await mkdir(next, { recursive: true });
const calcWit = await readFile(path.join(root, example, 'calc/wit/calc.wit'), 'utf8');
// 0.1.1 widens `add` to 64 bits: under 0.x a breaking change needs a minor bump (0.2.0), so this exits 1
await writeFile(path.join(next, 'calc.wit'), calcWit.replace('@0.1.0', '@0.1.1').replace('add: func(a: s32, b: s32) -> s32', 'add: func(a: s64, b: s64) -> s64'));
weldExpecting(1, 'wit', 'breaking', `${example}/calc/wit`, path.relative(root, next));
weld('wit', 'lint', `${example}/calc/wit`);
weld('grants', `${example}/build/http.wasm`);
weldExpecting(1, 'grants', `${example}/build/calc.wasm`, `${example}/build/http.wasm`);

console.log('\ndemo: done');
