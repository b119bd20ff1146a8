#!/usr/bin/env node
// `weld` as the npm package installs it (package.json's bin, whichever of npm pack and pnpm pack made it): the CLI
// bundled by scripts/bundle-cli.mjs in prepack, so a command loads a few files instead of hundreds of modules, with
// V8's code cache from a command's second run on where this Node allows (cached-bundle.js). In a checkout, where
// postpack removed bundle/ again, it is bin/weld.js (the tests and tools run that one by its path).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './cached-bundle.js';
import { runCli } from './run-cli.js';

const bundleDir = fileURLToPath(new URL('../bundle', import.meta.url));
if (existsSync(fileURLToPath(new URL('../bundle/main.js', import.meta.url)))) {
  await runCli(() => loadBundle(bundleDir, process.argv.slice(2), () => import('../bundle/main.js')));
} else {
  await import('./weld.js');
}
