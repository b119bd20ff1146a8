#!/usr/bin/env node
// `weld` as the npm package installs it (publishConfig.bin): the CLI bundled by scripts/bundle-cli.mjs in prepack,
// run from its CommonJS script with V8's code cache where this Node allows (cached-bundle.js), else from its ES
// module entry and lazy chunks, so a command loads a few files instead of hundreds of modules.
import { fileURLToPath } from 'node:url';
import { loadCachedBundle, useCachedBundle } from './cached-bundle.js';
import { runCli } from './run-cli.js';

const bundleDir = fileURLToPath(new URL('../bundle', import.meta.url));
const argv = process.argv.slice(2);
await runCli(() => (useCachedBundle(bundleDir, argv) ? loadCachedBundle(bundleDir, argv) : import('../bundle/main.js')));
