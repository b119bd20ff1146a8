// `node scripts/pack.mjs [--npm] [DEST]`: packs every publishable workspace package (packages/*, not private) with
// `pnpm pack`, or with plain `npm pack` in each package folder under `--npm` (the two must give the same: the
// packages name each other by exact version, not `workspace:`, and the CLI's bin is the bundle's launcher without
// publishConfig), and checks what an npm user would get from each tarball: no `workspace:` range left and every
// range on a workspace package its current version; license, repository, files and types fields; the
// repository's LICENSE file (npm packs a package folder's LICENSE whatever `files` says); every
// `exports`/`main`/`types`/`bin` target inside the tarball; no build leftovers. Prints the tarball paths as
// JSON on stdout; exits 1 listing the problems. Run after `pnpm build` (it packs dist/ as it is).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Publishable workspace packages: name, folder and manifest. */
export function workspacePackages() {
  const dir = path.join(root, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, 'package.json')))
    .map((d) => ({ dir: path.join(dir, d), manifest: JSON.parse(readFileSync(path.join(dir, d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private)
    .map((p) => ({ name: p.manifest.name, ...p }));
}

/** Every file path a manifest points at (main, types, exports conditions, bin), relative, without `./`. */
function manifestTargets(m) {
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.main);
  walk(m.types);
  walk(m.exports);
  walk(typeof m.bin === 'string' ? m.bin : m.bin ?? {});
  return out.map((t) => path.posix.normalize(t).replace(/^\.\//, ''));
}

/** Problems with one packed tarball; empty when an npm user would get a working package. */
export function checkTarball(tgz) {
  const problems = [];
  const files = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const m = JSON.parse(execFileSync('tar', ['xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
  const where = path.basename(tgz);
  const versions = new Map(workspacePackages().map((p) => [p.name, p.manifest.version]));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${where}: ${field}.${dep} is still "${range}"`);
      else if (versions.has(dep) && range !== versions.get(dep)) problems.push(`${where}: ${field}.${dep} is "${range}", not the workspace's version ${versions.get(dep)}`);
    }
  }
  if (!m.license) problems.push(`${where}: no license field`);
  if (!files.includes('LICENSE')) problems.push(`${where}: no LICENSE file`);
  else if (execFileSync('tar', ['xzOf', tgz, 'package/LICENSE']).compare(readFileSync(path.join(root, 'LICENSE'))) !== 0) problems.push(`${where}: its LICENSE differs from the repository's`);
  if (!m.repository?.url) problems.push(`${where}: no repository field`);
  if (!Array.isArray(m.files) || m.files.length === 0) problems.push(`${where}: no files field (everything would be published)`);
  if (!m.types) problems.push(`${where}: no types field`);
  for (const [key, target] of Object.entries(typeof m.exports === 'object' ? m.exports : {})) {
    if (typeof target === 'object' && !('types' in target)) problems.push(`${where}: exports["${key}"] has no types condition`);
  }
  for (const t of manifestTargets(m)) if (!files.includes(t)) problems.push(`${where}: ${t} is named in package.json but not in the tarball`);
  for (const entry of (m.files ?? []).filter((f) => !f.startsWith('!') && !/[*?]/.test(f))) {
    const e = entry.replace(/^\.\//, '').replace(/\/$/, '');
    if (!files.some((f) => f === e || f.startsWith(`${e}/`))) problems.push(`${where}: files lists ${entry} but the tarball has nothing there (not built?)`);
  }
  for (const f of files) if (/(^|\/)\.tsbuildinfo$|^test\/|\.test\.(js|ts)$/.test(f)) problems.push(`${where}: ships ${f}`);
  return problems;
}

/** The environment without the `npm_*` settings a `pnpm` run passes down (npm would read pnpm's as its own). */
const npmEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

/** Packs one package folder into `dest` with `packer` (`pnpm` or `npm`); returns the tarball's path. */
function pack(packer, dir, dest) {
  if (packer === 'npm') {
    // --json: stdout is the report alone (the prepack script's banner and output go to stderr)
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir, encoding: 'utf8', env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const report = JSON.parse(out.slice(out.search(/^\[/m)));
    const tgz = path.join(dest, report[0]?.filename ?? '');
    if (!tgz.endsWith('.tgz') || !existsSync(tgz)) throw new Error(`npm pack in ${dir} named no tarball:\n${out}`);
    return tgz;
  }
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tgz = out.trim().split('\n').pop().trim();
  if (!tgz.endsWith('.tgz') || !existsSync(tgz)) throw new Error(`pnpm pack in ${dir} printed no tarball path:\n${out}`);
  return tgz;
}

/** Packs every workspace package into `dest` (with `pnpm pack`, or `npm pack` in each folder); returns the tarballs and the problems found in them. */
export function packAll(dest, { packer = 'pnpm' } = {}) {
  mkdirSync(dest, { recursive: true });
  const tarballs = workspacePackages().map((p) => pack(packer, p.dir, dest));
  return { tarballs, problems: tarballs.flatMap(checkTarball) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const packer = args.includes('--npm') ? 'npm' : 'pnpm';
  const destArg = args.find((a) => a !== '--npm');
  const dest = path.resolve(destArg ?? path.join(root, '.cache', 'packs'));
  const { tarballs, problems } = packAll(dest, { packer });
  process.stdout.write(JSON.stringify(tarballs, null, 2) + '\n');
  for (const p of problems) process.stderr.write(`pack: ${p}\n`);
  process.exitCode = problems.length ? 1 : 0;
}
