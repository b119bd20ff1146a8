import { performance } from 'node:perf_hooks';
import { errorDocument, errorInFile, errorLine, isWeldError, type ErrorDocument } from '@weld/core';
import { callFunction } from '../call.js';
import type { Limits } from '../limits.js';
import type { Denial } from '../host.js';
import { serveHttp, type HttpService } from '../serve.js';
import type { CallCase, HttpCase, SpecLocation, TestCase, TestSpec } from './spec.js';

export interface CaseFailure {
  message: string;
  /** The typed error that failed the case, in its structured form (for `-o json`). */
  error?: ErrorDocument;
  expected?: string;
  actual?: string;
}

export interface CaseResult {
  name: string;
  kind: TestCase['kind'];
  passed: boolean;
  durationMs: number;
  location: SpecLocation;
  failure?: CaseFailure;
  denials: Denial[];
}

export interface SpecResult {
  file: string;
  component: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  durationMs: number;
}

class CaseFailed extends Error {
  constructor(readonly failure: CaseFailure) {
    super(failure.message);
  }
}

function check(condition: boolean, failure: CaseFailure): void {
  if (!condition) throw new CaseFailed(failure);
}

function checkDenials(expected: Denial['capability'][] | undefined, seen: Denial[]): void {
  if (expected === undefined) return;
  const got = [...new Set(seen.map((d) => d.capability))];
  if (expected.length === 0) {
    check(got.length === 0, { message: `expected no denials, but ${seen.map((d) => d.attempted).join('; ')} was denied`, expected: '[]', actual: `[${got.join(', ')}]` });
    return;
  }
  for (const capability of expected) {
    check(got.includes(capability), { message: `expected a denied ${capability} access, but none happened`, expected: `[${expected.join(', ')}]`, actual: `[${got.join(', ')}]` });
  }
}

/** A case that never returns must not hang a CI job: each call case gets a minute unless `--timeout` says otherwise. */
export const DEFAULT_CASE_LIMITS: Limits = { timeoutMs: 60_000, timeoutText: '60s' };

async function runCall(bytes: Uint8Array, spec: TestSpec, c: CallCase, limits: Limits): Promise<Denial[]> {
  const result = await callFunction(bytes, c.call, { grants: spec.grants, limits });
  checkDenials(c.denied, result.denials);
  if (c.expect === undefined) {
    check(result.ok !== c.expectErr, { message: c.expectErr ? 'expected an err result' : 'expected an ok result', actual: result.wave });
    return result.denials;
  }
  let expected: string;
  try {
    expected = result.normalize(c.expectErr ? `err(${c.expect})` : c.expect);
  } catch (e) {
    const unquotedString = result.wave.startsWith('"') && !c.expect.trimStart().startsWith('"');
    const hint = unquotedString ? ` (a WAVE string needs double quotes inside the YAML: expect: '"${c.expect}"')` : '';
    throw new CaseFailed({ message: `the expected value is not valid for the result type: ${(e as Error).message}${hint}` });
  }
  check(result.wave === expected, { message: `${result.target} returned ${result.wave}`, expected, actual: result.wave });
  return result.denials;
}

async function runRequest(service: HttpService, c: HttpCase, denials: Denial[]): Promise<void> {
  const response = await fetch(service.url + c.path, { method: c.method, headers: c.headers, body: c.body });
  const body = await response.text();
  checkDenials(c.denied, denials);
  if (c.status !== undefined) check(response.status === c.status, { message: `status ${response.status}`, expected: String(c.status), actual: String(response.status) });
  for (const [name, value] of Object.entries(c.expectHeaders)) {
    const got = response.headers.get(name);
    check(got === value, { message: `header ${name}`, expected: value, actual: got ?? '(absent)' });
  }
  if (c.bodyEquals !== undefined) check(body === c.bodyEquals, { message: 'body differs', expected: c.bodyEquals, actual: body });
  if (c.bodyContains !== undefined) check(body.includes(c.bodyContains), { message: `body does not contain ${JSON.stringify(c.bodyContains)}`, expected: c.bodyContains, actual: body });
}

/**
 * Runs every case of a spec against `bytes`, in order. Call cases instantiate the component per call; request
 * cases share one `serveHttp` server (a fresh instance per request). A case fails on a wrong value, status,
 * header or body, a missing expected denial, a trap, or any error; the other cases still run.
 */
export async function runTestSpec(bytes: Uint8Array, spec: TestSpec, options: { onCase?: (r: CaseResult) => void; limits?: Limits } = {}): Promise<SpecResult> {
  const started = performance.now();
  const results: CaseResult[] = [];
  let service: HttpService | undefined;
  let requestDenials: Denial[] = [];
  try {
    for (const c of spec.cases) {
      const t0 = performance.now();
      let denials: Denial[] = [];
      let failure: CaseFailure | undefined;
      try {
        if (c.kind === 'call') denials = await runCall(bytes, spec, c, options.limits ?? DEFAULT_CASE_LIMITS);
        else {
          service ??= await serveHttp(bytes, { grants: spec.grants, port: 0, onDenied: (d) => requestDenials.push(d) });
          requestDenials = [];
          await runRequest(service, c, requestDenials);
          denials = requestDenials;
        }
      } catch (caught) {
        const e = errorInFile(caught, spec.component); // a decoding error is about the component file
        if (e instanceof CaseFailed) failure = e.failure;
        // one line per error, as core's errorLine lays out listed failures; the caret drawing is the CLI's alone
        else if (isWeldError(e)) failure = { message: errorLine(e) + (e.hint ? `\nhint: ${e.hint}` : ''), error: errorDocument(e) };
        else failure = { message: `error: ${(e as Error).message}` };
      }
      const result: CaseResult = { name: c.name, kind: c.kind, passed: !failure, durationMs: performance.now() - t0, location: c.location, failure, denials };
      results.push(result);
      options.onCase?.(result);
    }
  } finally {
    await service?.close();
  }
  const passed = results.filter((r) => r.passed).length;
  return { file: spec.file, component: spec.component, cases: results, passed, failed: results.length - passed, durationMs: performance.now() - started };
}
