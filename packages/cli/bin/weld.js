#!/usr/bin/env node
import { existsSync } from 'node:fs';
// A reader that stops early (`weld … | head`) is not an error: end quietly like other Unix tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
// The npm package carries the CLI bundled into an entry and lazy chunks (scripts/bundle-cli.mjs, run by prepack):
// far fewer modules to load at start. A checkout has no bundle and runs dist/.
const bundled = new URL('../bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/main.js');
process.exitCode = await main(process.argv.slice(2));
