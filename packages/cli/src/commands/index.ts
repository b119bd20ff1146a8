import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerKeygen } from './keygen.js';
import { registerSign } from './sign.js';
import { registerVerify } from './verify.js';
import { registerAttest } from './attest.js';
import { registerWit } from './wit.js';

/** Every subcommand registers itself here; one line per command file. */
export function registerCommands(program: Command): void {
  registerBuild(program);
  registerKeygen(program);
  registerSign(program);
  registerVerify(program);
  registerAttest(program);
  registerWit(program);
}
