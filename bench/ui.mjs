// weld ui: how long the page takes to show the WIT of the ~12 MB componentize-js component, in Debian's chromium
// (playwright-core), from choosing the file to the WIT on screen; cold (a fresh page: worker start, code compile)
// and warm (the same page again). Beside it, the same analysis in this Node process with the same library code
// (the page's overhead is the ratio), and the sizes of the page's bundles (raw and gzip). The page shows the WIT
// before the validation verdict (which compiles the core modules), so both times are given.
// Needs: pnpm build, the example built (the test setup builds it), chromium (scripts/setup.sh).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const chromiumPath = process.env.WELD_CHROMIUM ?? '/usr/bin/chromium';
const file = [join(root, 'examples/polyglot/build/app.wasm'), join(root, '.cache/fixtures/polyglot/app.wasm')].find(existsSync);
if (!file || !existsSync(chromiumPath)) {
  console.error(!file ? 'no built app.wasm: run the tests once (they build the example)' : `no ${chromiumPath}: run scripts/setup.sh`);
  process.exit(2);
}
const { chromium } = await import(pathToFileURL(join(root, 'node_modules/playwright-core/index.mjs')).href);
const web = await import(pathToFileURL(join(root, 'packages/web/dist/index.js')).href);
const { analyzeBinary } = await import(pathToFileURL(join(root, 'packages/web/dist/page/analyze.js')).href).catch(() => ({}));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);
const RUNS = Number(process.env.RUNS ?? 7);
const size = readFileSync(file).length;
console.log(`component: ${file} (${(size / 1e6).toFixed(1)} MB)`);

const page0 = await web.buildPage();
for (const [name, bytes] of page0.files) {
  if (name.endsWith('.js')) console.log(`bundle ${name.padEnd(10)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gzipSync(bytes).length / 1024).toFixed(1).padStart(6)} KiB`);
}

const ui = spawn(process.execPath, [join(root, 'packages/cli/bin/weld.js'), '-o', 'json', 'ui'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
ui.stdout.on('data', (d) => (out += d));
while (!out.includes('}')) await new Promise((r) => setTimeout(r, 20));
const { url } = JSON.parse(out);
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  const showWit = async () => {
    await page.evaluate(() => document.getElementById('component-report')?.replaceChildren());
    const t0 = performance.now();
    await page.setInputFiles('#file', file);
    await page.waitForSelector('#wit', { timeout: 120_000 });
    const ms = performance.now() - t0;
    await page.waitForSelector('#validation[data-state="done"]', { timeout: 120_000 });
    validated.push(performance.now() - t0);
    await page.evaluate(() => ((document.getElementById('file').value = ''), undefined));
    return ms;
  };
  const cold = [];
  const warm = [];
  const validated = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    cold.push(await showWit());
    warm.push(await showWit());
  }
  const steps = await page.evaluate(() => document.body.dataset.analysedMs);
  const line = (label, xs) => console.log(`${label.padEnd(50)} median ${median(xs).toFixed(0).padStart(6)} ms  min ${min(xs).toFixed(0).padStart(6)} ms  (${xs.length} runs)`);
  line('page: choose file → WIT shown, cold (new page)', cold);
  line('page: choose file → WIT shown, warm (same page)', warm);
  line('page: choose file → validation verdict shown', validated);
  console.log(`(the page's own count, file read to verdict, last run: ${steps} ms)`);
  if (analyzeBinary) {
    const bytes = readFileSync(file);
    const node = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      analyzeBinary('app.wasm', bytes);
      node.push(performance.now() - t0);
    }
    console.log(`${'node: the same analysis (WIT and verdict) in-process'.padEnd(50)} median ${median(node).toFixed(0).padStart(6)} ms  min ${min(node).toFixed(0).padStart(6)} ms; page verdict / node = ${(median(validated) / median(node)).toFixed(2)}x (medians)`);
  }
} finally {
  await browser.close();
  ui.kill('SIGTERM');
}
