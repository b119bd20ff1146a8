import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractWit } from '@weld/binary';
import { packageNameString } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { pushComponent } from '../src/artifact.js';
import { sha256 } from '../src/digest.js';
import { RegistryError } from '../src/errors.js';
import { openTarget } from '../src/open.js';
import {
  discoverRegistry,
  encodeWitSource,
  fetchWitDeps,
  packageReference,
  parsePackageName,
  parseRegistryMetadata,
  publishWitPackage,
  resolvePackageReference,
} from '../src/wit-package.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
let wellKnown: Server;
let domain = '';
let dir: string;
beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  wellKnown = createServer((req, res) => {
    if (req.url === '/.well-known/wasm-pkg/registry.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ preferredProtocol: 'oci', oci: { registry: reg.host, namespacePrefix: 'wit/' } }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => wellKnown.listen(0, '127.0.0.1', r));
  domain = `127.0.0.1:${(wellKnown.address() as { port: number }).port}`;
  dir = mkdtempSync(join(tmpdir(), 'weld-witpkg-'));
});
afterAll(async () => {
  await reg?.stop();
  wellKnown?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WIT package names and registry discovery', () => {
  it('parses wkg package names and maps them like wkg', () => {
    expect(parsePackageName('wasi:http@0.2.0')).toEqual({ namespace: 'wasi', name: 'http', version: '0.2.0' });
    expect(parsePackageName('my-org:my-pkg')).toEqual({ namespace: 'my-org', name: 'my-pkg', version: undefined });
    expect(() => parsePackageName('Wasi:HTTP')).toThrow(RegistryError);
    expect(packageReference(parsePackageName('wasi:http@0.2.0'), { registry: 'ghcr.io', namespacePrefix: 'webassembly/' })).toBe('ghcr.io/webassembly/wasi/http:0.2.0');
  });

  it('reads both registry.json shapes', () => {
    expect(parseRegistryMetadata({ oci: { registry: 'ghcr.io', namespacePrefix: 'p/' } }, 'x.dev')).toEqual({ registry: 'ghcr.io', namespacePrefix: 'p/' });
    expect(parseRegistryMetadata({ ociRegistry: 'ghcr.io', ociNamespacePrefix: 'q/' }, 'x.dev')).toEqual({ registry: 'ghcr.io', namespacePrefix: 'q/' });
    expect(parseRegistryMetadata({ preferredProtocol: 'warg', warg: { url: 'https://w' } }, 'x.dev')).toBeUndefined();
  });

  it('discovers through /.well-known/wasm-pkg/registry.json, and a 404 means the domain itself', async () => {
    expect(await discoverRegistry(domain)).toEqual({ registry: reg.host, namespacePrefix: 'wit/' });
    expect(await discoverRegistry(reg.host)).toEqual({ registry: reg.host });
    const ref = await resolvePackageReference(parsePackageName('acme:greeter@1.0.0'), { namespaces: { acme: domain } });
    expect(ref).toMatchObject({ kind: 'registry', registry: reg.host, repository: 'wit/acme/greeter', tag: '1.0.0' });
  });
});

describe('publish and deps', () => {
  const witPkg = buildComponent({ exports: ['acme:greeter/greet@1.0.0'] });

  it('publishes binary WIT under its wkg name, fetches deps, locks digests, and --locked catches a re-push', async () => {
    const mapping = { namespaces: { acme: domain } };
    const pub = await publishWitPackage(witPkg, 'acme:greeter@1.0.0', mapping);
    expect(pub.reference).toMatchObject({ registry: reg.host, repository: 'wit/acme/greeter', tag: '1.0.0' });
    expect(pub.layer.digest).toBe(sha256(witPkg));

    const witDir = join(dir, 'wit');
    const first = await fetchWitDeps(['acme:greeter@1.0.0'], { witDir, mapping });
    expect(readFileSync(join(witDir, 'deps', 'acme-greeter.wasm')).equals(witPkg)).toBe(true);
    const lock = JSON.parse(readFileSync(first.lockfile, 'utf8'));
    expect(lock).toEqual({ version: 1, packages: [{ name: 'acme:greeter@1.0.0', reference: `${reg.host}/wit/acme/greeter:1.0.0`, digest: sha256(witPkg) }] });

    await fetchWitDeps(['acme:greeter@1.0.0'], { witDir, mapping, locked: true });

    // Someone re-pushes the same version with other content: --locked refuses and keeps the old file.
    const other = buildComponent({ exports: ['acme:greeter/greet@1.0.0', 'acme:greeter/extra@1.0.0'] });
    const opened = await openTarget(`${reg.host}/wit/acme/greeter:1.0.0`);
    await pushComponent(opened.target, { bytes: other }, { tag: '1.0.0' });
    const err = await fetchWitDeps(['acme:greeter@1.0.0'], { witDir, mapping, locked: true }).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.code).toBe('lock-mismatch');
    expect(err.exit).toBe(1);
    expect(readFileSync(join(witDir, 'deps', 'acme-greeter.wasm')).equals(witPkg)).toBe(true);

    const missing = await fetchWitDeps(['acme:greeter@1.0.0', 'acme:other@2.0.0'], { witDir, mapping, locked: true }).catch((e) => e);
    expect(missing.code).toBe('lock-mismatch');
    expect(missing.message).toContain('acme:other@2.0.0 is not in');
  });

  it('uses the embedded store when no registry is mapped', async () => {
    const env = { ...process.env, WELD_HOME: join(dir, 'home') };
    const saved = process.env.WELD_HOME;
    process.env.WELD_HOME = env.WELD_HOME;
    try {
      const pub = await publishWitPackage(witPkg, 'local:types@0.1.0');
      expect(pub.reference).toMatchObject({ kind: 'embedded', repository: 'local/types', tag: '0.1.0' });
      const witDir = join(dir, 'wit2');
      await fetchWitDeps(['local:types@0.1.0'], { witDir });
      expect(readFileSync(join(witDir, 'deps', 'local-types.wasm')).equals(witPkg)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.WELD_HOME;
      else process.env.WELD_HOME = saved;
    }
  });
});

describe('wit deps refuses bad input before any request', () => {
  it('a version that is not semver, or a --wit-dir (or its deps/) that is a file', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const mapping = { namespaces: { acme: `127.0.0.1:${(server.address() as { port: number }).port}` } };
      const witDir = join(dir, 'wit-bad-version');
      // the good name sorts first: without the check up front it would be fetched before the bad one is seen
      const bad = await fetchWitDeps(['acme:zz@notsemver', 'acme:aa@1.0.0'], { witDir, mapping }).catch((e) => e);
      expect(bad).toMatchObject({ code: 'invalid-package-name', exit: 2 });
      expect(bad.message).toBe('dependency acme:zz@notsemver: version "notsemver" is not a semver version (unexpected character \'n\' while parsing major version number)');
      const short = await fetchWitDeps(['acme:aa@1.0'], { witDir, mapping }).catch((e) => e);
      expect(short).toMatchObject({ code: 'invalid-package-name', message: expect.stringContaining('version "1.0" is not a semver version') });
      const file = join(dir, 'wit-is-a-file');
      writeFileSync(file, 'not a folder');
      const notDir = await fetchWitDeps(['acme:aa@1.0.0'], { witDir: file, mapping }).catch((e) => e);
      expect(notDir).toMatchObject({ code: 'unwritable-file', message: `cannot write into ${file}: it is a file, not a folder` });
      const depsFile = join(dir, 'wit-deps-file');
      mkdirSync(depsFile);
      writeFileSync(join(depsFile, 'deps'), '');
      const notDepsDir = await fetchWitDeps(['acme:aa@1.0.0'], { witDir: depsFile, mapping }).catch((e) => e);
      expect(notDepsDir).toMatchObject({ code: 'unwritable-file', message: `cannot write into ${join(depsFile, 'deps')}: it is a file, not a folder` });
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('publishing a WIT folder', () => {
  it('encodes the folder to binary WIT, publishes it, and a consumer resolves against the fetched dependency', async () => {
    const src = join(dir, 'types-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(
      join(src, 'types.wit'),
      'package acme:types@1.2.0;\n\ninterface shapes {\n  record point { x: s32, y: s32 }\n  area: func(a: point, b: point) -> u64;\n}\n',
    );
    const encoded = await encodeWitSource(src);
    expect(encoded.name).toBe('acme:types@1.2.0');
    const back = extractWit(encoded.bytes);
    expect(back.kind).toBe('package');
    expect(packageNameString(back.resolve.packages[back.package]!.name)).toBe('acme:types@1.2.0');

    const mapping = { namespaces: { acme: domain } };
    const pub = await publishWitPackage(encoded.bytes, encoded.name, mapping);
    expect(pub.reference).toMatchObject({ repository: 'wit/acme/types', tag: '1.2.0' });

    const app = join(dir, 'app-wit');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'app.wit'), 'package acme:app;\n\nworld app {\n  import acme:types/shapes@1.2.0;\n  export run: func() -> u64;\n}\n');
    await fetchWitDeps(['acme:types@1.2.0'], { witDir: app, mapping });
    expect(readFileSync(join(app, 'deps', 'acme-types.wasm')).equals(encoded.bytes)).toBe(true);
    const consumer = resolvePath(app);
    const names = consumer.resolve.packages.map((p) => packageNameString(p.name));
    expect(names).toContain('acme:types@1.2.0');
    const shapes = consumer.resolve.interfaces.find((i) => i.name === 'shapes');
    expect(shapes && [...shapes.functions.keys()]).toEqual(['area']);
  });

  it('reports WIT errors of the folder as WIT errors, before anything is pushed', async () => {
    const bad = join(dir, 'bad-src');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'x.wit'), 'package acme:bad@1.0.0;\ninterface i { f: func() -> nope; }\n');
    const err = await encodeWitSource(bad).catch((e) => e);
    expect(err.code).toBeTypeOf('string');
    expect(err.message).toContain('nope');
  });
});
