/**
 * Link plans as data: each case under workload/plans gives a manifest, the components' imports and exports, and
 * the plugins loaded; its `.plan` golden holds the plan as `weld workload plan` prints it, the problems, and the
 * Mermaid and dot graphs. Regenerate with `vitest -u` and review the diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interfaceMatches, parseWorkloadManifest, workloadPlanDot as planDot, workloadPlanMermaid as planMermaid, workloadPlanText as planText, planWorkload, versionsCompatible, type ComponentInterfaces, type PluginInfo } from '../src/workload/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = join(here, 'workload', 'plans');
const WASI = new Set(['wasi:cli/stdout', 'wasi:cli/environment', 'wasi:io/streams']);

describe('workload link plans', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    it(`${name} plans to its golden`, async () => {
      const data = parse(readFileSync(join(dir, name), 'utf8')) as { manifest: string; interfaces: Record<string, ComponentInterfaces>; plugins: PluginInfo[] };
      const manifest = parseWorkloadManifest(data.manifest, name);
      const plan = planWorkload({ manifest, interfaces: new Map(Object.entries(data.interfaces)), wasi: WASI, plugins: data.plugins });
      const names = [...manifest.components.map((c) => c.name), ...(manifest.service ? ['service'] : [])];
      const problems = plan.problems.map((p) => `✗ ${p.kind}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`);
      const text = [planText(plan, names, (i) => manifest.hostInterfaces[i]!.field), '', 'problems:', ...(problems.length ? problems : ['(none)']), '', planMermaid(plan, names), planDot(plan, names)].join('\n');
      await expect(text).toMatchFileSnapshot(join(dir, name.replace(/\.yaml$/, '.plan')));
    });
  }
});

describe('interface matching', () => {
  it('matches semver-compatible versions as wasmtime does', () => {
    expect(versionsCompatible('0.2.1', '0.2.9')).toBe(true);
    expect(versionsCompatible('0.2.0', '0.3.0')).toBe(false);
    expect(versionsCompatible('1.2.0', '1.9.3')).toBe(true);
    expect(versionsCompatible('1.2.0', '2.0.0')).toBe(false);
    expect(versionsCompatible('0.0.1', '0.0.2')).toBe(false);
    expect(interfaceMatches('wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/store@0.2.0-draft')).toBe(true);
    expect(interfaceMatches('wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/atomics@0.2.0-draft')).toBe(false);
    expect(interfaceMatches('demo:calc/calc@0.1.0', 'demo:calc/calc')).toBe(true);
  });
});
