#!/usr/bin/env node
// `weld` as the npm package installs it (publishConfig.bin): the CLI bundled into an entry and lazy chunks by
// scripts/bundle-cli.mjs in prepack, so a command loads a few files instead of hundreds of modules.
import { runCli } from './run-cli.js';
await runCli(() => import('../bundle/main.js'));
