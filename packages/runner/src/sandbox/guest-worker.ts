import { parentPort, workerData } from 'node:worker_threads';
import { executeGuest } from './execute.js';
import type { GuestTask, WorkerMessage } from './protocol.js';

/**
 * A guest's own thread, for runs with a time limit: the main thread enforces it by terminating this worker, so
 * nothing here needs the guest's cooperation; blocking host calls (stdout to a slow pipe) block only this thread.
 */
// A worker may be started before its task is known (see `prewarmGuest`): its modules load meanwhile.
const task: GuestTask =
  (workerData as { task?: GuestTask } | undefined)?.task ?? (await new Promise<GuestTask>((resolve) => parentPort!.once('message', (m: { task: GuestTask }) => resolve(m.task))));
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
post({ type: 'outcome', outcome: await executeGuest(task, post) });
