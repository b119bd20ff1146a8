import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../../worker/jco-worker.mjs', import.meta.url));

export type WorkerRequest =
  | { op: 'componentize'; source: string; wit: string; world?: string; disableFeatures: string[]; out: string }
  | { op: 'embed-new'; core: string; wit?: string; witSource?: string; world?: string; adapter: 'reactor' | 'command'; out: string };

export interface WorkerFailure {
  message: string;
  /** What the tool printed on stderr, for context in error details. */
  stderr: string;
}

/** Runs one jco/componentize-js step in a child process; resolves with the failure message, or null on success. */
export function runWorker(request: WorkerRequest): Promise<WorkerFailure | null> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    let answered = false;
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 64_000) stderr += d.toString();
    });
    child.stdout?.resume();
    child.on('message', (m: { ok: boolean; message?: string }) => {
      answered = true;
      resolve(m.ok ? null : { message: m.message ?? 'unknown failure', stderr });
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!answered) resolve({ message: `build worker exited (${signal ?? `code ${code}`}) without an answer`, stderr });
    });
    child.send(request);
  });
}
