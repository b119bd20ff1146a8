// Registry benchmark: push + pull of a 12 MB and a 200 MB component to a local docker-registry with weld
// (library, in-process) against `skopeo copy` of the same content in the same run; re-push uploads nothing;
// RSS growth stays bounded while streaming. Needs: pnpm build, Debian docker-registry + skopeo.
//   node bench/registry.mjs [--sizes 12,200] [--json]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startOpenRegistry } from './registry-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { OciLayoutStore, RegistryClient, RemoteRepository, anonymous, copy, pullComponent, pushComponent } = await import(join(root, 'packages/registry/dist/index.js'));
const run = promisify(execFile);

const args = process.argv.slice(2);
const sizes = (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : '12,200').split(',').map(Number);
const asJson = args.includes('--json');

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A valid component: one import, one export, and a custom section padding it to `mb` MiB of incompressible bytes. */
function writeComponent(path, mb) {
  const name = Buffer.from('wasi:cli/stdout@0.2.0');
  const head = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 7, 3, 1, 0x42, 0x00]);
  const importPayload = Buffer.from([1, 0, ...leb(name.length), ...name, 5, 0]);
  const imports = Buffer.concat([Buffer.from([10, ...leb(importPayload.length)]), importPayload]);
  const padName = Buffer.from('bench-padding');
  const body = Buffer.alloc(mb * 1024 * 1024);
  let x = 0x9e3779b9 ^ mb;
  for (let i = 0; i < body.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    body.writeUInt32LE(x >>> 0, i);
  }
  const custom = Buffer.concat([Buffer.from([...leb(padName.length)]), padName, body]);
  const padding = Buffer.concat([Buffer.from([0, ...leb(custom.length)]), custom]);
  writeFileSync(path, Buffer.concat([head, imports, padding]));
}

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

const work = mkdtempSync(join(tmpdir(), 'weld-bench-'));
const results = [];
try {
  for (const mb of sizes) {
    const file = join(work, `c${mb}.wasm`);
    writeComponent(file, mb);
    // Separate registries so neither tool benefits from blobs (or mounts) the other left behind.
    const [regWeld, regSkopeo] = await Promise.all([startOpenRegistry(), startOpenRegistry()]);
    try {
      const target = () => new RemoteRepository(new RegistryClient(regWeld.host, { credentials: anonymous }), 'bench/app');
      const opts = { tag: 'v1', created: '2026-01-01T00:00:00Z' };
      const push = await rssGrowth(() => timed(() => pushComponent(target(), { path: file }, opts)));
      const out = join(work, `pulled-${mb}.wasm`);
      const pull = await rssGrowth(() => timed(() => pullComponent(target(), 'v1', { output: out })));
      const identical = readFileSync(out).equals(readFileSync(file));
      const repush = await timed(() => pushComponent(target(), { path: file }, opts));

      // Like for like with skopeo: move the built artifact from an OCI layout to the registry and back.
      const layout = join(work, `layout-${mb}`);
      await pushComponent(new OciLayoutStore(layout), { path: file }, opts);
      const copyUp = await timed(() => copy(new OciLayoutStore(layout), new RemoteRepository(new RegistryClient(regWeld.host, { credentials: anonymous }), 'bench/copied'), 'v1'));
      const copyDown = await timed(() => copy(new RemoteRepository(new RegistryClient(regWeld.host, { credentials: anonymous }), 'bench/copied'), new OciLayoutStore(join(work, `weld-pull-${mb}`)), 'v1'));
      const skPush = await timed(() => run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${regSkopeo.host}/bench/app:v1`]));
      const skPull = await timed(() => run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${regSkopeo.host}/bench/app:v1`, `oci:${join(work, `sk-pull-${mb}`)}:v1`]));

      results.push({
        sizeMb: mb,
        weldPushFileMs: Math.round(push.value.ms),
        weldCopyUpMs: Math.round(copyUp.ms),
        skopeoPushMs: Math.round(skPush.ms),
        pushRatio: +(copyUp.ms / skPush.ms).toFixed(2),
        pushFileRatio: +(push.value.ms / skPush.ms).toFixed(2),
        weldPullFileMs: Math.round(pull.value.ms),
        weldCopyDownMs: Math.round(copyDown.ms),
        skopeoPullMs: Math.round(skPull.ms),
        pullRatio: +(copyDown.ms / skPull.ms).toFixed(2),
        pullFileRatio: +(pull.value.ms / skPull.ms).toFixed(2),
        repushMs: Math.round(repush.ms),
        repushUploadedBlobs: repush.value.uploaded.length,
        pushRssGrowthMb: +push.growthMb.toFixed(1),
        pullRssGrowthMb: +pull.growthMb.toFixed(1),
        pulledIdentical: identical,
      });
    } finally {
      await Promise.all([regWeld.stop(), regSkopeo.stop()]);
      rmSync(join(work, `layout-${mb}`), { recursive: true, force: true });
      rmSync(join(work, `sk-pull-${mb}`), { recursive: true, force: true });
      rmSync(join(work, `weld-pull-${mb}`), { recursive: true, force: true });
    }
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
      `${String(r.sizeMb).padStart(4)} MB  layout→registry weld ${r.weldCopyUpMs} ms / skopeo ${r.skopeoPushMs} ms (×${r.pushRatio}); ` +
        `registry→layout weld ${r.weldCopyDownMs} ms / skopeo ${r.skopeoPullMs} ms (×${r.pullRatio})\n` +
        `         weld push <file> ${r.weldPushFileMs} ms (×${r.pushFileRatio}, includes hashing the file); weld pull -> file ${r.weldPullFileMs} ms (×${r.pullFileRatio}); ` +
        `re-push ${r.repushMs} ms, ${r.repushUploadedBlobs} uploads; RSS +${r.pushRssGrowthMb} MB push / +${r.pullRssGrowthMb} MB pull`,
    );
  }
  for (const f of failures) console.log(`FAIL ${f}`);
}
process.exitCode = failures.length ? 1 : 0;
