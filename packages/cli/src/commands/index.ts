import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerRun } from './run.js';
import { registerPush } from './push.js';
import { registerPull } from './pull.js';
import { registerCopy } from './copy.js';
import { registerTag } from './tag.js';
import { registerLs } from './ls.js';
import { registerLogin } from './login.js';
import { registerLogout } from './logout.js';
import { registerKeygen } from './keygen.js';
import { registerSign } from './sign.js';
import { registerVerify } from './verify.js';
import { registerAttest } from './attest.js';
import { registerWit } from './wit.js';
import { registerValidate } from './validate.js';
import { registerInspect } from './inspect.js';
import { registerWitRegistry } from './wit-registry.js';
import { registerDemo } from './demo.js';
import { registerCall } from './call.js';
import { registerServe } from './serve.js';
import { registerTest } from './test.js';
import { registerCompose } from './compose.js';
import { registerWitBinary } from './wit-binary.js';
import { registerPlanned } from './planned.js';

/** Every subcommand registers itself here; one line per command file. */
export function registerCommands(program: Command): void {
  registerBuild(program);
  registerRun(program);
  registerPush(program);
  registerPull(program);
  registerCopy(program);
  registerTag(program);
  registerLs(program);
  registerLogin(program);
  registerLogout(program);
  registerKeygen(program);
  registerSign(program);
  registerVerify(program);
  registerAttest(program);
  registerWit(program);
  registerValidate(program);
  registerInspect(program);
  registerWitRegistry(program);
  registerDemo(program);
  registerCall(program);
  registerServe(program);
  registerTest(program);
  registerCompose(program);
  registerWitBinary(program);
  registerPlanned(program);
}

/** Top-level commands whose module registers nothing else, so a run of one of them loads only its own code. */
const ALONE: Record<string, () => Promise<(program: Command) => void>> = {
  build: async () => (await import('./build.js')).registerBuild,
  run: async () => (await import('./run.js')).registerRun,
  call: async () => (await import('./call.js')).registerCall,
  serve: async () => (await import('./serve.js')).registerServe,
  test: async () => (await import('./test.js')).registerTest,
  validate: async () => (await import('./validate.js')).registerValidate,
  inspect: async () => (await import('./inspect.js')).registerInspect,
  compose: async () => (await import('./compose.js')).registerCompose,
};

/**
 * Registers the command `argv` names when it stands alone in its module (so `weld run` does not load the
 * registry, signing or build code), else every command (help, groups, unknown names).
 */
export async function registerCommandsFor(program: Command, argv: string[]): Promise<void> {
  const name = argv.find((a) => !a.startsWith('-'));
  const load = name === undefined ? undefined : ALONE[name];
  if (load && !argv.includes('-o') && !argv.some((a) => a.startsWith('--output'))) (await load())(program);
  else registerCommands(program);
}
