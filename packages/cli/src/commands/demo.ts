import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '@weld/core';
import { exitState } from '../context.js';

/**
 * The demo script of a weld checkout: scripts/demo.mjs two folders above the CLI package, which is the nearest
 * folder with a package.json above this module (dist/commands/ or a bundle's folder). Absent in an npm install.
 */
function demoScript(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, '..', '..', 'scripts', 'demo.mjs');
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the end-to-end demo of a weld checkout: build, push, sign, verify, pull under policy, run')
    .action(async () => {
      const script = demoScript();
      if (!existsSync(script)) {
        throw new CliError('demo-unavailable', 'the demo ships with the weld repository, not with this install', {
          hint: 'clone the weld repository and run `bash scripts/demo.sh`',
        });
      }
      const child = spawn(process.execPath, [script], { stdio: 'inherit' });
      exitState.code = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
    });
}
