import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // subpath entries first: an alias matches its key's subpaths too
      '@weld/core/project': fileURLToPath(new URL('./packages/core/src/project-entry.ts', import.meta.url)),
      '@weld/core/node': fileURLToPath(new URL('./packages/core/src/node.ts', import.meta.url)),
      '@weld/wit-tools/error': fileURLToPath(new URL('./packages/wit-tools/src/error.ts', import.meta.url)),
      '@weld/wit-tools/node': fileURLToPath(new URL('./packages/wit-tools/src/node.ts', import.meta.url)),
      '@weld/binary/node': fileURLToPath(new URL('./packages/binary/src/node.ts', import.meta.url)),
      '@weld/binary/codec': fileURLToPath(new URL('./packages/binary/src/codec-entry.ts', import.meta.url)),
      '@weld/registry/verify': fileURLToPath(new URL('./packages/registry/src/verification.ts', import.meta.url)),
      '@weld/compose/workload': fileURLToPath(new URL('./packages/compose/src/workload/index.ts', import.meta.url)),
      '@weld/registry/transfer': fileURLToPath(new URL('./packages/registry/src/transfer.ts', import.meta.url)),
      '@weld/runner/run': fileURLToPath(new URL('./packages/runner/src/run-entry.ts', import.meta.url)),
      '@weld/core': pkg('core'),
      '@weld/wit-tools': pkg('wit-tools'),
      '@weld/binary': pkg('binary'),
      '@weld/compose/graph': fileURLToPath(new URL('./packages/compose/src/graph/index.ts', import.meta.url)),
      '@weld/compose': pkg('compose'),
      '@weld/registry': pkg('registry'),
      '@weld/runner': pkg('runner'),
      '@weld/web': pkg('web'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
