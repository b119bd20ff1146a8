/** What the page shows for a dropped binary, computed with weld's libraries (runs in a worker). */
import { decodeComponent, extractWit, inspectComponent, isBinaryError, provenanceOf, sniff, validateComponent, type Component, type InspectReport, type Provenance } from '@weld/binary';
import { printResolve, isWeldError } from '@weld/wit-tools';
import { grantsOf } from '@weld/wit-tools/contract';

/** A runner flag the component would need, why, and the imports that ask for it. */
export interface NeededGrant {
  usage: string;
  allows: string;
  imports: string[];
}

export interface ValidationOutcome {
  valid: boolean;
  /** not decided yet: the worker sends the verdict after the rest */
  pending?: boolean;
  code?: string;
  message?: string;
  /** byte offset of the problem in the file */
  offset?: number;
  section?: string | null;
  hint?: string;
}

export interface ComponentAnalysis {
  file: string;
  size: number;
  kind: 'component' | 'module' | 'unknown';
  validation: ValidationOutcome;
  /** the component's world (or the package a binary WIT package defines), printed as WIT */
  wit?: { kind: 'component' | 'package'; text: string };
  /** why there is no WIT (a malformed binary), with its offset */
  witError?: ValidationOutcome;
  inspect?: Pick<InspectReport, 'sections' | 'modules' | 'components' | 'world' | 'producers' | 'adapters'>;
  grants: NeededGrant[];
  provenance?: Provenance;
  /** milliseconds per step, for the status line and the benchmark */
  timings: Record<string, number>;
}

function failure(e: unknown): ValidationOutcome {
  if (isBinaryError(e)) return { valid: false, code: e.code, message: e.message, offset: e.offset, hint: e.hint };
  if (isWeldError(e)) return { valid: false, code: e.code, message: e.message, hint: e.hint };
  return { valid: false, code: 'internal', message: (e as Error).message ?? String(e) };
}

function timed<T>(timings: Record<string, number>, step: string, f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    timings[step] = Math.round((performance.now() - t0) * 10) / 10;
  }
}

/** Validates a core module with the engine (a worker may compile any size synchronously). */
function validateModule(bytes: Uint8Array): ValidationOutcome {
  try {
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return { valid: true };
  } catch (e) {
    return { valid: false, code: 'invalid-core-module', message: (e as Error).message };
  }
}

/**
 * Everything but the validation of a component (which compiles its core modules, the slow part), so the page shows
 * the WIT first. `validation.pending` is set when `validateStep` still has to run on `component`.
 */
export function describeBinary(file: string, bytes: Uint8Array): { analysis: ComponentAnalysis; component?: Component } {
  const timings: Record<string, number> = {};
  const kind = sniff(bytes);
  const base = { file, size: bytes.length, grants: [] as NeededGrant[], timings };
  if (kind === 'unknown') {
    return { analysis: { ...base, kind, validation: { valid: false, code: 'bad-magic', message: `${file} is not a WebAssembly binary (expected the \\0asm header)`, offset: 0 } } };
  }
  if (kind === 'module') return { analysis: { ...base, kind, validation: timed(timings, 'validate', () => validateModule(bytes)) } };

  const out: ComponentAnalysis = { ...base, kind, validation: { valid: false, pending: true } };
  let component: Component;
  try {
    component = timed(timings, 'decode', () => decodeComponent(bytes));
  } catch (e) {
    out.validation = failure(e);
    out.witError = out.validation;
    return { analysis: out };
  }
  try {
    const x = timed(timings, 'wit', () => extractWit(component));
    out.wit = { kind: x.kind, text: timed(timings, 'print', () => printResolve(x.resolve, x.package)) };
    if (x.kind === 'component') {
      out.grants = grantsOf(x.resolve, x.world).capabilities.filter((c) => c.flags.length > 0).map((c) => ({ usage: c.flags.join(' '), allows: c.description, imports: c.imports }));
    }
  } catch (e) {
    out.witError = failure(e);
  }
  try {
    const report = timed(timings, 'inspect', () => inspectComponent(component));
    out.inspect = { sections: report.sections, modules: report.modules, components: report.components, world: report.world, producers: report.producers, adapters: report.adapters };
  } catch (e) {
    out.witError ??= failure(e);
  }
  out.provenance = provenanceOf(component);
  return { analysis: out, component };
}

/** Validates a decoded component, its core modules with the engine. */
export function validateStep(component: Component, timings: Record<string, number>): ValidationOutcome {
  return timed(timings, 'validate', () => {
    const r = validateComponent(component, { coreModules: true });
    if (r.valid) return { valid: true };
    const e = r.error;
    return { valid: false, code: e.code, message: e.message, offset: e.offset, section: e.section ?? null, hint: e.hint };
  });
}

/** The whole analysis at once (the benchmark's in-process baseline). */
export function analyzeBinary(file: string, bytes: Uint8Array): ComponentAnalysis {
  const { analysis, component } = describeBinary(file, bytes);
  if (component) analysis.validation = validateStep(component, analysis.timings);
  return analysis;
}
