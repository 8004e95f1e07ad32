/**
 * The one interface between a sweep and where its runs execute (in the spirit of
 * submitit's executors): start, run a task with progress, retire a worker, shut down, and
 * say who is there (their hellos, a live snapshot, the connections refused). `WorkerPool`
 * implements it for both backends: local worker processes, and SLURM pilot jobs
 * (slurm/pilot-launcher.ts); `LazyExecutor` starts one on first use; tests script one.
 * Tasks may be submitted while others run; each resolves with its Outcome.
 */
import type { Hello, ProbeResult, ProbeTask, Progress, TaskError, TrainResult, TrainTask } from "../protocol/messages.js";

export type Backend = "local" | "slurm";

export type PoolTask = ProbeTask | TrainTask;

/** Where a worker runs, as it said in its hello (null when unknown, or outside SLURM). */
export interface Placement {
  host: string | null;
  slurm_job_id: string | null;
  cuda_visible_devices: string | null;
}

/** What became of a task. */
export type Outcome =
  | { kind: "result"; workerId: string; message: ProbeResult | TrainResult; where?: Placement }
  | { kind: "task_error"; workerId: string; message: TaskError; where?: Placement }
  /**
   * The worker died, hung or went silent; or (`handedBack`) it stopped the run itself after
   * checkpointing it, because its job was signalled (time limit, preemption, scancel).
   */
  | { kind: "lost"; workerId: string; reason: string; logTail: string; where?: Placement; handedBack?: boolean }
  | { kind: "cancelled"; reason: string };

/** A worker as a live display shows it: its state, its task and that task's latest progress. */
export interface WorkerSnapshot {
  id: string;
  status: "starting" | "idle" | "busy" | "draining" | "dead";
  task?: PoolTask;
  progress?: Progress;
  pid?: number;
}

export interface Executor {
  readonly backend: Backend;
  /** Resolves once some worker can take a task; rejects when none can start. */
  ready(): Promise<void>;
  /** Runs `task` on the next free worker: `onStart` when one takes it, `onProgress` per progress message. */
  run(task: PoolTask, onProgress?: (progress: Progress) => void, onStart?: (workerId: string) => void): Promise<Outcome>;
  /** The worker finishes what it holds and leaves (not replaced). */
  retire(workerId: string): void;
  /** Cancels what runs, stops every worker; on SLURM, no job of the sweep is left in the queue. Every call waits for the same shutdown. */
  shutdown(graceMs?: number): Promise<void>;
  /** A worker's hello (versions, devices), and every hello so far (their hosts), for environment.json. */
  readonly helloInfo: Hello | undefined;
  readonly hellos: readonly Hello[];
  /** The workers now, for live progress displays. */
  snapshot(): WorkerSnapshot[];
  /** Calls `listener` for each connection refused (a wrong key, token or worker id: security.ts). */
  onRefused(listener: (who: string, reason: string) => void): void;
}
