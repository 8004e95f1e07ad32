/**
 * The one interface between a sweep and where its runs execute (in the spirit of
 * submitit's executors): start, run a task with progress, retire a worker, shut down.
 * `WorkerPool` implements it for both backends: local worker processes, and SLURM pilot
 * jobs (slurm/pilot-launcher.ts). Tasks may be submitted while others run; each resolves
 * with its Outcome.
 */
import type { Hello, Progress } from "../protocol/messages.js";
import type { Outcome, PoolTask } from "./pool.js";

export type Backend = "local" | "slurm";

export interface Executor {
  readonly backend: Backend;
  /** Resolves once some worker can take a task; rejects when none can start. */
  ready(): Promise<void>;
  /** Runs `task` on the next free worker: `onStart` when one takes it, `onProgress` per progress message. */
  run(task: PoolTask, onProgress?: (progress: Progress) => void, onStart?: (workerId: string) => void): Promise<Outcome>;
  /** The worker finishes what it holds and leaves (not replaced). */
  retire(workerId: string): void;
  /** Cancels what runs, stops every worker; on SLURM, no job of the sweep is left in the queue. */
  shutdown(graceMs?: number): Promise<void>;
  /** A worker's hello (versions, devices), for environment.json. */
  readonly helloInfo: Hello | undefined;
}
