// Registry benchmark: push + pull of a 12 MB and a 200 MB component to a local docker-registry with weld
// (library, in-process) against `skopeo copy` of the same content in the same run; re-push uploads nothing;
// RSS growth stays bounded while streaming. Needs: pnpm build, Debian docker-registry + skopeo.
//   node bench/registry.mjs [--sizes 12,200] [--runs 3] [--json]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeComponent } from './_big-component.mjs';
import { startOpenRegistry } from './_registry-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { OciLayoutStore, RegistryClient, RemoteRepository, anonymous, copy, pullComponent, pushComponent } = await import(join(root, 'packages/registry/dist/index.js'));
const run = promisify(execFile);

const args = process.argv.slice(2);
const sizes = (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : '12,200').split(',').map(Number);
const asJson = args.includes('--json');

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Samples RSS while `fn` runs; returns the peak growth over the starting RSS. */
async function rssGrowth(fn) {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { growthMb: (peak - start) / 1024 / 1024, value };
  } finally {
    clearInterval(timer);
  }
}

const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One round on fresh registries (one per tool, so neither benefits from blobs or mounts the other left behind). */
async function round(work, file, mb, i) {
  const [regWeld, regSkopeo] = await Promise.all([startOpenRegistry(), startOpenRegistry()]);
  const remote = (name) => new RemoteRepository(new RegistryClient(regWeld.host, { credentials: anonymous }), name);
  try {
    // Warm up connections and code paths so the first timed operation is not charged for them.
    await pushComponent(remote('bench/warmup'), { bytes: tinyComponent }, { tag: 'w' });
    const opts = { tag: 'v1', created: '2026-01-01T00:00:00Z' };
    const push = await rssGrowth(() => timed(() => pushComponent(remote('bench/app'), { path: file }, opts)));
    const out = join(work, `pulled-${mb}-${i}.wasm`);
    const pull = await rssGrowth(() => timed(() => pullComponent(remote('bench/app'), 'v1', { output: out })));
    const identical = readFileSync(out).equals(readFileSync(file));
    rmSync(out);
    const repush = await timed(() => pushComponent(remote('bench/app'), { path: file }, opts));

    // Like for like with skopeo: move the built artifact from an OCI layout to the registry and back.
    const layout = join(work, `layout-${mb}`);
    await pushComponent(new OciLayoutStore(layout), { path: file }, opts);
    const copyUp = await timed(() => copy(new OciLayoutStore(layout), remote('bench/copied'), 'v1'));
    const copyDown = await timed(() => copy(remote('bench/copied'), new OciLayoutStore(join(work, `weld-pull-${mb}`)), 'v1'));
    const skPush = await timed(() => run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${regSkopeo.host}/bench/app:v1`]));
    const skPull = await timed(() => run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${regSkopeo.host}/bench/app:v1`, `oci:${join(work, `sk-pull-${mb}`)}:v1`]));
    return { push: push.value.ms, pushRss: push.growthMb, pull: pull.value.ms, pullRss: pull.growthMb, identical, repush: repush.ms, repushUploads: repush.value.uploaded.length, copyUp: copyUp.ms, copyDown: copyDown.ms, skPush: skPush.ms, skPull: skPull.ms };
  } finally {
    await Promise.all([regWeld.stop(), regSkopeo.stop()]);
    for (const d of [`layout-${mb}`, `sk-pull-${mb}`, `weld-pull-${mb}`]) rmSync(join(work, d), { recursive: true, force: true });
  }
}

const tinyComponent = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
const work = mkdtempSync(join(tmpdir(), 'weld-bench-'));
const results = [];
try {
  for (const mb of sizes) {
    const file = join(work, `c${mb}.wasm`);
    writeComponent(file, mb);
    const rounds = [];
    for (let i = 0; i < runs; i++) rounds.push(await round(work, file, mb, i));
    const m = (k) => median(rounds.map((r) => r[k]));
    results.push({
      sizeMb: mb,
      runs,
      weldCopyUpMs: Math.round(m('copyUp')),
      skopeoPushMs: Math.round(m('skPush')),
      pushRatio: +(m('copyUp') / m('skPush')).toFixed(2),
      weldCopyDownMs: Math.round(m('copyDown')),
      skopeoPullMs: Math.round(m('skPull')),
      pullRatio: +(m('copyDown') / m('skPull')).toFixed(2),
      weldPushFileMs: Math.round(m('push')),
      pushFileRatio: +(m('push') / m('skPush')).toFixed(2),
      weldPullFileMs: Math.round(m('pull')),
      pullFileRatio: +(m('pull') / m('skPull')).toFixed(2),
      repushMs: Math.round(m('repush')),
      repushUploadedBlobs: Math.max(...rounds.map((r) => r.repushUploads)),
      pushRssGrowthMb: +Math.max(...rounds.map((r) => r.pushRss)).toFixed(1),
      pullRssGrowthMb: +Math.max(...rounds.map((r) => r.pullRss)).toFixed(1),
      pulledIdentical: rounds.every((r) => r.identical),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failures = [];
for (const r of results) {
  if (!r.pulledIdentical) failures.push(`${r.sizeMb} MB: pulled bytes differ`);
  if (r.repushUploadedBlobs !== 0) failures.push(`${r.sizeMb} MB: re-push uploaded ${r.repushUploadedBlobs} blobs`);
  if (r.sizeMb >= 200 && Math.max(r.pushRssGrowthMb, r.pullRssGrowthMb) >= 64) failures.push(`${r.sizeMb} MB: RSS grew ${Math.max(r.pushRssGrowthMb, r.pullRssGrowthMb)} MB`);
}
if (asJson) {
  process.stdout.write(JSON.stringify({ bench: 'registry', results, failures }, null, 2) + '\n');
} else {
  for (const r of results) {
    console.log(
      `${String(r.sizeMb).padStart(4)} MB (median of ${r.runs})  layout→registry weld ${r.weldCopyUpMs} ms / skopeo ${r.skopeoPushMs} ms (×${r.pushRatio}); ` +
        `registry→layout weld ${r.weldCopyDownMs} ms / skopeo ${r.skopeoPullMs} ms (×${r.pullRatio})\n` +
        `         weld push <file> ${r.weldPushFileMs} ms (×${r.pushFileRatio}, includes hashing the file); weld pull -> file ${r.weldPullFileMs} ms (×${r.pullFileRatio}); ` +
        `re-push ${r.repushMs} ms, ${r.repushUploadedBlobs} uploads; RSS +${r.pushRssGrowthMb} MB push / +${r.pullRssGrowthMb} MB pull`,
    );
  }
  for (const f of failures) console.log(`FAIL ${f}`);
}
process.exitCode = failures.length ? 1 : 0;
