import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { runWeld } from './helpers/cli.js';

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

/**
 * The completions a real shell offers with `script` loaded: bash and zsh call _weld with COMP_WORDS set to `words`
 * (zsh as bashcompinit does, with ksharrays), fish completes the command line `words[0]`.
 */
function completeIn(shell: 'bash' | 'zsh' | 'fish', script: string, words: string[]): string[] {
  const run = {
    bash: ['bash', ['-c', `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _weld; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', ...words]],
    zsh: ['zsh', ['-fc', `autoload -U +X compinit && compinit -u\n${script}\nsetopt ksharrays; COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _weld; printf '%s\\n' "\${COMPREPLY[@]}"`, 'zsh', ...words]],
    fish: ['fish', ['--no-config', '-c', `${script}\ncomplete -C $argv[1] | string replace -r '\\t.*' ''; true`, ...words]],
  } as const;
  const [bin, args] = run[shell];
  return execFileSync(bin, args, { encoding: 'utf8', cwd: '/' }).split('\n').filter((w) => w !== '');
}

describe('weld CLI surface', () => {
  it('--version prints the version and --help lists every command of the target surface', async () => {
    const version = await runWeld(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runWeld(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['build', 'compose', 'validate', 'inspect', 'push', 'pull', 'copy', 'tag', 'ls', 'login', 'logout', 'keygen', 'sign', 'attest', 'verify', 'run', 'call', 'serve', 'test', 'demo', 'wit', 'workload']) {
      expect(help.stdout, name).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    for (const flag of ['--output', '--quiet', '--verbose', '--no-progress']) expect(help.stdout).toContain(flag);
  });

  it('every command of the target surface is implemented: a missing input is a typed error, never not-implemented', async () => {
    const text = await runWeld(['workload', 'check', 'workload.yaml']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('error[no-such-file]: workload.yaml: no such file');
    const json = await runWeld(['-o', 'json', 'workload', 'check', 'workload.yaml']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'no-such-file' } });
    const breaking = await runWeld(['wit', 'breaking', 'old', 'new']);
    expect(breaking.code).toBe(2);
    expect(breaking.stderr).toContain('error[no-such-file]: old: no such file or folder');
  });

  it('-o json errors are one document on stdout with the location fields, and nothing on stderr', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-json-error-'));
    await writeFile(path.join(dir, 'a.wit'), 'package a:b;\ninterface x {\n  f: func() -> nope;\n}\n');
    const r = await runWeld(['-o', 'json', 'wit', 'check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'wit-unknown-name', file: path.join(dir, 'a.wit'), line: 3, column: 16 } });
  });

  it('weld completion bash completes commands, subcommands, options and their values in a real bash, after global options too', async () => {
    const script = await runWeld(['completion', 'bash']);
    expect(script.code, script.stderr).toBe(0);
    const complete = (...words: string[]) => completeIn('bash', script.stdout, words);
    expect(complete('weld', 'ru')).toEqual(['run']);
    expect(complete('weld', 'run', '--allow-l')).toEqual(['--allow-listen', '--allow-lookup']);
    expect(complete('weld', 'wit', 'fm')).toEqual(['fmt']);
    expect(complete('weld', 'serve', '--work')).toEqual(['--workers']);
    // a global option's value is not the command
    expect(complete('weld', '-o', 'json', 'wi')).toEqual(['wit']);
    expect(complete('weld', '-o', 'json', 'push', '--p')).toEqual(['--plain-http']);
    expect(complete('weld', '-o', 'json', 'push', '--')).toContain('--timeout');
    expect(complete('weld', '-o', 'json', 'push', '--')).not.toContain('--features');
    expect(complete('weld', '-q', '--output', 'json', 'wit', 'check', '--f')).toEqual(['--features']);
    // the values of an option with choices, and of an operand with choices
    expect(complete('weld', '-o', '')).toEqual(['text', 'json']);
    expect(complete('weld', 'keygen', '--kdf', '')).toEqual(['legacy', 'standard', 'owasp']);
    expect(complete('weld', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('weld', 'completion', 'bash', '')).toEqual([]);
    // every command, completion and help included; help completes command names
    expect(complete('weld', 'c')).toEqual(['copy', 'call', 'compose', 'completion']);
    expect(complete('weld', 'h')).toEqual(['help']);
    expect(complete('weld', 'help', 'w')).toEqual(['wit', 'workload']);
    expect(complete('weld', 'wit', 'help', 'b')).toEqual(['build', 'breaking']);
    const bad = await runWeld(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown shell');
  });

  it.skipIf(!hasShell('zsh'))('weld completion zsh: the same script through bashcompinit in a real zsh', async () => {
    const script = await runWeld(['completion', 'zsh']);
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain('bashcompinit');
    // zsh's compgen leaves matching the typed prefix to the completion system: the candidates are all of the place's
    const complete = (...words: string[]) => completeIn('zsh', script.stdout, words);
    expect(complete('weld', '-o', 'json', 'wi')).toContain('wit');
    expect(complete('weld', '-o', 'json', 'push', '--p')).toContain('--plain-http');
    expect(complete('weld', '-o', 'json', 'push', '--p')).not.toContain('--features');
    expect(complete('weld', '-o', '')).toEqual(['text', 'json']);
    expect(complete('weld', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('weld', '')).toEqual(expect.arrayContaining(['completion', 'help', 'push']));
  });

  it.skipIf(!hasShell('fish'))('weld completion fish completes the same in a real fish', async () => {
    const script = await runWeld(['completion', 'fish']);
    expect(script.code, script.stderr).toBe(0);
    const complete = (line: string) => completeIn('fish', script.stdout, [line]);
    expect(complete('weld ru')).toEqual(['run']);
    expect(complete('weld -o json wi')).toEqual(['wit']);
    const pushOptions = complete('weld -o json push --');
    expect(pushOptions).toEqual(expect.arrayContaining(['--timeout', '--plain-http', '--title', '--output']));
    expect(pushOptions).not.toContain('--features');
    expect(pushOptions).not.toContain('--all-features');
    expect(complete('weld -o json wit check --f')).toEqual(['--features']);
    expect(complete('weld -o ')).toEqual(['json', 'text']);
    expect(complete('weld completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('weld help w')).toEqual(['wit', 'workload']);
    expect(complete('weld ')).toEqual(expect.arrayContaining(['completion', 'help', 'push', 'wit']));
  });

  it('an unknown command or option is a usage error (exit 2) with a pointer to --help', async () => {
    const unknown = await runWeld(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await runWeld(['build', '--no-such-flag']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('under -o json a usage error is a JSON document on stdout (code usage, exit 2); --help and --version still print text', async () => {
    const cases: Array<[string[], string, string]> = [
      [['-o', 'json', 'push', 'calc.wasm'], "missing required argument 'ref'", 'weld push --help'],
      [['-o', 'json', 'bogus'], "unknown command 'bogus'", 'weld --help'],
      [['-o', 'json', 'validate', '--bogus', 'x'], "unknown option '--bogus'", 'weld validate --help'],
      [['--output=json', 'wit', 'build', '--nope'], "unknown option '--nope'", 'weld wit build --help'],
      [['validate', 'x', '--bogus', '-o', 'json'], "unknown option '--bogus'", 'weld validate --help'],
    ];
    for (const [args, message, hint] of cases) {
      const r = await runWeld(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe('');
      const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
      expect(doc.error).toMatchObject({ code: 'usage', message });
      expect(doc.error.hint).toContain(hint);
    }
    const text = await runWeld(['push', 'calc.wasm']);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe("error[usage]: missing required argument 'ref'\nhint: run weld push --help for usage\n");
    const help = await runWeld(['-o', 'json', 'push', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: weld push/);
    const version = await runWeld(['-o', 'json', '--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('duration flags', () => {
  it('every --timeout reads a duration as weld run does (3s, 500ms, a bare number of seconds); a bad one is one usage error', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-duration-'));
    const component = path.join(dir, 'empty.wasm');
    await writeFile(component, new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]));
    const env = { WELD_HOME: path.join(dir, 'home') };
    // a registry on a closed port: a duration that is read gets as far as the network
    const commands: Array<[string, string[]]> = [
      ['3s', ['push', component, '127.0.0.1:1/acme/app:1']],
      ['3', ['pull', '127.0.0.1:1/acme/app:1', path.join(dir, 'out.wasm')]],
      ['500ms', ['ls', '127.0.0.1:1/acme/app']],
      ['1m', ['wit', 'breaking', '127.0.0.1:1/acme/types:1', '127.0.0.1:1/acme/types:2']],
    ];
    await Promise.all(commands.map(async ([duration, args]) => {
      const ok = await runWeld(['-o', 'json', ...args, '--timeout', duration], { env });
      expect(JSON.parse(ok.stdout).error.code, `${args[0]} --timeout ${duration}`).toBe('network-error');
    }));
    await Promise.all([...commands.map(([, args]) => args), ['run', component]].map(async (args) => {
      const bad = await runWeld(['-o', 'json', ...args, '--timeout', '3parsecs'], { env });
      expect(bad.code, args[0]).toBe(2);
      expect(JSON.parse(bad.stdout).error, args[0]).toMatchObject({
        code: 'usage',
        message: '--timeout 3parsecs: expected a duration such as 500ms, 30s, 5m (a bare number is seconds)',
      });
    }));
  });
});

describe('-o after a command that writes a file', () => {
  it('names the file unless it is an output format', async () => {
    const { outputFileSpelling } = await import('../packages/cli/src/main.js');
    expect(outputFileSpelling(['pull', 'demo/app:1', '-o', 'app.wasm'])).toEqual(['pull', 'demo/app:1', '--out', 'app.wasm']);
    expect(outputFileSpelling(['pull', 'demo/app:1', '-o', 'json'])).toEqual(['pull', 'demo/app:1', '-o', 'json']);
    expect(outputFileSpelling(['-o', 'json', 'pull', 'demo/app:1', '--output=a.wasm'])).toEqual(['-o', 'json', 'pull', 'demo/app:1', '--out=a.wasm']);
    expect(outputFileSpelling(['wit', 'build', 'wit', '-o', 'p.wasm'])).toEqual(['wit', 'build', 'wit', '--out', 'p.wasm']);
    expect(outputFileSpelling(['push', 'a.wasm', 'demo/app:1', '-o', 'x'])).toEqual(['push', 'a.wasm', 'demo/app:1', '-o', 'x']);
  });
});

describe('weld.yaml and $WELD_HOME at the CLI edge', () => {
  async function project(files: Record<string, string>): Promise<{ dir: string; env: Record<string, string> }> {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-project-cli-'));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return { dir, env: { WELD_HOME: path.join(dir, 'home'), NO_COLOR: '1' } };
  }

  it('a weld.yaml with only lint: or plugins: does not stop pull (the policy reader knows every section)', async () => {
    for (const text of ['lint:\n  rules: {}\n', 'plugins: []\n']) {
      const { dir, env } = await project({ 'weld.yaml': text });
      const r = await runWeld(['pull', 'demo:1', 'app.wasm'], { cwd: dir, env });
      expect(r.stderr, text).not.toContain('policy-invalid');
      expect(r.stderr, text).toContain('error[name-unknown]');
    }
  });

  it('a registries: typo fails weld build and names file, line and column (once) in text and JSON', async () => {
    const { dir, env } = await project({ 'weld.yaml': 'name: x\nregistries:\n  defualt: ghcr.io\n' });
    const build = await runWeld(['build'], { cwd: dir, env });
    expect(build.code).toBe(2);
    expect(build.stderr).toContain('error[project-invalid]: registries.defualt: unknown field (expected one of default, namespaces)\n     --> weld.yaml:3:3\n');
    const deps = await runWeld(['-o', 'json', 'wit', 'deps', 'wasi:io@0.2.0'], { cwd: dir, env });
    expect(deps.code).toBe(2);
    expect(JSON.parse(deps.stdout).error).toMatchObject({ code: 'project-invalid', message: 'registries.defualt: unknown field (expected one of default, namespaces)', file: 'weld.yaml', line: 3, column: 3 });
  });

  it('weld.yaml and weld.yml side by side is an error naming both', async () => {
    const { dir, env } = await project({ 'weld.yaml': 'name: x\n', 'weld.yml': 'name: [x\n' });
    for (const args of [['build'], ['pull', 'demo:1', 'app.wasm']]) {
      const r = await runWeld(args, { cwd: dir, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('error[project-ambiguous]: both');
      expect(r.stderr).toContain('weld.yml exist; keep one');
    }
  });

  it('WELD_HOME starting with ~ or relative is refused with a hint, and no folder is made', async () => {
    const { existsSync } = await import('node:fs');
    const path = await import('node:path');
    const { dir } = await project({ 'some.wasm': 'x' });
    const tilde = await runWeld(['push', 'some.wasm', 'repo:1'], { cwd: dir, env: { WELD_HOME: '~/x' } });
    expect(tilde.code).toBe(2);
    expect(tilde.stderr).toBe('error[weld-home-invalid]: WELD_HOME is "~/x": the shell did not expand the ~\nhint: WELD_HOME=$HOME/x (or leave ~ unquoted)\n');
    const relative = await runWeld(['-o', 'json', 'push', 'some.wasm', 'repo:1'], { cwd: dir, env: { WELD_HOME: 'store' } });
    expect(relative.code).toBe(2);
    expect(JSON.parse(relative.stdout).error).toMatchObject({ code: 'weld-home-invalid' });
    expect(existsSync(path.join(dir, '~'))).toBe(false);
    expect(existsSync(path.join(dir, 'store'))).toBe(false);
  });
});
