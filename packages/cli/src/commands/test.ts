import type { Command } from 'commander';
import path from 'node:path';
import { resolvePolicy } from '@weld/registry';
import { REPORTERS, junitReport, loadRunnable, loadTestSpec, runTestSpec, tapReport, textCaseLine, textSummary, type Reporter, type SpecResult } from '@weld/runner';
import { RunError, limitsFrom } from '@weld/runner';
import { writeFileAtomic } from '@weld/core/node';
import { emit, exitState, globals } from '../context.js';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run YAML test specs against components: WAVE calls, HTTP requests, expected denials')
    .argument('<specs...>', 'test spec files (YAML)')
    .option('--reporter <format>', `what to print on stdout: ${REPORTERS.join(', ')}`, 'text')
    .option('--junit <file>', 'also write a JUnit XML report (atomically)')
    .option('--tap <file>', 'also write a TAP report (atomically)')
    .option('--policy <file>', 'trust policy for components given by reference; denial exits 3')
    .option('--timeout <DURATION>', 'stop a call case after DURATION (500ms, 30s, 5m); it fails with the limit named', '60s')
    .option('--max-memory <SIZE>', "cap every linear memory of the component at SIZE (64MiB, 1G) in call cases")
    .addHelpText(
      'after',
      `
A spec names a component and its grants, then cases:

  component: ../build/calc.wasm        # a path (relative to the spec) or a reference
  grants: { env: [MODE=test], allow-hosts: [127.0.0.1:8080], allow-listen: [9000], dirs: [data:/data], allow-lookup: false }
  tests:
    - call: calc.add(2, 40)
      expect: 42                        # WAVE; strings need quotes: expect: '"Hello, weld!"'
    - call: calc.divide(1, 0)
      expect: { error: '"division by zero"' }
    - request: { method: POST, path: /echo, headers: { content-type: text/plain }, body: ping }
      expect: { status: 200, headers: { content-type: text/plain }, body: ping }   # or body-contains
    - request: { path: /fetch?url=http://127.0.0.1:9/ }
      expect: { status: 502 }
      denied: [http]                    # the capabilities the case must see denied (http, sockets, lookup, files)

Exits 0 when every case passes, 1 when any fails, 2 for an invalid spec.`,
    )
    .action(async (specs: string[], opts: { reporter: string; junit?: string; tap?: string; policy?: string; timeout: string; maxMemory?: string }, cmd: Command) => {
      const limits = limitsFrom({ timeout: opts.timeout, maxMemory: opts.maxMemory });
      const g = globals(cmd);
      if (!(REPORTERS as readonly string[]).includes(opts.reporter)) {
        throw new RunError('spec-invalid', `unknown reporter "${opts.reporter}" (expected ${REPORTERS.join(', ')})`);
      }
      const reporter = opts.reporter as Reporter;
      const live = reporter === 'text' && g.output === 'text';
      const loaded = await Promise.all(specs.map((s) => loadTestSpec(s)));
      const policy = await resolvePolicy({ policyFile: opts.policy });
      const results: SpecResult[] = [];
      for (const spec of loaded) {
        const runnable = await loadRunnable(spec.component, { policy });
        if (live) process.stdout.write(`${path.relative(process.cwd(), spec.file) || spec.file} (${path.isAbsolute(runnable.origin) ? path.relative(process.cwd(), runnable.origin) : runnable.origin})\n`);
        results.push(await runTestSpec(runnable.bytes, spec, { limits, onCase: (r) => live && process.stdout.write(textCaseLine(r) + '\n') }));
      }
      if (opts.junit) await writeFileAtomic(opts.junit, junitReport(results));
      if (opts.tap) await writeFileAtomic(opts.tap, tapReport(results));
      const failed = results.reduce((n, r) => n + r.failed, 0);
      if (g.output === 'json') emit(g, { passed: results.reduce((n, r) => n + r.passed, 0), failed, specs: results }, () => []);
      else if (reporter === 'tap') process.stdout.write(tapReport(results));
      else if (reporter === 'junit') process.stdout.write(junitReport(results));
      else process.stdout.write(textSummary(results) + '\n');
      if (failed > 0) exitState.code = 1;
    });
}
