#!/usr/bin/env node
// `weld` in a checkout: the bundle `pnpm build` makes (dist-bundle/, as the npm package starts) while it is fresh,
// else dist/ as tsc wrote it (see dev-bundle.js).
import { fileURLToPath } from 'node:url';
import { devBundleFresh } from './dev-bundle.js';
import { runCli } from './run-cli.js';

const bundled = process.env.WELD_CLI_DIST !== '1' && devBundleFresh(fileURLToPath(new URL('..', import.meta.url)));
await runCli(() => (bundled ? import('../dist-bundle/main.js') : import('../dist/main.js')));
