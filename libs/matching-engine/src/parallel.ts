/**
 * Independent instances — e.g. the academies of a national run when no offer is within reach of
 * two of them — solved concurrently on worker threads. Node only: the rest of the library stays
 * pure and single-threaded, and this entry is not needed to use it. Each worker runs
 * `solveMatching`, so every result is exactly what a sequential call returns.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SolveOptions } from './session';
import type { MatchingInstance, MatchingResult } from './types';
import { InvalidInstanceError } from './validate';
import type { InputIssue } from './validate';

export interface ParallelSolveOptions extends SolveOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
}

/** Message from parallel-worker.ts. */
export type WorkerReply = { result: MatchingResult } | { error: string; issues?: InputIssue[] };

/**
 * Solves every instance with `solveMatching` on a pool of worker threads; results come back in
 * input order. Instances are pulled from the iterable as workers free up, so a generator keeps
 * only a few of them in memory at once.
 */
export async function solveMatchingParallel(
  instances: Iterable<MatchingInstance>,
  options: ParallelSolveOptions = {},
): Promise<MatchingResult[]> {
  const { threads = availableParallelism(), ...solveOptions } = options;
  const source = instances[Symbol.iterator]();
  const results: MatchingResult[] = [];
  let next = 0;
  const ext = extname(__filename);
  // A worker takes the process's flags but not its heap limits (--max-old-space-size…: threads
  // have `resourceLimits`); from TypeScript sources (tests, benchmark) it needs the loader too.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-'));
  if (ext === '.ts' && !execArgv.some((a) => a.includes('register')))
    execArgv.push('-r', '@swc-node/register');
  const solveOn = (worker: Worker, instance: MatchingInstance) =>
    new Promise<MatchingResult>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      worker.once('error', onError);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', onError);
        if ('result' in reply) resolve(reply.result);
        else reject(reply.issues ? new InvalidInstanceError(reply.issues) : new Error(reply.error));
      });
      worker.postMessage({ instance, options: solveOptions });
    });
  const drain = async () => {
    const worker = new Worker(join(__dirname, `parallel-worker${ext}`), { execArgv });
    try {
      for (let item = source.next(); !item.done; item = source.next()) {
        const index = next++;
        results[index] = await solveOn(worker, item.value);
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, threads) }, drain));
  return results;
}
