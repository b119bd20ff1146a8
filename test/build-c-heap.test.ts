import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProject } from '@weld/compose';
import { inputsHash } from '../packages/compose/src/build/inputs.js';
import { toolVersions } from '../packages/compose/src/build/toolchain-versions.js';
import { cToolchain } from '../packages/compose/src/build/toolchains/c.js';
import { runWeld } from './helpers/cli.js';
import { tempProject } from './helpers/tmp.js';

// The preview1 adapter takes its shadow stack and its State from linear memory on its first use. wasi-libc's
// dlmalloc (the Debian 2022 snapshot weld builds with) claims everything from __heap_base to the memory size at
// the first malloc as free heap, so pages the adapter took before that must not come from memory.grow behind
// libc's back: the C heap would hand them out again, and the adapter would trap ("assertion failed at adapter
// line …", its State's magic overwritten) or write its stack frames into the program's buffers.

// KEEP stops clang from eliding a malloc whose contents it can fold (at -O2 it would drop `malloc` + `memset`
// + `p[n - 1]` altogether, and the program would not allocate at all).
const PRELUDE = [
  '#include <stdint.h>',
  '#include <stdio.h>',
  '#include <stdlib.h>',
  '#include <string.h>',
  '#define KEEP(p) __asm__ volatile("" : : "r"(p) : "memory")',
  '',
].join('\n');

const COMMANDS: Record<string, string> = {
  // The program from the bug report: allocate before any output.
  'malloc-first.c': `${PRELUDE}
int main(void) { char *p = malloc(200000); memset(p, 1, 200000); KEEP(p); printf("ok %d\\n", p[199999]); return 0; }
`,
  // Output before the first malloc: the adapter's State exists before the heap is set up.
  'print-first.c': `${PRELUDE}
int main(void) {
  printf("start\\n");
  char *p = malloc(200000);
  if (!p) return 3;
  memset(p, 1, 200000);
  KEEP(p);
  printf("ok %d\\n", p[199999]);
  return 0;
}
`,
  // The heap must not overlap the adapter's stack: a pattern written before output survives the output.
  'pattern.c': `${PRELUDE}
int main(void) {
  size_t n = 1u << 20;
  unsigned char *p = malloc(n);
  if (!p) return 3;
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 7 + 1);
  for (int k = 0; k < 3; k++) printf("line %d\\n", k);
  fprintf(stderr, "to stderr\\n");
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) if (p[i] != (unsigned char)(i * 7 + 1)) bad++;
  printf("corrupted %zu\\n", bad);
  return bad == 0 ? 0 : 4;
}
`,
  // Memory grows thousands of times, with output in between.
  'growth.c': `${PRELUDE}
int main(void) {
  printf("growing\\n");
  unsigned char *blocks[2000];
  unsigned long sum = 0;
  for (int i = 0; i < 2000; i++) {
    blocks[i] = malloc(65536);
    if (!blocks[i]) { printf("out of memory at %d\\n", i); return 3; }
    memset(blocks[i], i & 0xff, 65536);
    if (i % 400 == 0) printf("at %d\\n", i);
  }
  for (int i = 0; i < 2000; i++) sum += blocks[i][i % 65536] + blocks[i][65535];
  printf("checksum %lu\\n", sum);
  return 0;
}
`,
  // One large block after output.
  'big.c': `${PRELUDE}
int main(void) {
  puts("big");
  size_t n = 50u << 20;
  unsigned char *p = malloc(n);
  if (!p) return 3;
  memset(p, 7, n);
  KEEP(p);
  printf("big %d %d\\n", p[0], p[n - 1]);
  return 0;
}
`,
};

function expectedChecksum(): number {
  let sum = 0;
  for (let i = 0; i < 2000; i++) sum += 2 * (i & 0xff);
  return sum;
}

// A reactor export that writes to stderr, allocates a large buffer, and returns a string. `plain` exports no
// cabi_realloc (a string result needs none); `calc` is written like examples/polyglot/calc, with its own.
const REACTOR_WIT = `package demo:mem@0.1.0;

interface mem {
  fill: func(n: u32) -> string;
}

world memory {
  export mem;
}
`;

const reactor = (withRealloc: boolean) => `${PRELUDE}
#define EXPORT(name) __attribute__((export_name(name)))
${
  withRealloc
    ? `EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}
`
    : ''
}
static _Alignas(8) uint8_t RET_AREA[8];

EXPORT("demo:mem/mem@0.1.0#fill")
uint8_t *mem_fill(uint32_t n) {
  fprintf(stderr, "filling %u\\n", n);
  unsigned char *buf = malloc(n);
  if (!buf) abort();
  memset(buf, 'a', n);
  unsigned long sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += buf[i];
  fprintf(stderr, "filled %u\\n", n);
  char *out = malloc(64);
  if (!out) abort();
  int len = snprintf(out, 64, "filled %u bytes, sum %lu", n, sum);
  free(buf);
  uint32_t ptr = (uint32_t)(uintptr_t)out, ulen = (uint32_t)len;
  memcpy(RET_AREA, &ptr, 4);
  memcpy(RET_AREA + 4, &ulen, 4);
  return RET_AREA;
}

EXPORT("cabi_post_demo:mem/mem@0.1.0#fill")
void mem_fill_post(uint8_t *ret) {
  uint32_t ptr;
  memcpy(&ptr, ret, 4);
  free((void *)(uintptr_t)ptr);
}
`;

describe('weld build: C components whose heap grows', () => {
  let dir: string;
  const wasm = (name: string) => path.join(dir, 'build', `${name}.wasm`);

  beforeAll(async () => {
    const names = Object.keys(COMMANDS).map((f) => f.replace(/\.c$/, ''));
    dir = await tempProject({
      'weld.yaml': [
        'components:',
        ...names.map((n) => `  - { name: ${n}, language: c, source: ${n}.c, exec-model: command }`),
        '  - { name: plain, language: c, source: plain.c, wit: wit, world: memory }',
        '  - { name: calc, language: c, source: calc.c, wit: wit, world: memory }',
      ].join('\n'),
      ...COMMANDS,
      'plain.c': reactor(false),
      'calc.c': reactor(true),
      'wit/mem.wit': REACTOR_WIT,
    });
    const r = await runWeld(['build', dir]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('malloc(200000) then printf', async () => {
    const r = await runWeld(['run', wasm('malloc-first')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok 1\n');
    expect(r.code).toBe(0);
  });

  it('printf, malloc(200000), printf', async () => {
    const r = await runWeld(['run', wasm('print-first')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('start\nok 1\n');
    expect(r.code).toBe(0);
  });

  it("output does not write into the program's heap", async () => {
    const r = await runWeld(['run', wasm('pattern')]);
    expect(r.stdout).toBe('line 0\nline 1\nline 2\ncorrupted 0\n');
    expect(r.stderr).toBe('to stderr\n');
    expect(r.code).toBe(0);
  });

  it('2000 allocations of 64 KiB, growing memory each time, then a checksum', async () => {
    const r = await runWeld(['run', wasm('growth')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`growing\nat 0\nat 400\nat 800\nat 1200\nat 1600\nchecksum ${expectedChecksum()}\n`);
    expect(r.code).toBe(0);
  });

  it('a 50 MB block after output', async () => {
    const r = await runWeld(['run', wasm('big')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('big\nbig 7 7\n');
    expect(r.code).toBe(0);
  });

  for (const name of ['plain', 'calc']) {
    it(`a reactor export allocating 1 MB returns its string (${name === 'plain' ? 'no cabi_realloc of its own' : 'its own cabi_realloc'})`, async () => {
      const r = await runWeld(['call', wasm(name), 'mem.fill(1048576)']);
      expect(r.stdout.trim()).toBe(`"filled 1048576 bytes, sum ${1048576 * 97}"`);
      expect(r.stderr).toBe('filling 1048576\nfilled 1048576\n');
      expect(r.code).toBe(0);
      // a second call in a fresh instance, smaller, to be sure nothing depends on the first
      const again = await runWeld(['call', wasm(name), 'mem.fill(200000)']);
      expect(again.stdout.trim()).toBe(`"filled 200000 bytes, sum ${200000 * 97}"`);
      expect(again.code).toBe(0);
    });
  }
});

describe('weld build: the C build cache and weld\'s own build recipe', () => {
  it('an output cached by a weld whose C recipe differed (same sources, compiler, jco) is rebuilt, then reused', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: hello, language: c, source: main.c, exec-model: command }\n',
      'main.c': COMMANDS['print-first.c']!,
    });
    expect((await runWeld(['build', dir])).code).toBe(0);
    // The key the previous weld used: compiler and jco versions, nothing about the flags and sources weld adds.
    const project = await loadProject(dir);
    const spec = project.components.find((c) => c.name === 'hello')!;
    const oldKey = `${(await cToolchain()).version}|jco@${toolVersions().jco}`;
    const cacheFile = path.join(dir, 'build', '.weld-cache.json');
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(cache.entries.hello.inputs).not.toBe(await inputsHash(spec, project.root, oldKey));
    cache.entries.hello.inputs = await inputsHash(spec, project.root, oldKey);
    await writeFile(cacheFile, JSON.stringify(cache));

    const rebuilt = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout);
    expect(rebuilt.built).toBe(1);
    const again = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout);
    expect(again.built).toBe(0);
    const r = await runWeld(['run', path.join(dir, 'build', 'hello.wasm')]);
    expect(r.stdout).toBe('start\nok 1\n');
    expect(r.code).toBe(0);
  });
});
