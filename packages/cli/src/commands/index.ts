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
  registerPlanned(program);
}
