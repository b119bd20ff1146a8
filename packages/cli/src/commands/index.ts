import type { Command } from 'commander';

/** Every subcommand registers itself here, in this order (groups before what adds to them); one line per command file. */
const ALL: Array<() => Promise<(program: Command) => void>> = [
  async () => (await import('./build.js')).registerBuild,
  async () => (await import('./run.js')).registerRun,
  async () => (await import('./push.js')).registerPush,
  async () => (await import('./pull.js')).registerPull,
  async () => (await import('./copy.js')).registerCopy,
  async () => (await import('./tag.js')).registerTag,
  async () => (await import('./ls.js')).registerLs,
  async () => (await import('./login.js')).registerLogin,
  async () => (await import('./logout.js')).registerLogout,
  async () => (await import('./keygen.js')).registerKeygen,
  async () => (await import('./sign.js')).registerSign,
  async () => (await import('./verify.js')).registerVerify,
  async () => (await import('./attest.js')).registerAttest,
  async () => (await import('./wit.js')).registerWit,
  async () => (await import('./validate.js')).registerValidate,
  async () => (await import('./inspect.js')).registerInspect,
  async () => (await import('./wit-registry.js')).registerWitRegistry,
  async () => (await import('./demo.js')).registerDemo,
  async () => (await import('./call.js')).registerCall,
  async () => (await import('./serve.js')).registerServe,
  async () => (await import('./test.js')).registerTest,
  async () => (await import('./compose.js')).registerCompose,
  async () => (await import('./wit-binary.js')).registerWitBinary,
  async () => (await import('./wit-breaking.js')).registerWitBreaking,
  async () => (await import('./wit-lint.js')).registerWitLint,
  async () => (await import('./grants.js')).registerGrants,
  async () => (await import('./workload.js')).registerWorkload,
  async () => (await import('./completion.js')).registerCompletion,
  async () => (await import('./ui.js')).registerUi,
];

export async function registerCommands(program: Command): Promise<void> {
  const registers = await Promise.all(ALL.map((load) => load()));
  for (const register of registers) register(program);
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
  ui: async () => (await import('./ui.js')).registerUi,
  push: async () => (await import('./push.js')).registerPush,
  pull: async () => (await import('./pull.js')).registerPull,
};

/**
 * `wit` subcommands that need only wit.ts and wit-binary.ts (which also registers @weld/binary's decoder for
 * binary WIT inputs): `weld wit extract` loads no registry or signing code. publish/deps load everything.
 */
const WIT_LOCAL = new Set(['check', 'json', 'fmt', 'build', 'extract', 'targets']);
const WIT_PARTS: Array<() => Promise<(program: Command) => void>> = [
  async () => (await import('./wit.js')).registerWit,
  async () => (await import('./wit-binary.js')).registerWitBinary,
];

/**
 * Registers the command `argv` names when it stands alone in its module (so `weld run` does not load the
 * registry, signing or build code), else every command (help, groups, unknown names).
 */
export async function registerCommandsFor(program: Command, argv: string[]): Promise<void> {
  // the command word: the first argument that is not an option, skipping the value of a global `-o FORMAT`
  const name = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '-o' && argv[i - 1] !== '--output');
  if (name === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')) return; // the version needs no command
  const words = argv.filter((a) => !a.startsWith('-'));
  // `weld wit breaking` is a CI check run per commit: load only its module (it creates the `wit` group)
  const load = name === undefined ? undefined : name === 'wit' && words[1] === 'breaking' ? async () => (await import('./wit-breaking.js')).registerWitBreaking : ALONE[name];
  // A limited run gets its own thread, which takes longer to start than the rest of `weld run` takes to load:
  // start it first.
  const limited = argv.some((a) => a === '--timeout' || a.startsWith('--timeout=') || a === '--max-memory' || a.startsWith('--max-memory='));
  if (name === 'run' && limited && !argv.includes('--help') && !argv.includes('-h')) void import('@weld/runner/run').then((r) => r.prewarmGuest({}));
  const sub = name === 'wit' ? argv.slice(argv.indexOf('wit') + 1).find((a) => !a.startsWith('-')) : undefined;
  const parts = sub !== undefined && WIT_LOCAL.has(sub) ? WIT_PARTS : undefined;
  if (load) (await load())(program);
  else if (parts) for (const register of await Promise.all(parts.map((p) => p()))) register(program);
  else await registerCommands(program);
}
