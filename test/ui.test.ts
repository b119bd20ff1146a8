// weld ui in a real browser: Debian's chromium driven by playwright-core. The page computes everything; the test
// compares what it shows with what the CLI prints for the same input.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runWeld, WELD_BIN } from './helpers/cli.js';
import { polyglotComponent } from './helpers/fixtures.js';
import { freePort } from './helpers/registry.js';

const CHROMIUM = process.env.WELD_CHROMIUM ?? '/usr/bin/chromium';

let dir: string;
let home: string;
let ui: ChildProcess | undefined;
let url: string;
let browser: Browser;
let page: Page;
const env = () => ({ WELD_HOME: home, WELD_PASSWORD: 'pw' });
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: env() });

async function startUi(port: number): Promise<string> {
  const child = spawn(process.execPath, [WELD_BIN, '-o', 'json', 'ui', '--port', String(port)], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  ui = child;
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weld ui did not start: ${err}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`weld ui exited ${code}: ${err}`)));
    child.stdout!.on('data', () => {
      if (!out.includes('}')) return;
      clearTimeout(timer);
      resolve((JSON.parse(out) as { url: string }).url);
    });
  });
}

/** Drops a file on the drop zone the way a browser does: a `drop` event carrying a DataTransfer with the file. */
async function dropFile(p: Page, file: string): Promise<void> {
  const bytes = [...(await readFile(file))];
  const name = path.basename(file);
  const transfer = await p.evaluateHandle(
    ({ bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/wasm' }));
      return dt;
    },
    { bytes, name },
  );
  await p.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
}

describe('weld ui in chromium', () => {
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (Debian's chromium; scripts/setup.sh installs it)`).toBe(true);
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-ui-'));
    home = path.join(dir, 'home');
    // a composed component, pushed and signed and attested, beside one of its inputs
    const compose = await weld(['compose', polyglotComponent('app'), '--plug', polyglotComponent('calc'), '--out', 'composed.wasm']);
    expect(compose.code, compose.stderr).toBe(0);
    for (const args of [['keygen'], ['keygen', '--output-key-prefix', 'other'], ['push', 'composed.wasm', 'demo/composed:1'], ['push', polyglotComponent('calc'), 'demo/calc:1'], ['sign', 'demo/composed:1', '--key', 'cosign.key'], ['attest', 'demo/composed:1', '--key', 'cosign.key']]) {
      const r = await weld(args);
      expect(r.code, `weld ${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    url = await startUi(await freePort());
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    ui?.kill('SIGTERM');
  });

  it('a dropped component shows the WIT weld wit extract prints, its sizes and imports', async () => {
    await dropFile(page, polyglotComponent('calc'));
    await page.waitForSelector('#validation[data-state="done"]');
    const cli = await weld(['wit', 'extract', polyglotComponent('calc')]);
    expect(cli.code).toBe(0);
    expect(await page.textContent('#wit')).toBe(cli.stdout);
    expect(await page.textContent('#validation')).toContain('✓ valid component');
    expect(await page.textContent('#exports')).toContain('demo:calc/calc@0.1.0');
    expect(await page.textContent('#modules')).toContain('module[0]');
    expect(await page.textContent('#grants')).toContain('needs no grant flags');
  });

  it('a component that reaches the host shows the grants it needs, and its composition inputs', async () => {
    await page.setInputFiles('#file', path.join(dir, 'composed.wasm'));
    await page.waitForFunction(() => document.querySelector('#analysis h3')?.textContent === 'composed.wasm', undefined, { timeout: 60_000 });
    await page.waitForSelector('#validation[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#validation')).toContain('✓ valid component');
    const grants = await page.textContent('#grants');
    expect(grants).toContain('--dir HOST[:GUEST][:ro]');
    expect(grants).toContain('wasi:filesystem/preopens@0.2.12');
    expect(grants).toContain('--stdin');
    expect(grants).not.toContain('--allow-host');
    const provenance = await page.textContent('#provenance');
    expect(provenance).toContain('calc');
    expect(provenance).toContain('plug');
  });

  it('an invalid component shows the same error and byte offset as weld validate', async () => {
    const bytes = await readFile(polyglotComponent('calc'));
    const cli0 = JSON.parse((await weld(['-o', 'json', 'inspect', polyglotComponent('calc')])).stdout) as { sections: { kind: string; offset: number }[] };
    const exportSection = cli0.sections.find((s) => s.kind === 'export')!;
    bytes[exportSection.offset + 3] = 0x7f; // the first byte of the export's name kind
    const bad = path.join(dir, 'bad.wasm');
    await writeFile(bad, bytes);
    const cli = JSON.parse((await weld(['-o', 'json', 'validate', bad])).stdout) as { error: { message: string; offset: number } };
    await dropFile(page, bad);
    await page.waitForFunction(() => document.querySelector('#analysis h3')?.textContent === 'bad.wasm' && document.querySelector('#validation')?.getAttribute('data-state') === 'done');
    const shown = await page.textContent('#validation');
    expect(shown).toContain(cli.error.message);
    expect(await page.textContent('#validation-offset')).toBe(`${cli.error.offset} (0x${cli.error.offset.toString(16)})`);
  });

  it('two pasted WIT versions: a parse error points at its line and column', async () => {
    await page.fill('#wit-old', 'package my:pkg@1.0.0;\n\ninterface api {\n  get: func() -> u32;\n}\n');
    await page.fill('#wit-new', 'package my:pkg@1.1.0;\n\ninterface api {\n  get: func() -> u33;\n}\n');
    await page.click('#compare');
    const out = await page.textContent('#breaking-output');
    expect(out).toContain('new.wit:4:18: ');
    expect(out).toContain('u33');
  });

  it('two pasted WIT versions: the breaking-change report', async () => {
    await page.fill('#wit-old', 'package my:pkg@1.0.0;\n\ninterface api {\n  get: func() -> u32;\n}\n');
    await page.fill('#wit-new', 'package my:pkg@1.0.1;\n\ninterface api {\n  get: func() -> string;\n}\n');
    await page.click('#compare');
    await page.waitForSelector('#breaking-report');
    expect(await page.textContent('#breaking-verdict')).toContain('✗ my:pkg 1.0.0 → 1.0.1');
    const findings = await page.textContent('#breaking-findings');
    expect(findings).toContain('my:pkg/api.get');
    expect(findings).toContain('result-changed');
    expect(findings).toContain('old.wit:4:3');
    expect(findings).toContain('new.wit:4:3');
  });

  it('two pasted WIT versions: the same text in both boxes is no change', async () => {
    const wit = 'package my:pkg@1.0.0;\n\n// a comment\ninterface api {\n  get: func() -> u32;\n}\n';
    await page.fill('#wit-old', wit);
    await page.fill('#wit-new', wit);
    await page.click('#compare');
    await page.waitForSelector('#breaking-report');
    expect(await page.textContent('#breaking-verdict')).toBe('✓ my:pkg 1.0.0 → 1.0.0: the version stayed 1.0.0 and nothing changed that needs a bump');
    expect(await page.textContent('#breaking-findings')).toBe('No changes to the contract.');
  });

  it('the store lists repositories and tags; a signed, attested, composed component shows its signatures, attestations and inputs', async () => {
    await page.waitForSelector('button[data-ref="demo/composed:1"]');
    expect(await page.textContent('#store-repos')).toMatch(/demo\/calc.*demo\/calc:1.*demo\/composed.*demo\/composed:1\s*signed/s);
    await page.click('button[data-ref="demo/composed:1"]');
    await page.waitForSelector('#store-inputs');
    const digest = (await weld(['-o', 'json', 'inspect', 'demo/composed:1'])).stdout;
    expect(digest).toContain((await page.textContent('#store-digest'))!);
    const signatures = await page.textContent('#store-signatures');
    expect(signatures).toMatch(/cosign tag sha256-[0-9a-f]{64}\.sig/);
    expect(signatures).toContain('sigstore bundle (referrer)');
    expect(await page.textContent('#store-attestations')).toContain('https://slsa.dev/provenance/v1');
    const inputs = await page.textContent('#store-inputs');
    expect(inputs).toMatch(/calc\s*plug.*demo\/calc:1/s);
    expect(inputs).toMatch(/app\s*socket.*not in this store/s);
    // verification in the page (WebCrypto, weld's verifyImage): the signer's key, then another key
    await page.fill('#verify-key', await readFile(path.join(dir, 'cosign.pub'), 'utf8'));
    await page.click('#verify');
    await page.waitForSelector('#verify-report');
    expect(await page.textContent('#verify-verdict')).toContain('✓ 2 valid signatures');
    await page.fill('#verify-key', await readFile(path.join(dir, 'other.pub'), 'utf8'));
    await page.click('#verify');
    await page.waitForSelector('#verify-failures');
    expect(await page.textContent('#verify-verdict')).toContain('✗ no valid signature');
    expect(await page.textContent('#verify-failures')).toMatch(/wrong-key.*wrong-key/s);
    await page.fill('#verify-key', 'not a key');
    await page.click('#verify');
    await page.waitForSelector('#verify-output [role=alert]');
    expect(await page.textContent('#verify-output')).toContain('the pasted key is not PEM');
    await page.click('button[data-ref="demo/calc:1"]');
    await page.waitForFunction(() => document.querySelector('#store-detail-h')?.textContent === 'demo/calc:1');
    expect(await page.textContent('#store-signatures')).toBe('unsigned');
  });

  it('a layer changed in the store after signing fails verification in the page, naming the layer', async () => {
    const index = JSON.parse(await readFile(path.join(home, 'oci', 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const tagged = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'demo/composed:1')!;
    const m = JSON.parse(await readFile(path.join(home, 'oci', 'blobs', 'sha256', tagged.digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
    const layer = m.layers[0]!.digest;
    const blob = path.join(home, 'oci', 'blobs', 'sha256', layer.slice(7));
    const bytes = await readFile(blob);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(blob, bytes);
    await page.reload();
    await page.waitForSelector('button[data-ref="demo/composed:1"]');
    await page.click('button[data-ref="demo/composed:1"]');
    await page.waitForSelector('#verify-key');
    await page.fill('#verify-key', await readFile(path.join(dir, 'cosign.pub'), 'utf8'));
    await page.click('#verify');
    await page.waitForSelector('#verify-report');
    expect(await page.textContent('#verify-verdict')).toContain('✗ no valid signature');
    const failures = await page.textContent('#verify-failures');
    expect(failures).toContain('layer-changed');
    expect(failures).toContain(layer);
    // the CLI says the same of the same store
    const cli = await weld(['verify', 'demo/composed:1', '--key', 'cosign.pub']);
    expect(cli.code).toBe(1);
    expect(cli.stderr + cli.stdout).toContain('layer-changed');
  });
});
