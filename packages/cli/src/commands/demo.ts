import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from '@weld/core';
import { exitState } from '../context.js';

/** The demo script of a weld checkout (packages/cli/dist/commands → repo root). Absent in an npm install. */
const DEMO_SCRIPT = fileURLToPath(new URL('../../../../scripts/demo.mjs', import.meta.url));

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the end-to-end demo of a weld checkout: build, push, sign, verify, pull under policy, run')
    .action(async () => {
      if (!existsSync(DEMO_SCRIPT)) {
        throw new CliError('demo-unavailable', 'the demo ships with the weld repository, not with this install', {
          hint: 'clone the weld repository and run `bash scripts/demo.sh`',
        });
      }
      const child = spawn(process.execPath, [DEMO_SCRIPT], { stdio: 'inherit' });
      exitState.code = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
    });
}
