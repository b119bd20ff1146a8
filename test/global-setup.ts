import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildHostifFixtures, buildPolyglotFixtures, REPO_ROOT } from './helpers/fixtures.js';

/**
 * Compiles the packages and bundles the CLI as `pnpm build` does when the bundle is stale (the CLI tests run
 * bin/weld.js, which runs that bundle while it is fresh), and builds the example components once per run.
 */
export default async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b'], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle-cli.mjs'), '--dev'], { cwd: REPO_ROOT, stdio: 'inherit' });
  for (const [name, build] of [['polyglot', buildPolyglotFixtures], ['hostif', buildHostifFixtures]] as const) {
    const summary = await build();
    if (summary.built > 0) {
      process.stderr.write(`fixtures (${name}): built ${summary.built}, cached ${summary.cached} in ${(summary.milliseconds / 1000).toFixed(1)} s\n`);
    }
  }
}
