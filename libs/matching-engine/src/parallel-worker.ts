/** Worker thread of parallel.ts: solves the instances it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from './parallel';
import { solveMatching } from './solve';
import type { SolveOptions } from './session';
import type { MatchingInstance } from './types';
import { InvalidInstanceError } from './validate';

const port = parentPort;
if (!port) throw new Error('parallel-worker.ts runs as a worker thread');
port.on('message', (m: { instance: MatchingInstance; options: SolveOptions }) => {
  let reply: WorkerReply;
  try {
    reply = { result: solveMatching(m.instance, m.options) };
  } catch (e) {
    reply =
      e instanceof InvalidInstanceError
        ? { error: e.message, issues: e.issues }
        : { error: String((e as Error)?.stack ?? e) };
  }
  port.postMessage(reply);
});
