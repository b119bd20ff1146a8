// Child process for the jco / componentize-js steps that read WIT from disk.
// preview2-shim's preopens are process-global, and componentize-js 0.23 with preview2-shim 0.26 only
// finds files when '/' is preopened; doing that here keeps the setting out of the parent process.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * npm may install separate preview2-shim copies for jco's transpiler (whose wasm-tools reads the WIT) and for us,
 * where pnpm links one; preopens live in each copy, so set them in every copy jco and we load.
 */
async function preopenRoot() {
  const parents = [import.meta.url];
  try {
    const jco = createRequire(import.meta.url).resolve('@bytecodealliance/jco');
    parents.push(jco, createRequire(jco).resolve('@bytecodealliance/jco-transpile'));
  } catch {
    /* jco not resolvable this way: our own copy is the one it uses */
  }
  const done = new Set();
  for (const parent of parents) {
    const shim = createRequire(parent).resolve('@bytecodealliance/preview2-shim/filesystem');
    if (done.has(shim)) continue;
    done.add(shim);
    (await import(pathToFileURL(shim).href))._setPreopens({ '/': '/' });
  }
}
await preopenRoot();

async function run(request) {
  const jco = await import('@bytecodealliance/jco');
  switch (request.op) {
    case 'componentize': {
      const { componentize } = await import('@bytecodealliance/componentize-js');
      const { component } = await componentize({
        sourcePath: request.source,
        witPath: request.wit,
        worldName: request.world,
        disableFeatures: request.disableFeatures ?? [],
      });
      await writeFile(request.out, component);
      return { size: component.length };
    }
    case 'embed-new': {
      const core = await readFile(request.core);
      const embedded = await jco.componentEmbed(
        request.witSource !== undefined
          ? { binary: core, witSource: request.witSource, world: request.world }
          : { binary: core, witPath: request.wit, world: request.world },
      );
      const adapterPath = request.adapter === 'command' ? jco.preview1AdapterCommandPath() : jco.preview1AdapterReactorPath();
      const adapter = await readFile(adapterPath);
      const component = await jco.componentNew(embedded, [['wasi_snapshot_preview1', adapter]]);
      await writeFile(request.out, component);
      return { size: component.length };
    }
    default:
      throw new Error(`unknown worker op ${request.op}`);
  }
}

process.once('message', async (request) => {
  try {
    const result = await run(request);
    process.send({ ok: true, result }, () => process.exit(0));
  } catch (e) {
    const message = e instanceof Error ? (process.env.WELD_DEBUG ? e.stack : e.message) : String(e);
    process.send({ ok: false, message }, () => process.exit(0));
  }
});
