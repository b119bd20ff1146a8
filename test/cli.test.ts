import { describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';

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

  it('weld completion bash completes commands, subcommands and options in a real bash; fish and zsh print scripts', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = await runWeld(['completion', 'bash']);
    expect(script.code, script.stderr).toBe(0);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `${script.stdout}\nCOMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _weld; echo "\${COMPREPLY[*]}"`, 'bash', ...words], { encoding: 'utf8' }).trim().split(' ');
    expect(complete('weld', 'ru')).toEqual(['run']);
    expect(complete('weld', 'run', '--allow-l')).toEqual(['--allow-listen', '--allow-lookup']);
    expect(complete('weld', 'wit', 'fm')).toEqual(['fmt']);
    expect(complete('weld', 'serve', '--work')).toEqual(['--workers']);
    expect((await runWeld(['completion', 'fish'])).stdout).toContain("complete -c weld -n __fish_use_subcommand -a run");
    expect((await runWeld(['completion', 'zsh'])).stdout).toContain('bashcompinit');
    const bad = await runWeld(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown shell');
  });

  it('an unknown command or option is a usage error (exit 2) with a pointer to --help', async () => {
    const unknown = await runWeld(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await runWeld(['build', '--no-such-flag']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--no-such-flag'");
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
