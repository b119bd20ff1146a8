// Runs only this package's tests, without the repo-wide global setup (tsc -b + example builds):
//   npx vitest run --config packages/binary/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = (name: string) => fileURLToPath(new URL(`../${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  root,
  resolve: {
    alias: {
      '@weld/wit-tools/node': fileURLToPath(new URL('../wit-tools/src/node.ts', import.meta.url)),
      '@weld/binary/node': fileURLToPath(new URL('../binary/src/node.ts', import.meta.url)),
      '@weld/binary/codec': fileURLToPath(new URL('../binary/src/codec-entry.ts', import.meta.url)),
      ...Object.fromEntries(['wit-tools', 'binary', 'compose', 'registry', 'runner'].map((n) => [`@weld/${n}`, pkg(n)])),
    },
  },
  test: { include: ['packages/binary/test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, pool: 'forks' },
});
