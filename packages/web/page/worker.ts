/** The page's worker: analyses dropped binaries off the main thread (engines limit synchronous compiles there). */
import { analyzeBinary, type ComponentAnalysis } from './analyze.js';

export type WorkerRequest = { id: number; file: string; bytes: ArrayBuffer };
export type WorkerReply = { id: number; analysis: ComponentAnalysis } | { id: number; error: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply): void };

scope.onmessage = (ev) => {
  const { id, file, bytes } = ev.data;
  try {
    scope.postMessage({ id, analysis: analyzeBinary(file, new Uint8Array(bytes)) });
  } catch (e) {
    scope.postMessage({ id, error: (e as Error).message ?? String(e) });
  }
};
