import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { runWeld } from './helpers/cli.js';
import { tempProject } from './helpers/tmp.js';
import { transpileAndImport } from './helpers/transpile.js';

describe('weld build: C components', () => {
  it('a command (main) without WIT becomes a wasi:cli/run component; several sources and cflags link', async () => {
    const dir = await tempProject({
      'weld.yaml': [
        'components:',
        '  - name: hello',
        '    language: c',
        '    source: [main.c, greet.c]',
        '    exec-model: command',
        '    cflags: [-DTIMES=3]',
      ].join('\n'),
      'main.c': '#include <stdio.h>\n#include "greet.h"\nint main(void) { printf("%s\\n", greet()); return 0; }\n',
      'greet.h': 'const char *greet(void);\n',
      'greet.c': '#include "greet.h"\n#define STR(x) #x\n#define XSTR(x) STR(x)\nconst char *greet(void) { return "hi " XSTR(TIMES) " times from two files"; }\n',
    });
    const r = await runWeld(['build', dir]);
    expect(r.code, r.stderr).toBe(0);
    const { module } = await transpileAndImport<any>(path.join(dir, 'build', 'hello.wasm'), 'hello');
    expect(Object.keys(module)).toContain('wasi:cli/run@0.2.12');
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(Buffer.from(chunk).toString());
      return true;
    }) as typeof process.stdout.write;
    try {
      module.run.run();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toContain('hi 3 times from two files');
  });

  it('a reactor without WIT is refused with the reason', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: lib, language: c, source: lib.c }\n', 'lib.c': 'int x;\n' });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/components\[0\]\.wit: missing \(a reactor C component needs the WIT directory/);
  });

  it('changing a header beside the sources rebuilds the component', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: hello, language: c, source: main.c, exec-model: command }\n',
      'main.c': '#include "v.h"\nint main(void) { return V; }\n',
      'v.h': '#define V 0\n',
    });
    expect((await runWeld(['build', dir])).code).toBe(0);
    const cached = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout);
    expect(cached.built).toBe(0);
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'v.h'), '#define V 1\n'));
    const rebuilt = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout);
    expect(rebuilt.built).toBe(1);
  });
});
