/** The page's worker: analyses dropped binaries off the main thread (engines limit synchronous compiles there). */
import { describeBinary, validateStep, type ComponentAnalysis, type ValidationOutcome } from './analyze.js';

export type WorkerRequest = { id: number; file: string; bytes: ArrayBuffer };
/** First the analysis (WIT, sizes, grants), then, for a component, its validation verdict. */
export type WorkerReply =
  | { id: number; analysis: ComponentAnalysis }
  | { id: number; validation: ValidationOutcome; timings: Record<string, number> }
  | { id: number; error: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply): void };

scope.onmessage = (ev) => {
  const { id, file, bytes } = ev.data;
  try {
    const { analysis, component } = describeBinary(file, new Uint8Array(bytes));
    scope.postMessage({ id, analysis });
    if (component) scope.postMessage({ id, validation: validateStep(component, analysis.timings), timings: analysis.timings });
  } catch (e) {
    scope.postMessage({ id, error: (e as Error).message ?? String(e) });
  }
};
