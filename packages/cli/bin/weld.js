#!/usr/bin/env node
// `weld` in a checkout: the bundle `pnpm build` makes (dist-bundle/, started as the npm package starts its own,
// see weld-bundle.js) while it is fresh, else dist/ as tsc wrote it (see dev-bundle.js).
import { fileURLToPath } from 'node:url';
import { loadBundle } from './cached-bundle.js';
import { devBundleFresh } from './dev-bundle.js';
import { runCli } from './run-cli.js';

const bundled = process.env.WELD_CLI_DIST !== '1' && devBundleFresh(fileURLToPath(new URL('..', import.meta.url)));
const bundleDir = fileURLToPath(new URL('../dist-bundle', import.meta.url));
await runCli(() => (bundled ? loadBundle(bundleDir, process.argv.slice(2), () => import('../dist-bundle/main.js')) : import('../dist/main.js')));
