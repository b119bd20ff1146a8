import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProject, loadProject, type BuildSummary } from '@weld/compose';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE_CACHE = path.join(REPO_ROOT, '.cache', 'fixtures');
export const POLYGLOT = path.join(REPO_ROOT, 'examples', 'polyglot');

/**
 * Builds the polyglot example into `.cache/fixtures/polyglot` (content-hash cached by weld build itself,
 * so only changed sources rebuild). Called by the global setup and by tests that need the components.
 */
export async function buildPolyglotFixtures(): Promise<BuildSummary> {
  const project = await loadProject(POLYGLOT);
  return buildProject(project, { outDir: path.join(FIXTURE_CACHE, 'polyglot') });
}

export function polyglotComponent(name: 'calc' | 'app' | 'numbers' | 'http'): string {
  return path.join(FIXTURE_CACHE, 'polyglot', `${name}.wasm`);
}

export const WORKLOAD_PROJECT = path.join(REPO_ROOT, 'test', 'fixtures', 'workload', 'project');
export const WORKLOAD_FIXTURES = path.join(FIXTURE_CACHE, 'workload');

/** Builds the workload test project (counter, client, looper) into `.cache/fixtures/workload`, cached by content hash. */
export async function buildWorkloadFixtures(): Promise<BuildSummary> {
  const project = await loadProject(WORKLOAD_PROJECT);
  return buildProject(project, { outDir: WORKLOAD_FIXTURES });
}

export const HTTP_C_PROJECT = path.join(REPO_ROOT, 'test', 'fixtures', 'http-c');

/** Builds the C wasi:http handler (test/fixtures/http-c) into `.cache/fixtures/http-c`, cached by content hash; returns its path. */
export async function buildHttpCFixture(): Promise<string> {
  const outDir = path.join(FIXTURE_CACHE, 'http-c');
  await buildProject(await loadProject(HTTP_C_PROJECT), { outDir });
  return path.join(outDir, 'http-c.wasm');
}

export const HOSTIF_GUESTS = path.join(REPO_ROOT, 'test', 'hostif', 'guests');

/** The host-interface test guests (JS components against wash-runtime's WIT), cached like the polyglot ones. */
export async function buildHostifFixtures(): Promise<BuildSummary> {
  const outDir = path.join(FIXTURE_CACHE, 'hostif');
  const guests = await buildProject(await loadProject(HOSTIF_GUESTS), { outDir });
  const http = await buildProject(await loadProject(path.join(REPO_ROOT, 'test', 'hostif', 'http-guest')), { outDir });
  return { ...guests, components: [...guests.components, ...http.components], built: guests.built + http.built, cached: guests.cached + http.cached, milliseconds: guests.milliseconds + http.milliseconds };
}

export function hostifGuest(name: 'probe' | 'messenger' | 'c-messenger' | 'blobs' | 'counter'): string {
  return path.join(FIXTURE_CACHE, 'hostif', `${name}.wasm`);
}
