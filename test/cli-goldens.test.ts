import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';

/**
 * CLI error output as data: each folder under test/goldens/cli holds `args` (one argument per line), optional `files/`
 * (copied to a temp folder that is the working directory; `.wat` files are also assembled to `.wasm`) and
 * `expected.txt`, the exit code, stdout and stderr. `pnpm goldens` regenerates them.
 */
const CASES = path.join(REPO_ROOT, 'test', 'goldens', 'cli');

async function assembleWat(dir: string): Promise<void> {
  const { parse } = await import('@bytecodealliance/jco');
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.wat')) continue;
    const file = path.join(entry.parentPath, entry.name);
    await writeFile(file.replace(/\.wat$/, '.wasm'), await parse(await readFile(file, 'utf8')));
  }
}

describe('CLI error output goldens', async () => {
  const names = (await readdir(CASES)).sort();
  it.each(names)('%s', async (name) => {
    const dir = path.join(CASES, name);
    const work = await mkdtemp(path.join(tmpdir(), `weld-golden-${name}-`));
    try {
      if (existsSync(path.join(dir, 'files'))) {
        await cp(path.join(dir, 'files'), path.join(work, 'files'), { recursive: true });
        await assembleWat(path.join(work, 'files'));
      }
      const args = (await readFile(path.join(dir, 'args'), 'utf8')).split('\n').filter((a) => a !== '');
      const home = path.join(work, 'home');
      const r = await runWeld(args, { cwd: work, env: { WELD_HOME: home, NO_COLOR: '1' } });
      const clean = (s: string) => s.split(work).join('<tmp>').replace(/\(V8 [^)]*\)/g, '(V8 <version>)');
      const text = `exit: ${r.code}\n--- stdout\n${clean(r.stdout)}--- stderr\n${clean(r.stderr)}`;
      await expect(text).toMatchFileSnapshot(path.join(dir, 'expected.txt'));
      // a user mistake never prints a stack trace
      expect(r.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
      expect(r.code).not.toBe(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
