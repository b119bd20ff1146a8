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
    expect(text.stderr).toContain('error[not-found]: workload.yaml: no such file');
    const json = await runWeld(['-o', 'json', 'workload', 'check', 'workload.yaml']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'not-found' } });
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
    expect(text.stderr).toBe("error: missing required argument 'ref'\n(run with --help for usage)\n");
    const help = await runWeld(['-o', 'json', 'push', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: weld push/);
    const version = await runWeld(['-o', 'json', '--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
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
