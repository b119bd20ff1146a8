import path from 'node:path';
import type { CaseResult, SpecResult } from './run-spec.js';

export type Reporter = 'text' | 'tap' | 'junit';
export const REPORTERS: readonly Reporter[] = ['text', 'tap', 'junit'];

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureLines(r: CaseResult): string[] {
  if (!r.failure) return [];
  const lines = [...r.failure.message.split('\n')];
  if (r.failure.expected !== undefined) lines.push(`expected: ${r.failure.expected}`);
  if (r.failure.actual !== undefined) lines.push(`actual:   ${r.failure.actual}`);
  lines.push(`at ${r.location.at}`);
  return lines;
}

/** One line per case as it finishes (for the text reporter's live output). */
export function textCaseLine(r: CaseResult): string {
  const mark = r.passed ? '✓' : '✗';
  const lines = [`  ${mark} ${r.name} (${Math.round(r.durationMs)} ms)`];
  for (const l of failureLines(r)) lines.push(`      ${l}`);
  return lines.join('\n');
}

export function textSummary(results: SpecResult[]): string {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  return `${passed} passed, ${failed} failed`;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** TAP version 13, one test point per case, YAML diagnostics for failures. */
export function tapReport(results: SpecResult[]): string {
  const cases = results.flatMap((s) => s.cases.map((c) => ({ spec: s, c })));
  const out = ['TAP version 13', `1..${cases.length}`];
  cases.forEach(({ spec, c }, i) => {
    const name = `${path.basename(spec.file)}: ${c.name}`.replace(/#/g, '\\#');
    out.push(`${c.passed ? 'ok' : 'not ok'} ${i + 1} - ${name}`);
    if (c.failure) {
      out.push('  ---');
      out.push(`  message: ${yamlString(c.failure.message)}`);
      if (c.failure.expected !== undefined) out.push(`  expected: ${yamlString(c.failure.expected)}`);
      if (c.failure.actual !== undefined) out.push(`  actual: ${yamlString(c.failure.actual)}`);
      out.push(`  at: ${yamlString(c.location.at)}`);
      out.push(`  duration_ms: ${Math.round(c.durationMs)}`);
      out.push('  ...');
    }
  });
  return out.join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML as CI systems read it: one testsuite per spec file, one testcase per case. */
export function junitReport(results: SpecResult[]): string {
  const tests = results.reduce((n, r) => n + r.cases.length, 0);
  const failures = results.reduce((n, r) => n + r.failed, 0);
  const time = results.reduce((n, r) => n + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="weld test" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">`];
  for (const spec of results) {
    const suite = path.basename(spec.file);
    out.push(`  <testsuite name="${xml(suite)}" tests="${spec.cases.length}" failures="${spec.failed}" errors="0" skipped="0" time="${seconds(spec.durationMs)}">`);
    for (const c of spec.cases) {
      const open = `    <testcase classname="${xml(suite)}" name="${xml(c.name)}" file="${xml(spec.file)}" time="${seconds(c.durationMs)}"`;
      if (!c.failure) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      out.push(`      <failure message="${xml(c.failure.message.split('\n')[0]!)}" type="${c.kind === 'call' ? 'call' : 'http'}">${xml(failureLines(c).join('\n'))}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
