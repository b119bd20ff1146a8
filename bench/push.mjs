// Push/pull benchmark as a user runs it: whole `weld push <file>` and `weld pull <ref> <file>` processes
// against `skopeo copy` from/to an OCI layout holding the same artifact, in the same run, each tool on its
// own fresh docker-registry. Two pushes: of a file `weld build` wrote (its digest remembered, as the layout
// records skopeo's), and of a file weld has never seen (to an empty repository: hashed while its upload starts), beside
// the floor of any client that hashes first (node's start + the hash + curl's upload with the digest given, each measured
// here). Also: a re-push of the unchanged file (upload sessions counted in the registry's access log: must be 0), and RSS growth: the peak RSS of the 200 MB push (and pull) over that of the same
// command moving a 1 MiB component (same code loaded, so the difference is what the size costs): under 64 MB.
// Needs: pnpm build, Debian docker-registry, skopeo and time (/usr/bin/time); curl for the floor.
//   node bench/push.mjs [--mb 200] [--runs 3] [--json] [--bundle]   (--bundle: run the CLI as the npm package ships it)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeComponent } from './_big-component.mjs';
import { startOpenRegistry } from './_registry-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const weldBin = join(root, 'packages/cli/bin', process.argv.includes('--bundle') ? 'weld-bundle.js' : 'weld.js');
const { OciLayoutStore, pushComponent } = await import(join(root, 'packages/registry/dist/index.js'));
const { sha256File } = await import(join(root, 'packages/core/dist/node/digest.js'));
const run = promisify(execFile);

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const mb = Number(opt('--mb', '200'));
const runs = Number(opt('--runs', '3'));
const asJson = args.includes('--json');
const RSS_LIMIT_MB = 64;
let removeBundle = false;
if (args.includes('--bundle')) {
  const { BUNDLE_DIR, bundleCli } = await import(join(root, 'scripts/bundle-cli.mjs'));
  removeBundle = !existsSync(join(BUNDLE_DIR, 'main.js'));
  if (removeBundle) await bundleCli();
  process.on('exit', () => removeBundle && rmSync(BUNDLE_DIR, { recursive: true, force: true }));
}

/**
 * Writes out what earlier steps left dirty in the page cache (each pull and registry writes 200 MB), so the kernel's
 * write-back does not land on whichever step happens to come next.
 */
const settle = () => run('sync');

/** Runs a command under GNU time: wall-clock ms (measured here), CPU ms (user + system) and peak RSS in MiB (the kernel's rusage). */
async function measure(cmd, argv, env = {}) {
  await settle();
  const t0 = performance.now();
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'weld-bench-maxrss=%M cpu=%U+%S', cmd, ...argv], { env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  const m = /weld-bench-maxrss=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
  if (!m) throw new Error(`no RSS figure from /usr/bin/time for ${cmd}: ${stderr}`);
  return { ms, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, rssMb: Number(m[1]) / 1024, stdout };
}

const weld = (argv, env) => measure(process.execPath, [weldBin, ...argv], env);

/**
 * The floor of any client that must know a file's digest before uploading it, from parts measured here: a node
 * process's start (`node -e 0`), SHA-256 of the file (core's `sha256File`, in this process), and the upload alone:
 * curl's PUT of the file under a digest given to it, into a session opened beforehand on a fresh docker-registry
 * (timed: the curl process, so its start too, ~5 ms). Undefined without curl.
 */
async function digestFirstFloor(file, digest) {
  const t0 = performance.now();
  await run(process.execPath, ['-e', '0']);
  const nodeStart = performance.now() - t0;
  const t1 = performance.now();
  await sha256File(file);
  const hash = performance.now() - t1;
  const reg = await startOpenRegistry();
  try {
    const { stdout: headers } = await run('curl', ['-sS', '-D', '-', '-o', '/dev/null', '-X', 'POST', `http://${reg.host}/v2/bench/app/blobs/uploads/`]);
    const location = /^location: (\S+)/im.exec(headers)?.[1];
    if (!location) throw new Error(`docker-registry gave no upload location: ${headers}`);
    const url = new URL(location, `http://${reg.host}`);
    url.searchParams.set('digest', digest);
    await settle();
    const t2 = performance.now();
    const { stdout: status } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'content-type: application/octet-stream', '-T', file, url.href]);
    if (status !== '201') throw new Error(`curl's upload got HTTP ${status}`);
    const upload = performance.now() - t2;
    return { nodeStart, hash, upload, total: nodeStart + hash + upload };
  } finally {
    await reg.stop();
  }
}
const hasCurl = await run('curl', ['--version']).then(() => true, () => false);
const uploadSessions = (reqs) => reqs.filter((r) => /^POST \/v2\/.+\/blobs\/uploads\/(\?|$)/.test(r)).length;

async function round(work, file, fileDigest, small, layout, project, i) {
  const [regWeld, regSkopeo] = await Promise.all([startOpenRegistry({ accessLog: true }), startOpenRegistry()]);
  const home = join(work, `home-${i}`); // fresh: the first push must hash the file, nothing remembered
  const env = { WELD_HOME: home, DOCKER_CONFIG: join(work, 'docker') };
  const ref = `${regWeld.host}/bench/app:v1`;
  try {
    // first in the round: curl's upload measured after the 200 MB pushes and pulls below varied by up to 50% (skopeo's did not)
    const floor = hasCurl ? await digestFirstFloor(file, fileDigest) : undefined;
    const version = await weld(['--version'], env);
    const smallRef = `${regWeld.host}/bench/small:v1`;
    const smallPush = await weld(['--no-progress', 'push', small, smallRef], env);
    const smallPull = await weld(['--no-progress', 'pull', smallRef, join(work, `small-pulled-${i}.wasm`)], env);
    const beforePush = uploadSessions(await regWeld.requests());
    const push = await weld(['--no-progress', 'push', file, ref], env);
    const afterPush = (await regWeld.requests()).length;
    const out = join(work, `pulled-${i}.wasm`);
    const pull = await weld(['--no-progress', 'pull', ref, out], env);
    const identical = readFileSync(out).equals(readFileSync(file));
    rmSync(out);
    const beforeRepush = (await regWeld.requests()).length;
    const repush = await weld(['-o', 'json', 'push', file, ref], env);
    const repushSessions = uploadSessions((await regWeld.requests()).slice(beforeRepush));
    const firstSessions = uploadSessions((await regWeld.requests()).slice(0, afterPush)) - beforePush;
    const repushDoc = JSON.parse(repush.stdout);

    // The CI flow: `weld build` writes the component (here a prebuilt one, `language: wasm`) and remembers its digest,
    // so `weld push` sends it unread, as skopeo sends a layout blob whose digest the layout records. To a registry
    // of its own, fresh like skopeo's.
    const builtDir = join(work, `built-${i}`);
    await weld(['--no-progress', 'build', project, '--out-dir', builtDir], env);
    const regBuilt = await startOpenRegistry({ accessLog: true });
    let pushBuilt;
    let builtSessions;
    try {
      pushBuilt = await weld(['--no-progress', 'push', join(builtDir, 'app.wasm'), `${regBuilt.host}/bench/app:v1`], env);
      builtSessions = uploadSessions(await regBuilt.requests());
    } finally {
      await regBuilt.stop();
      rmSync(builtDir, { recursive: true, force: true });
    }
    const skPush = await measure('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${regSkopeo.host}/bench/app:v1`]);
    const skPull = await measure('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${regSkopeo.host}/bench/app:v1`, `oci:${join(work, `sk-pull-${i}`)}:v1`]);
    return {
      versionRss: version.rssMb,
      smallPushRss: smallPush.rssMb,
      smallPush: smallPush.ms,
      smallPullRss: smallPull.rssMb,
      push: push.ms,
      pushCpu: push.cpuMs,
      pushBuilt: pushBuilt.ms,
      pushBuiltCpu: pushBuilt.cpuMs,
      builtSessions,
      pushRss: push.rssMb,
      pull: pull.ms,
      pullCpu: pull.cpuMs,
      pullRss: pull.rssMb,
      identical,
      firstSessions,
      repush: repush.ms,
      repushSessions,
      repushUploaded: repushDoc.uploaded.length,
      skPush: skPush.ms,
      skPushCpu: skPush.cpuMs,
      skPushRss: skPush.rssMb,
      skPull: skPull.ms,
      skPullCpu: skPull.cpuMs,
      skPullRss: skPull.rssMb,
      floorNodeStart: floor?.nodeStart,
      floorHash: floor?.hash,
      floorUpload: floor?.upload,
      floor: floor?.total,
    };
  } finally {
    await Promise.all([regWeld.stop(), regSkopeo.stop()]);
    rmSync(join(work, `sk-pull-${i}`), { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'weld-bench-push-'));
let result;
try {
  const file = join(work, `c${mb}.wasm`);
  writeComponent(file, mb);
  // skopeo's source: the same artifact in an OCI layout (same manifest digest as weld's push).
  const layout = join(work, 'layout');
  await pushComponent(new OciLayoutStore(layout), { path: file }, { tag: 'v1', digestCache: false });
  const small = join(work, 'c1.wasm');
  writeComponent(small, 1);
  const rounds = [];
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'weld.yaml'), `components:\n  - { name: app, language: wasm, source: ../c${mb}.wasm }\n`);
  const { digest: fileDigest } = await sha256File(file);
  for (let i = 0; i < runs; i++) rounds.push(await round(work, file, fileDigest, small, layout, project, i));
  const m = (k) => median(rounds.map((r) => r[k]));
  const max = (k) => Math.max(...rounds.map((r) => r[k]));
  const best = (k) => Math.min(...rounds.map((r) => r[k]));
  result = {
    sizeMb: mb,
    runs,
    weldPushMs: Math.round(m('push')),
    skopeoPushMs: Math.round(m('skPush')),
    pushRatio: +(m('push') / m('skPush')).toFixed(2),
    weldPushBestMs: Math.round(best('push')),
    skopeoPushBestMs: Math.round(best('skPush')),
    pushBestRatio: +(best('push') / best('skPush')).toFixed(2),
    // each round's weld/skopeo ratio (the two ran back to back), so a busy moment weighs on both sides of one ratio
    pushRoundRatios: rounds.map((r) => +(r.push / r.skPush).toFixed(2)),
    weldPushCpuMs: Math.round(m('pushCpu')),
    weldPushBuiltMs: Math.round(m('pushBuilt')),
    pushBuiltRatio: +(m('pushBuilt') / m('skPush')).toFixed(2),
    pushBuiltBestRatio: +(best('pushBuilt') / best('skPush')).toFixed(2),
    pushBuiltRoundRatios: rounds.map((r) => +(r.pushBuilt / r.skPush).toFixed(2)),
    weldPushBuiltCpuMs: Math.round(m('pushBuiltCpu')),
    builtPushUploadSessions: max('builtSessions'),
    skopeoPushCpuMs: Math.round(m('skPushCpu')),
    weldPullMs: Math.round(m('pull')),
    weldPullCpuMs: Math.round(m('pullCpu')),
    skopeoPullCpuMs: Math.round(m('skPullCpu')),
    skopeoPullMs: Math.round(m('skPull')),
    pullRatio: +(m('pull') / m('skPull')).toFixed(2),
    pullBestRatio: +(best('pull') / best('skPull')).toFixed(2),
    pullRoundRatios: rounds.map((r) => +(r.pull / r.skPull).toFixed(2)),
    weldRepushMs: Math.round(m('repush')),
    weldPush1MiBMs: Math.round(m('smallPush')),
    firstPushUploadSessions: max('firstSessions'),
    repushUploadSessions: max('repushSessions'),
    repushUploadedBlobs: max('repushUploaded'),
    pushRssGrowthMb: +Math.max(...rounds.map((r) => r.pushRss - r.smallPushRss)).toFixed(1),
    pullRssGrowthMb: +Math.max(...rounds.map((r) => r.pullRss - r.smallPullRss)).toFixed(1),
    weldVersionPeakRssMb: +m('versionRss').toFixed(1),
    weldPushPeakRssMb: +max('pushRss').toFixed(1),
    weldPullPeakRssMb: +max('pullRss').toFixed(1),
    skopeoPushPeakRssMb: +max('skPushRss').toFixed(1),
    skopeoPullPeakRssMb: +max('skPullRss').toFixed(1),
    pulledIdentical: rounds.every((r) => r.identical),
    ...(hasCurl
      ? {
          floorNodeStartMs: Math.round(m('floorNodeStart')),
          floorHashMs: Math.round(m('floorHash')),
          floorUploadMs: Math.round(m('floorUpload')),
          floorMs: Math.round(m('floor')),
          floorRatio: +(m('floor') / m('skPush')).toFixed(2),
          floorRoundRatios: rounds.map((r) => +(r.floor / r.skPush).toFixed(2)),
        }
      : {}),
  };
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failures = [];
if (!result.pulledIdentical) failures.push('pulled bytes differ from the pushed file');
if (result.repushUploadSessions !== 0 || result.repushUploadedBlobs !== 0) failures.push(`re-push opened ${result.repushUploadSessions} upload sessions`);
if (result.pushRssGrowthMb >= RSS_LIMIT_MB) failures.push(`push RSS grew ${result.pushRssGrowthMb} MB over a 1 MiB push`);
if (result.pullRssGrowthMb >= RSS_LIMIT_MB) failures.push(`pull RSS grew ${result.pullRssGrowthMb} MB over a 1 MiB pull`);
if (asJson) {
  process.stdout.write(JSON.stringify({ bench: 'push', result, failures }, null, 2) + '\n');
} else {
  const r = result;
  console.log(
    `${r.sizeMb} MB, whole processes (weld from ${args.includes("--bundle") ? "the bundle" : "bin/weld.js: the checkout's bundle when fresh, else dist/"}), median of ${r.runs}:\n` +
      `  push  weld build, then weld push build/app.wasm (digest remembered, as a layout records it) ${r.weldPushBuiltMs} ms / skopeo copy oci:→docker:// ${r.skopeoPushMs} ms  (×${r.pushBuiltRatio}); CPU ${r.weldPushBuiltCpuMs} / ${r.skopeoPushCpuMs} ms\n` +
      `        best ×${r.pushBuiltBestRatio}; per round ×${r.pushBuiltRoundRatios.join(' ×')}; ${r.builtPushUploadSessions} upload sessions\n` +
      `  push  weld push <file> never seen (empty repository: hashed beside its upload) ${r.weldPushMs} ms  / skopeo ${r.skopeoPushMs} ms  (×${r.pushRatio}); CPU ${r.weldPushCpuMs} / ${r.skopeoPushCpuMs} ms\n` +
      `        best ${r.weldPushBestMs} / ${r.skopeoPushBestMs} ms (×${r.pushBestRatio}); per round ×${r.pushRoundRatios.join(' ×')}\n` +
      (r.floorMs === undefined
        ? '        (no curl: the floor of a client that hashes first is not measured)\n'
        : `        floor of any client that hashes first: node start ${r.floorNodeStartMs} + SHA-256 ${r.floorHashMs} + curl's upload with the digest given ${r.floorUploadMs} = ${r.floorMs} ms (×${r.floorRatio} of skopeo; per round ×${r.floorRoundRatios.join(' ×')})\n`) +
      `  pull  weld pull <ref> <file> ${r.weldPullMs} ms  / skopeo copy docker://→oci: ${r.skopeoPullMs} ms  (×${r.pullRatio}); CPU ${r.weldPullCpuMs} / ${r.skopeoPullCpuMs} ms\n` +
      `        best ×${r.pullBestRatio}; per round ×${r.pullRoundRatios.join(' ×')}\n` +
      `  re-push ${r.weldRepushMs} ms, ${r.repushUploadSessions} upload sessions (first push: ${r.firstPushUploadSessions}); a 1 MiB push takes ${r.weldPush1MiBMs} ms\n` +
      `  RSS growth over moving a 1 MiB component: push +${r.pushRssGrowthMb} MB, pull +${r.pullRssGrowthMb} MB (limit ${RSS_LIMIT_MB})\n` +
      `  peak RSS: weld push ${r.weldPushPeakRssMb} MB, weld pull ${r.weldPullPeakRssMb} MB, weld --version ${r.weldVersionPeakRssMb} MB; ` +
      `skopeo push ${r.skopeoPushPeakRssMb} MB, pull ${r.skopeoPullPeakRssMb} MB`,
  );
  for (const f of failures) console.log(`FAIL ${f}`);
}
process.exitCode = failures.length ? 1 : 0;
